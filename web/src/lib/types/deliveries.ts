// Deliveries, their status changes (one or in bulk) and the round (issue 16).

import type { ApiErrorBody, DeliveryStatus, Reason, Shift } from './common'

export interface Delivery {
  id: number
  customerId: number
  customerName?: string
  vendorId: number
  scheduledFor: string
  items: string
  quantity: number
  amountCents: number
  status: DeliveryStatus
  note: string
  deliveredAt?: string
  createdAt: string
  updatedAt: string
  reversedAt?: string
  reversalReason?: string
  subscriptionId?: number
  shift?: Shift
  productId?: number
  reason?: Reason
  reasonText?: string
}

export interface DeliveryUpdate {
  status?: DeliveryStatus
  note?: string
  idempotencyKey?: string
  reason?: Reason
  reasonText?: string
  /** The status the user saw when making the change (offline commands): 409 CONFLICT with error.current when it no longer holds. */
  expectedStatus?: DeliveryStatus
}

export interface DeliveryChange {
  delivery: Delivery
  previousStatus: DeliveryStatus | ''
}

export interface BulkStatus {
  ids: number[]
  status: DeliveryStatus
  reason?: Reason
  reasonText?: string
  idempotencyKey?: string
  /** The status every listed delivery was in when the change was made: an id no longer in it is refused with CONFLICT and error.current. */
  expectedStatus?: DeliveryStatus
}

export interface BulkStatusItem {
  id: number
  ok: boolean
  delivery?: Delivery
  previousStatus?: DeliveryStatus
  error?: ApiErrorBody
}

export interface BulkStatusResult {
  results: BulkStatusItem[]
  succeeded: number
  failed: number
}

export interface GenerateResult {
  date: string
  created: number
  existing: number
}

export interface RoundStop {
  delivery: Delivery
  areaId: number
  areaName: string
  position: number
  address: string
  phone: string
  balanceCents: number
  customerNote: string
}

export interface ProductQuantity {
  productId: number
  name: string
  unit: string
  quantity: number
}

export interface RoundCounters {
  total: number
  toDo: number
  out: number
  delivered: number
  failed: number
  skipped: number
  cancelled: number
  quantities: ProductQuantity[]
}

export interface Round {
  date: string
  shift?: Shift
  stops: RoundStop[]
  counters: RoundCounters
  seq: number
}
