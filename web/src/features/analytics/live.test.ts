import { QueryClient } from '@tanstack/react-query'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { keys } from '../../lib/queryKeys'
import { syncCache } from '../../lib/realtime'
import type { Payment, PaymentAdded } from '../../lib/types'
import { FakeRealtimeClient } from '../../test/fakeClient'

const payment = (id: number): PaymentAdded => ({
  seq: id,
  at: '2026-12-01T04:30:00Z',
  payment: { id, customerId: 7, vendorId: 2, amountCents: 500, method: 'cash' } as Payment,
  customer: { id: 7, balanceCents: 1000 } as PaymentAdded['customer'],
})

afterEach(() => {
  vi.useRealTimers()
})

describe('richer analytics update live', () => {
  it('a payment makes every analytics card stale at once, a burst at most once more per 5 s', () => {
    vi.useFakeTimers()
    const qc = new QueryClient()
    const client = new FakeRealtimeClient()
    const r = { from: '2026-11-01', to: '2026-11-30' }
    const cards = [keys.analytics.ageing('2026-11-30'), keys.analytics.breakdown('product', r), keys.analytics.breakdown('area', r), keys.analytics.vendors(r)]
    for (const k of cards) qc.setQueryData(k, { seq: 1 })
    const unsync = syncCache(client, qc)
    const stale = () => cards.map((k) => qc.getQueryState(k)?.isInvalidated)

    client.emit('payment:added', payment(1))
    expect(stale()).toEqual([true, true, true, true])

    for (const k of cards) qc.setQueryData(k, { seq: 2 }) // refetched
    client.emit('payment:added', payment(2))
    client.emit('payment:added', payment(3))
    expect(stale()).toEqual([false, false, false, false]) // throttled
    vi.advanceTimersByTime(5_000)
    expect(stale()).toEqual([true, true, true, true]) // the trailing run
    unsync()
  })

  it('generated subscription deliveries refresh the analytics (active subscribers)', () => {
    const qc = new QueryClient()
    const client = new FakeRealtimeClient()
    const key = keys.analytics.range({ from: '2026-12-01', to: '2026-12-01', interval: 'day' })
    qc.setQueryData(key, { seq: 1 })
    const unsync = syncCache(client, qc)
    client.emit('deliveries:generated', { date: '2026-12-01', created: 3, existing: 0 } as never)
    expect(qc.getQueryState(key)?.isInvalidated).toBe(true)
    unsync()
  })
})
