// The real-time contract (issue 5): server→client event payloads, the
// client→server commands and their acks. Alert, report and security event
// payloads live with their domain (alerts.ts, reports.ts, users.ts).

import type { ActivityEntry } from './activity'
import type { Alert, AlertEvent } from './alerts'
import type { Stats } from './analytics'
import type { Area, CustomerRate, Product, Subscription } from './catalog'
import type { ApiErrorBody, DeliveryStatus, Reason, Shift } from './common'
import type { Customer, CustomerBalance } from './customers'
import type { BulkStatus, BulkStatusResult, Delivery, DeliveryChange } from './deliveries'
import type { Reversal } from './ledger'
import type { Payment, PaymentCreate, PaymentResult } from './payments'
import type { ReportFailed, ReportProgress, ReportReady } from './reports'
import type { SecurityEvent, User } from './users'

export type CustomerChange = 'created' | 'updated' | 'status'

export interface StatsUpdated {
  stats: Stats
  at: string
}

export interface DeliveryUpdated {
  seq: number
  at: string
  delivery: Delivery
  previousStatus: DeliveryStatus | ''
}

export interface PaymentAdded {
  seq: number
  at: string
  payment: Payment
  customer: CustomerBalance
}

export interface CustomerUpdated {
  seq: number
  at: string
  customer: Customer
  change: CustomerChange
}

export interface PaymentReversed {
  seq: number
  at: string
  reversal: Reversal
  payment: Payment
  customer: CustomerBalance
}

export interface DeliveryReversed {
  seq: number
  at: string
  reversal: Reversal
  delivery: Delivery
  customer: CustomerBalance
}

/** CustomerRemoved: the customer moved away from vendorId; that vendor drops it. */
export interface CustomerRemoved {
  seq: number
  at: string
  customerId: number
  vendorId: number
  reason: string
}

export interface ActivityUpdated {
  seq: number
  at: string
  entry: ActivityEntry
}

export interface UserUpdated {
  seq: number
  at: string
  user: User
}

export interface ProductUpdated {
  seq: number
  at: string
  product: Product
  change: 'created' | 'updated'
}

export interface RateUpdated {
  seq: number
  at: string
  rate: CustomerRate
  change: 'set' | 'removed'
}

export interface AreaUpdated {
  seq: number
  at: string
  area: Area
  change: 'created' | 'updated'
}

export interface SubscriptionUpdated {
  seq: number
  at: string
  subscription: Subscription
  change: 'created' | 'updated' | 'paused' | 'pause_cancelled'
}

/** DeliveriesGenerated replaces one delivery:updated per generated delivery: refetch the round. */
export interface DeliveriesGenerated {
  seq: number
  at: string
  date: string
  shift?: Shift
  vendorId: number
  created: number
  deliveryIds: number[]
}

export interface PresenceAdmin {
  id: number
  name: string
  since: string
}

export interface PresenceUpdated {
  admins: PresenceAdmin[]
}

export interface ServerError {
  code: string
  message: string
}

/** Ack is the answer of every client→server command. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ApiErrorBody }

/** Server→client events and their payloads (one argument each). */
export interface ServerEventMap {
  'stats:updated': StatsUpdated
  'delivery:updated': DeliveryUpdated
  'payment:added': PaymentAdded
  'customer:updated': CustomerUpdated
  'payment:reversed': PaymentReversed
  'delivery:reversed': DeliveryReversed
  'customer:removed': CustomerRemoved
  'activity:updated': ActivityUpdated
  'user:updated': UserUpdated
  'presence:updated': PresenceUpdated
  'security:event': SecurityEvent
  'product:updated': ProductUpdated
  'rate:updated': RateUpdated
  'area:updated': AreaUpdated
  'subscription:updated': SubscriptionUpdated
  'deliveries:generated': DeliveriesGenerated
  'alert:raised': AlertEvent
  'alert:updated': AlertEvent
  'alert:resolved': AlertEvent
  'report:progress': ReportProgress
  'report:ready': ReportReady
  'report:failed': ReportFailed
  error: ServerError
}

export type ServerEventName = keyof ServerEventMap

/** Client→server commands: [payload, ack data]. */
export interface CommandMap {
  'stats:request': [Record<string, never>, Stats]
  ping: [Record<string, never>, { serverTime: string }]
  'delivery:update': [
    { id: number; status: DeliveryStatus; note?: string; idempotencyKey?: string; reason?: Reason; reasonText?: string; expectedStatus?: DeliveryStatus },
    DeliveryChange,
  ]
  'deliveries:status': [BulkStatus, BulkStatusResult]
  'payment:add': [PaymentCreate, PaymentResult]
  'auth:refresh': [{ token: string }, unknown]
  'alert:ack': [{ id: number; note?: string }, Alert]
}

export type CommandName = keyof CommandMap

export type ServerToClientEvents = {
  [K in ServerEventName]: (payload: ServerEventMap[K]) => void
}

export type ClientToServerEvents = {
  [K in CommandName]: (payload: CommandMap[K][0], ack: (res: Ack<CommandMap[K][1]>) => void) => void
}
