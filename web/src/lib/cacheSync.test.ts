import { QueryClient } from '@tanstack/react-query'
import { beforeEach, describe, expect, it } from 'vitest'
import { applyActivity, applyCustomer, applyDelivery, applyPayment, applyStats, applyUser } from './cacheSync'
import { keys, type CustomerFilters } from './queryKeys'
import type { ActivityEntry, ActivityResponse, Customer, Delivery, ListResponse, Payment, Stats } from './types'

const customer = (id: number, over: Partial<Customer> = {}): Customer => ({
  id,
  name: `C${id}`,
  phone: '',
  email: '',
  address: '',
  status: 'active',
  vendorId: 2,
  balanceCents: 1000,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  areaId: 0,
  position: 0,
  note: '',
  ...over,
})

const delivery = (id: number, over: Partial<Delivery> = {}): Delivery => ({
  id,
  customerId: 1,
  vendorId: 2,
  scheduledFor: '2026-01-01',
  items: 'Milk 1L',
  quantity: 2,
  amountCents: 6000,
  status: 'out_for_delivery',
  note: '',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  ...over,
})

const payment = (id: number, customerId: number): Payment => ({
  id,
  customerId,
  vendorId: 2,
  amountCents: 500,
  method: 'upi',
  reference: '',
  recordedBy: 1,
  createdAt: '2026-01-01T00:00:00Z',
})

const stats = (seq: number, activeCustomers = 10): Stats => ({
  timezone: 'UTC',
  today: '2026-11-25',
  epoch: 'k3xq7mva',
  activeCustomers,
  deliveriesToday: { total: 0, scheduled: 0, outForDelivery: 0, delivered: 0, failed: 0, cancelled: 0, skipped: 0, reversed: 0 },
  revenueTodayCents: 0,
  revenueMonthCents: 0,
  paymentsToday: 0,
  paymentsTodayCents: 0,
  outstandingCents: 0,
  activeVendors: 3,
  seq,
  at: '2026-01-01T00:00:00Z',
})

const filters = (over: Partial<CustomerFilters> = {}): CustomerFilters => ({ search: '', status: '', vendorId: '', limit: 25, offset: 0, ...over })

let qc: QueryClient
beforeEach(() => {
  qc = new QueryClient({ defaultOptions: { queries: { retry: false } } })
})

const isStale = (key: readonly unknown[]) => qc.getQueryState(key)?.isInvalidated ?? false

describe('cache sync', () => {
  it('replaces stats but never goes backwards', () => {
    applyStats(qc, { stats: stats(5, 11), at: 'x' })
    applyStats(qc, { stats: stats(4, 9), at: 'x' })
    expect(qc.getQueryData<Stats>(keys.stats())?.activeCustomers).toBe(11)
    applyStats(qc, { stats: stats(6, 12), at: 'x' })
    expect(qc.getQueryData<Stats>(keys.stats())?.seq).toBe(6)
  })

  it('prepends activity entries once, newest first', () => {
    const entry = (seq: number): ActivityEntry => ({ seq, at: 'x', actorId: 1, actorName: 'A', action: 'payment.added', entity: 'payment', entityId: seq, vendorId: 2, summary: `s${seq}` })
    qc.setQueryData<ActivityResponse>(keys.activity(30), { items: [entry(2), entry(1)] })
    applyActivity(qc, { seq: 3, at: 'x', entry: entry(3) })
    applyActivity(qc, { seq: 3, at: 'x', entry: entry(3) })
    expect(qc.getQueryData<ActivityResponse>(keys.activity(30))?.items.map((e) => e.seq)).toEqual([3, 2, 1])
  })

  it('puts a payment into the balance of the customer everywhere and into its payment lists', () => {
    qc.setQueryData(keys.customers.detail(1), customer(1))
    qc.setQueryData<ListResponse<Customer>>(keys.customers.list(filters()), { items: [customer(1), customer(2)], total: 2 })
    qc.setQueryData<ListResponse<Payment>>(keys.payments.list({ customerId: 1, limit: 20 }), { items: [], total: 0 })
    qc.setQueryData<ListResponse<Payment>>(keys.payments.list({ customerId: 2, limit: 20 }), { items: [], total: 0 })
    qc.setQueryData(keys.customers.ledger(1), { items: [], total: 0 })
    applyPayment(qc, { seq: 9, at: 'x', payment: payment(50, 1), customer: { id: 1, balanceCents: 500 } })
    applyPayment(qc, { seq: 9, at: 'x', payment: payment(50, 1), customer: { id: 1, balanceCents: 500 } })
    expect(qc.getQueryData<Customer>(keys.customers.detail(1))?.balanceCents).toBe(500)
    const list = qc.getQueryData<ListResponse<Customer>>(keys.customers.list(filters()))
    expect(list?.items.map((c) => c.balanceCents)).toEqual([500, 1000])
    expect(qc.getQueryData<ListResponse<Payment>>(keys.payments.list({ customerId: 1, limit: 20 }))?.items).toHaveLength(1)
    expect(qc.getQueryData<ListResponse<Payment>>(keys.payments.list({ customerId: 2, limit: 20 }))?.items).toHaveLength(0)
    expect(isStale(keys.customers.ledger(1))).toBe(true)
  })

  it('patches a changed customer in place and refetches lists a new or moved customer affects', () => {
    const all = keys.customers.list(filters())
    const paused = keys.customers.list(filters({ status: 'paused' }))
    qc.setQueryData<ListResponse<Customer>>(all, { items: [customer(1)], total: 1 })
    qc.setQueryData<ListResponse<Customer>>(paused, { items: [], total: 0 })
    applyCustomer(qc, { seq: 1, at: 'x', customer: customer(1, { name: 'Renamed' }), change: 'updated' })
    expect(qc.getQueryData<ListResponse<Customer>>(all)?.items[0]?.name).toBe('Renamed')
    expect(isStale(all)).toBe(false)
    applyCustomer(qc, { seq: 2, at: 'x', customer: customer(1, { status: 'active' }), change: 'status' })
    expect(isStale(paused)).toBe(true)
    expect(isStale(all)).toBe(false)
    applyCustomer(qc, { seq: 3, at: 'x', customer: customer(3), change: 'created' })
    expect(isStale(all)).toBe(true)
  })

  it('patches a delivery in place and refreshes the balance when it is delivered', () => {
    const key = keys.deliveries.list({ customerId: 1, limit: 20 })
    qc.setQueryData<ListResponse<Delivery>>(key, { items: [delivery(4)], total: 1 })
    qc.setQueryData(keys.customers.detail(1), customer(1))
    applyDelivery(qc, { seq: 5, at: 'x', delivery: delivery(4, { status: 'delivered' }), previousStatus: 'out_for_delivery' })
    expect(qc.getQueryData<ListResponse<Delivery>>(key)?.items[0]?.status).toBe('delivered')
    expect(isStale(key)).toBe(false)
    expect(isStale(keys.customers.detail(1))).toBe(true)
  })

  it('refetches the customer’s delivery lists for a delivery it has not seen', () => {
    const mine = keys.deliveries.list({ customerId: 1, limit: 20 })
    const other = keys.deliveries.list({ customerId: 2, limit: 20 })
    qc.setQueryData<ListResponse<Delivery>>(mine, { items: [], total: 0 })
    qc.setQueryData<ListResponse<Delivery>>(other, { items: [], total: 0 })
    applyDelivery(qc, { seq: 6, at: 'x', delivery: delivery(9, { status: 'scheduled' }), previousStatus: '' })
    expect(isStale(mine)).toBe(true)
    expect(isStale(other)).toBe(false)
  })
})

describe('user changes', () => {
  it('replaces a changed user in every users list', () => {
    const user = (status: 'active' | 'suspended') => ({ id: 5, email: 'v@x', name: 'V', role: 'vendor' as const, status, createdAt: '', updatedAt: '' })
    const key = keys.users.list({})
    qc.setQueryData(key, { items: [user('active')], total: 1 })
    applyUser(qc, { seq: 1, at: 'x', user: user('suspended') })
    expect(qc.getQueryData<ListResponse<{ status: string }>>(key)?.items[0]?.status).toBe('suspended')
    expect(isStale(key)).toBe(false)
  })
})
