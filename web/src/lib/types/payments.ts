// Payments.

import type { PaymentMethod } from './common'
import type { CustomerBalance } from './customers'

export interface Payment {
  id: number
  customerId: number
  vendorId: number
  amountCents: number
  method: PaymentMethod
  reference: string
  idempotencyKey?: string
  recordedBy: number
  createdAt: string
  reversedAt?: string
  reversalReason?: string
}

export interface PaymentCreate {
  customerId: number
  amountCents: number
  method: PaymentMethod
  reference?: string
  idempotencyKey: string
}

export interface PaymentResult {
  payment: Payment
  customer: CustomerBalance
  created: boolean
}
