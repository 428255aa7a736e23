import { QueryClient } from '@tanstack/react-query'
import { describe, expect, it } from 'vitest'
import { keys, type RoundParams } from '../../lib/queryKeys'
import { eventToServerEvents } from '../../lib/socketModel'
import type { Customer, Delivery, Round } from '../../lib/types'
import { applyRoundCustomer, applyRoundDeliveryEvent, applyRoundGenerated } from './cache'
import { countersOf } from './logic'

const delivery: Delivery = {
  id: 1, customerId: 7, customerName: 'Asha', vendorId: 2, scheduledFor: '2026-12-01', items: 'Milk', quantity: 1, amountCents: 6_500,
  status: 'scheduled', note: '', createdAt: '', updatedAt: '', shift: 'morning', productId: 3,
}
const customer: Customer = {
  id: 7, name: 'Asha', phone: '+91 1', email: '', address: 'old', status: 'active', vendorId: 2, balanceCents: 0, createdAt: '', updatedAt: '',
  areaId: 4, position: 1, note: '',
}

function cached(params: RoundParams, date = '2026-12-01'): { qc: QueryClient; key: readonly unknown[] } {
  const qc = new QueryClient()
  const stops = [{ delivery, areaId: 4, areaName: 'North', position: 1, address: 'old', phone: '+91 1', balanceCents: 0, customerNote: '' }]
  const r: Round = { date, shift: params.shift, stops, counters: countersOf(stops), seq: 50 }
  const key = keys.round.one(params)
  qc.setQueryData(key, r)
  return { qc, key }
}
const stale = (qc: QueryClient, key: readonly unknown[]) => qc.getQueryState(key)?.isInvalidated

describe('round cache', () => {
  it('refetches a round when a new delivery of its day and shift appears, not for others', () => {
    const { qc, key } = cached({ shift: 'morning' })
    applyRoundDeliveryEvent(qc, { seq: 51, at: '', delivery: { ...delivery, id: 2, shift: 'evening' }, previousStatus: '' })
    applyRoundDeliveryEvent(qc, { seq: 52, at: '', delivery: { ...delivery, id: 3, scheduledFor: '2026-12-02' }, previousStatus: '' })
    applyRoundDeliveryEvent(qc, { seq: 53, at: '', delivery: { ...delivery, id: 4, status: 'delivered' }, previousStatus: 'scheduled' })
    expect(stale(qc, key)).toBe(false)
    applyRoundDeliveryEvent(qc, { seq: 54, at: '', delivery: { ...delivery, id: 5, shift: undefined }, previousStatus: '' })
    expect(stale(qc, key)).toBe(true)
  })

  it('refetches the rounds of a generated day', () => {
    const today = cached({ shift: 'morning' })
    applyRoundGenerated(today.qc, { seq: 60, at: '', date: '2026-12-02', vendorId: 2, created: 3, deliveryIds: [9] })
    applyRoundGenerated(today.qc, { seq: 61, at: '', date: '2026-12-01', shift: 'evening', vendorId: 2, created: 3, deliveryIds: [9] })
    expect(stale(today.qc, today.key)).toBe(false)
    applyRoundGenerated(today.qc, { seq: 62, at: '', date: '2026-12-01', vendorId: 2, created: 1, deliveryIds: [10] })
    expect(stale(today.qc, today.key)).toBe(true)
  })

  it("patches a customer's contact details, and refetches when the customer moved", () => {
    const { qc, key } = cached({ shift: 'morning' })
    applyRoundCustomer(qc, { seq: 70, at: '', customer: { ...customer, address: 'new', note: 'ring twice', balanceCents: 300 }, change: 'updated' })
    const r = qc.getQueryData<Round>(key)!
    expect(r.stops[0]).toMatchObject({ address: 'new', customerNote: 'ring twice', balanceCents: 300 })
    expect(stale(qc, key)).toBe(false)
    applyRoundCustomer(qc, { seq: 71, at: '', customer: { ...customer, areaId: 5 }, change: 'updated' })
    expect(stale(qc, key)).toBe(true)
  })

  it('hears generated days and areas when polling too', () => {
    const base = { at: '2026-12-01T00:00:01Z', actorId: 1, actorName: 'System', entityId: 0, vendorId: 2, summary: '' }
    const gen = { date: '2026-12-01', vendorId: 2, created: 2, deliveryIds: [1, 2] }
    expect(eventToServerEvents({ ...base, seq: 5, action: 'deliveries.generated', entity: 'round', payload: { generated: gen } })[0]).toEqual([
      'deliveries:generated',
      { seq: 5, at: base.at, ...gen },
    ])
    const area = { id: 4, vendorId: 2, name: 'North', sortOrder: 1, createdAt: '', updatedAt: '' }
    expect(eventToServerEvents({ ...base, seq: 6, action: 'area.created', entity: 'area', payload: { area, change: 'created' } })[0]).toEqual([
      'area:updated',
      { seq: 6, at: base.at, area, change: 'created' },
    ])
  })
})
