import type { QueryClient } from '@tanstack/react-query'
import { keys, type RoundParams } from '../../lib/queryKeys'
import type { CustomerUpdated, DeliveriesGenerated, Delivery, DeliveryUpdated, Round } from '../../lib/types'
import { applyDelivery, mayInclude, setBalance } from './logic'

// Folding real-time events (and our own writes' answers) into every cached
// round: the cache stays the only copy of the round, as everywhere else.

function paramsOf(queryKey: readonly unknown[]): RoundParams | undefined {
  return queryKey[2] as RoundParams | undefined
}

function eachRound(qc: QueryClient, fn: (r: Round, p: RoundParams) => Round): void {
  for (const q of qc.getQueryCache().findAll({ queryKey: keys.round.lists() })) {
    const p = paramsOf(q.queryKey)
    const r = q.state.data as Round | undefined
    if (!r || !p) continue
    const next = fn(r, p)
    if (next !== r) qc.setQueryData<Round>(q.queryKey, next)
  }
}

/** applyRoundDeliveries shows our own write's answers at once (the events confirm them). */
export function applyRoundDeliveries(qc: QueryClient, ds: readonly Delivery[]): void {
  if (ds.length === 0) return
  eachRound(qc, (r) => ds.reduce((acc, d) => applyDelivery(acc, d), r))
}

/**
 * applyRoundDeliveryEvent folds delivery:updated into every round. A new
 * delivery of the round's day and shift is not a stop yet: that round
 * refetches (its area and place come from the customer).
 */
export function applyRoundDeliveryEvent(qc: QueryClient, p: DeliveryUpdated): void {
  const stale: RoundParams[] = []
  eachRound(qc, (r, params) => {
    const known = r.stops.some((s) => s.delivery.id === p.delivery.id)
    if (!known && p.previousStatus === '' && p.seq > r.seq && mayInclude(r, params.shift, p.delivery)) stale.push(params)
    return applyDelivery(r, p.delivery, { seq: p.seq, previousStatus: p.previousStatus })
  })
  for (const params of stale) void qc.invalidateQueries({ queryKey: keys.round.one(params), exact: true })
}

/** applyRoundGenerated refetches the rounds of the generated day. */
export function applyRoundGenerated(qc: QueryClient, p: DeliveriesGenerated): void {
  if (p.created === 0) return
  void qc.invalidateQueries({
    queryKey: keys.round.lists(),
    predicate: (q) => {
      const r = q.state.data as Round | undefined
      const params = paramsOf(q.queryKey)
      const sameShift = !p.shift || !params?.shift || params.shift === p.shift
      return sameShift && (!r || r.date === p.date)
    },
  })
}

/** applyRoundBalance shows a customer's new balance (payment, reversal) on the rounds. */
export function applyRoundBalance(qc: QueryClient, customerId: number, balanceCents: number, seq: number): void {
  eachRound(qc, (r) => setBalance(r, customerId, balanceCents, seq))
}

/**
 * applyRoundCustomer patches a customer's address, phone, note, name and
 * balance on its stops; a customer that moved (area, place in it, vendor,
 * status) or came into a filtered area refetches the round instead.
 */
export function applyRoundCustomer(qc: QueryClient, p: CustomerUpdated): void {
  const c = p.customer
  const stale: RoundParams[] = []
  eachRound(qc, (r, params) => {
    if (p.seq <= r.seq) return r
    const mine = r.stops.filter((s) => s.delivery.customerId === c.id)
    if (mine.length === 0) {
      if (params.areaId && params.areaId === c.areaId) stale.push(params)
      return { ...r, seq: p.seq }
    }
    const moved = mine.some((s) => s.areaId !== c.areaId || s.position !== c.position || s.delivery.vendorId !== c.vendorId)
    if (moved || p.change === 'status') {
      stale.push(params)
      return r
    }
    const stops = r.stops.map((s) =>
      s.delivery.customerId === c.id
        ? { ...s, address: c.address, phone: c.phone, customerNote: c.note, balanceCents: c.balanceCents, delivery: { ...s.delivery, customerName: c.name } }
        : s,
    )
    return { ...r, stops, seq: p.seq }
  })
  for (const params of stale) void qc.invalidateQueries({ queryKey: keys.round.one(params), exact: true })
}
