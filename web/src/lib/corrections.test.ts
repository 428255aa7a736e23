import { QueryClient } from '@tanstack/react-query'
import { beforeEach, describe, expect, it } from 'vitest'
import { applyCustomerRemoved, applyPaymentReversed } from './cacheSync'
import { keys } from './queryKeys'
import { eventToServerEvents } from './socketModel'
import type { Customer, Delivery, ListResponse, Payment } from './types'

const customer = (id: number): Customer => ({
  id, name: `C${id}`, phone: '', email: '', address: '', status: 'active', vendorId: 2, balanceCents: 100, createdAt: '', updatedAt: '',
  areaId: 0, position: 0, note: '',
})
const payment = (id: number, customerId: number): Payment => ({
  id, customerId, vendorId: 2, amountCents: 500, method: 'cash', reference: '', recordedBy: 1, createdAt: '',
})
const delivery = (id: number, customerId: number): Delivery => ({
  id, customerId, vendorId: 2, scheduledFor: '2026-11-25', items: 'Milk', quantity: 1, amountCents: 100, status: 'scheduled', note: '', createdAt: '', updatedAt: '',
})
const list = <T,>(items: T[]): ListResponse<T> => ({ items, total: items.length })
const filters = { search: '', status: '' as const, vendorId: '' as const, limit: 25, offset: 0 }

let qc: QueryClient
beforeEach(() => {
  qc = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  qc.setQueryData(keys.customers.detail(1), customer(1))
  qc.setQueryData(keys.customers.list(filters), list([customer(1), customer(2)]))
  qc.setQueryData(keys.payments.list({ limit: 20 }), list([payment(10, 1), payment(11, 2)]))
  qc.setQueryData(keys.deliveries.list({ limit: 20 }), list([delivery(20, 1), delivery(21, 2)]))
})

describe('customer:removed', () => {
  const removed = { seq: 9, at: '', customerId: 1, vendorId: 2, reason: 'moved' }

  it('empties the old vendor’s caches of the customer and everything of it', () => {
    applyCustomerRemoved(qc, removed, 2)
    expect(qc.getQueryData(keys.customers.detail(1))).toBeUndefined()
    expect(qc.getQueryData<ListResponse<Customer>>(keys.customers.list(filters))?.items.map((c) => c.id)).toEqual([2])
    expect(qc.getQueryData<ListResponse<Payment>>(keys.payments.list({ limit: 20 }))).toEqual(list([payment(11, 2)]))
    expect(qc.getQueryData<ListResponse<Delivery>>(keys.deliveries.list({ limit: 20 }))).toEqual(list([delivery(21, 2)]))
  })

  it('leaves an admin’s (or another vendor’s) caches alone', () => {
    for (const viewer of [null, 3]) {
      applyCustomerRemoved(qc, removed, viewer)
      expect(qc.getQueryData(keys.customers.detail(1))).toEqual(customer(1))
      expect(qc.getQueryData<ListResponse<Payment>>(keys.payments.list({ limit: 20 }))?.items).toHaveLength(2)
    }
  })
})

describe('payment:reversed', () => {
  it('shows the payment reversed and the new balance', () => {
    const reversedPayment = { ...payment(10, 1), reversedAt: '2026-11-25T10:05:00Z', reversalReason: 'typo' }
    applyPaymentReversed(qc, {
      seq: 10, at: '',
      reversal: { id: 1, entity: 'payment', entityId: 10, customerId: 1, vendorId: 2, amountCents: 500, reason: 'typo', reversedBy: 1, createdAt: '' },
      payment: reversedPayment, customer: { id: 1, balanceCents: 600 },
    })
    expect(qc.getQueryData<Customer>(keys.customers.detail(1))?.balanceCents).toBe(600)
    expect(qc.getQueryData<ListResponse<Payment>>(keys.payments.list({ limit: 20 }))?.items[0]).toEqual(reversedPayment)
  })
})

describe('eventToServerEvents (REST polling fallback)', () => {
  const base = { seq: 5, at: 'x', actorId: 1, actorName: 'A', entityId: 1, vendorId: 2, summary: '' }
  it('turns the new log actions into their socket events', () => {
    expect(eventToServerEvents({ ...base, action: 'customer.removed', entity: 'customer', payload: { customerId: 1, reason: 'moved' } })[0]).toEqual([
      'customer:removed', { seq: 5, at: 'x', customerId: 1, vendorId: 2, reason: 'moved' },
    ])
    const p = { reversal: { id: 1 }, payment: { id: 1 }, customer: { id: 1, balanceCents: 0 } }
    expect(eventToServerEvents({ ...base, action: 'payment.reversed', entity: 'payment', payload: p })[0]?.[0]).toBe('payment:reversed')
    const d = { reversal: { id: 1 }, delivery: { id: 1 }, customer: { id: 1, balanceCents: 0 } }
    expect(eventToServerEvents({ ...base, action: 'delivery.reversed', entity: 'delivery', payload: d })[0]?.[0]).toBe('delivery:reversed')
  })
})
