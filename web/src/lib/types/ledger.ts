// The ledger: entries, reversals (corrections) and monthly statements.

import type { CustomerBalance } from './customers'
import type { Delivery } from './deliveries'
import type { Payment } from './payments'

export interface LedgerEntry {
  id: number
  customerId: number
  /** opening_balance: a balance brought over by an import (refId: the customer). */
  kind: 'delivery' | 'payment' | 'reversal' | 'opening_balance'
  refId: number
  amountCents: number
  balanceCents: number
  createdAt: string
  /** Set on an original that was reversed (the entry itself never changes). */
  reversedAt?: string
  /** The reason, on a reversed original and on the reversal entry. */
  reversalReason?: string
  /** On a reversal entry: the original it reverses. */
  reverses?: LedgerRef
}

export interface LedgerRef {
  kind: 'delivery' | 'payment'
  refId: number
}

/** Reversal corrects a payment or a delivered delivery (issue 13). */
export interface Reversal {
  id: number
  entity: 'payment' | 'delivery'
  entityId: number
  customerId: number
  vendorId: number
  /** The balance movement: +payment amount, or −delivery charge. */
  amountCents: number
  reason: string
  reversedBy: number
  createdAt: string
}

export interface ReversalCreate {
  reason: string
  idempotencyKey?: string
}

/** ReversalResult: reversal is null when an undelivered delivery was cancelled instead. */
export interface ReversalResult {
  reversal: Reversal | null
  customer: CustomerBalance
  payment?: Payment
  delivery?: Delivery
  created: boolean
}

/** StatementLine is one movement of a monthly statement: + charges, − credits. */
export interface StatementLine {
  entryId: number
  at: string
  date: string
  kind: 'delivery' | 'payment' | 'reversal' | 'opening_balance' | string
  refId: number
  description: string
  amountCents: number
  balanceCents: number
}

/** Statement is GET /api/customers/{id}/statement?month=YYYY-MM. */
export interface Statement {
  customerId: number
  customerName: string
  address: string
  phone: string
  vendorId: number
  month: string
  from: string
  to: string
  timezone: string
  openingBalanceCents: number
  chargesCents: number
  creditsCents: number
  /** Opening balances brought over by an import this month: neither charges nor credits. */
  broughtForwardCents: number
  closingBalanceCents: number
  lines: StatementLine[]
}
