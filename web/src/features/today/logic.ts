import type { Delivery, DeliveryStatus, ProductQuantity, Reason, Round, RoundCounters, RoundStop, Shift } from '../../lib/types'

// The Today page's rules, as pure functions: which shift to open, how the
// round is grouped and counted, what a failed or skipped stop must say, and
// how a change (ours or another admin's) folds into a cached round.

export const REASONS: ReadonlyArray<{ value: Reason; label: string }> = [
  { value: 'not_home', label: 'Not home' },
  { value: 'refused', label: 'Refused' },
  { value: 'no_access', label: 'No access' },
  { value: 'out_of_stock', label: 'Out of stock' },
  { value: 'other', label: 'Other…' },
]

/** REASON_TEXT_MAX is the server's limit on reasonText. */
export const REASON_TEXT_MAX = 200

/** The hour (local) from which the evening round opens by default. */
export const EVENING_FROM_HOUR = 12

/** defaultShift is the shift a person opening the page most likely works now. */
export function defaultShift(now: Date): Shift {
  return now.getHours() < EVENING_FROM_HOUR ? 'morning' : 'evening'
}

/** isOpen says whether a stop still waits for its outcome. */
export function isOpen(status: DeliveryStatus): boolean {
  return status === 'scheduled' || status === 'out_for_delivery'
}

/** openIds are the stops "mark the rest delivered" applies to, in walking order. */
export function openIds(stops: readonly RoundStop[]): number[] {
  return stops.filter((s) => isOpen(s.delivery.status)).map((s) => s.delivery.id)
}

/**
 * countersOf counts stops as the server does (GET /api/round): toDo is
 * scheduled, out is out_for_delivery, total includes cancelled; quantities
 * are per product (one-offs without a product by their items) of the stops
 * neither cancelled nor skipped, sorted by name. Units come from the
 * previous counters (a stop does not carry its product's unit).
 */
export function countersOf(stops: readonly RoundStop[], previous?: RoundCounters): RoundCounters {
  const c: RoundCounters = { total: 0, toDo: 0, out: 0, delivered: 0, failed: 0, skipped: 0, cancelled: 0, quantities: [] }
  const units = new Map<string, string>()
  for (const q of previous?.quantities ?? []) units.set(quantityKey(q.productId, q.name), q.unit)
  const qty = new Map<string, ProductQuantity>()
  for (const { delivery: d } of stops) {
    c.total++
    switch (d.status) {
      case 'scheduled':
        c.toDo++
        break
      case 'out_for_delivery':
        c.out++
        break
      case 'delivered':
        c.delivered++
        break
      case 'failed':
        c.failed++
        break
      case 'skipped':
        c.skipped++
        break
      case 'cancelled':
        c.cancelled++
        break
    }
    if (d.status === 'cancelled' || d.status === 'skipped') continue
    const productId = d.productId ?? 0
    const key = quantityKey(productId, d.items)
    const q = qty.get(key)
    if (q) q.quantity += d.quantity
    else qty.set(key, { productId, name: d.items, unit: units.get(key) ?? '', quantity: d.quantity })
  }
  c.quantities = [...qty.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return c
}

function quantityKey(productId: number, items: string): string {
  return productId ? String(productId) : `0/${items}`
}

/**
 * Pending is an outcome recorded on this device that the server has not
 * confirmed yet (in the offline queue): queued when it waits for a
 * connection, else on its way.
 */
export type Pending = Pick<Delivery, 'status' | 'reason' | 'reasonText'> & { queued?: boolean }

/**
 * withPending is the round as the person working it sees it: each stop
 * with the outcome recorded on the device, sent or not. The same array
 * when nothing is pending.
 */
export function withPending(stops: readonly RoundStop[], pending: ReadonlyMap<number, Pending>): readonly RoundStop[] {
  if (pending.size === 0) return stops
  return stops.map((s) => {
    const p = pending.get(s.delivery.id)
    if (!p || (p.status === s.delivery.status && p.reason === s.delivery.reason)) return s
    return { ...s, delivery: { ...s.delivery, status: p.status, reason: p.reason, reasonText: p.reasonText } }
  })
}

/** Waiting counts the round's stops whose outcome waits on the device to be sent, by that outcome. */
export interface Waiting {
  total: number
  byStatus: Partial<Record<DeliveryStatus, number>>
}

/** waitingOf counts the queued outcomes of this round's stops (not those on their way: they take a moment). */
export function waitingOf(stops: readonly RoundStop[], pending: ReadonlyMap<number, Pending>): Waiting {
  const w: Waiting = { total: 0, byStatus: {} }
  for (const s of stops) {
    const p = pending.get(s.delivery.id)
    if (!p?.queued) continue
    w.total++
    w.byStatus[p.status] = (w.byStatus[p.status] ?? 0) + 1
  }
  return w
}

export interface AreaGroup {
  /** 0 for customers without an area. */
  areaId: number
  areaName: string
  stops: RoundStop[]
  /** Stops still open in the group. */
  open: number
}

/**
 * groupByArea cuts the round (already in walking order) into its areas,
 * keeping the order; customers without an area come last as "No area".
 * A stop with a pending outcome counts as that outcome ("2 of 5 left"
 * includes what waits to be sent).
 */
export function groupByArea(stops: readonly RoundStop[], pending?: ReadonlyMap<number, Pending>): AreaGroup[] {
  const groups: AreaGroup[] = []
  const byArea = new Map<number, AreaGroup>()
  for (const s of stops) {
    let g = byArea.get(s.areaId)
    if (!g) {
      g = { areaId: s.areaId, areaName: s.areaId ? s.areaName : 'No area', stops: [], open: 0 }
      byArea.set(s.areaId, g)
      groups.push(g)
    }
    g.stops.push(s)
    if (isOpen(pending?.get(s.delivery.id)?.status ?? s.delivery.status)) g.open++
  }
  return groups
}

export interface FieldError {
  field: 'reason' | 'reasonText'
  message: string
}

/**
 * validateReason checks an outcome as the server does: failed and skipped
 * need a reason from the list, "other" needs its text (at most 200
 * characters), and no other status takes a reason.
 */
export function validateReason(status: DeliveryStatus, reason: Reason | undefined, text: string | undefined): FieldError | null {
  const needs = status === 'failed' || status === 'skipped'
  if (!needs) return reason ? { field: 'reason', message: `A ${status} stop takes no reason.` } : null
  if (!reason) return { field: 'reason', message: 'Choose why.' }
  if (!REASONS.some((r) => r.value === reason)) return { field: 'reason', message: 'Choose a reason from the list.' }
  if (reason !== 'other') return null
  const t = (text ?? '').trim()
  if (!t) return { field: 'reasonText', message: 'Say what happened.' }
  if ([...t].length > REASON_TEXT_MAX) return { field: 'reasonText', message: `At most ${REASON_TEXT_MAX} characters.` }
  return null
}

/** reasonLabel is how a stop's reason reads ("Not home", or the text of "other"). */
export function reasonLabel(d: Pick<Delivery, 'reason' | 'reasonText'>): string {
  if (!d.reason) return ''
  if (d.reason === 'other') return d.reasonText || 'Other'
  return REASONS.find((r) => r.value === d.reason)?.label ?? d.reason
}

/**
 * applyDelivery folds a changed delivery into a round. It returns the round
 * unchanged when the round already holds this change (an event with
 * seq ≤ round.seq, or an older updatedAt). Delivering charges the customer:
 * every stop of that customer shows the new balance, also when the delivered
 * delivery is on another round (known from an event's previousStatus). seq
 * and previousStatus are the event's; our own write's answer passes neither,
 * and the event that follows finds the change already there.
 */
export function applyDelivery(round: Round, d: Delivery, event?: { seq: number; previousStatus: DeliveryStatus | '' }): Round {
  const seq = event?.seq ?? 0
  if (seq && seq <= round.seq) return round
  const bumped = seq > round.seq ? { ...round, seq } : round
  const i = round.stops.findIndex((s) => s.delivery.id === d.id)
  let charge = 0
  if (i >= 0) {
    const old = round.stops[i]!.delivery
    if (old.updatedAt && d.updatedAt && d.updatedAt < old.updatedAt) return bumped
    if (old.status !== 'delivered' && d.status === 'delivered') charge = d.amountCents
  } else if (event && event.previousStatus !== 'delivered' && d.status === 'delivered') {
    charge = d.amountCents
  }
  if (i < 0 && !(charge && round.stops.some((s) => s.delivery.customerId === d.customerId))) return bumped
  const stops = round.stops.map((s, j) => {
    const delivery = j === i ? { ...s.delivery, ...d } : s.delivery
    const balanceCents = charge && s.delivery.customerId === d.customerId ? s.balanceCents + charge : s.balanceCents
    return delivery === s.delivery && balanceCents === s.balanceCents ? s : { ...s, delivery, balanceCents }
  })
  return { ...round, stops, counters: i >= 0 ? countersOf(stops, round.counters) : round.counters, seq: Math.max(round.seq, seq) }
}

/** setBalance shows a customer's balance (from a payment or a reversal) on its stops. */
export function setBalance(round: Round, customerId: number, balanceCents: number, seq = 0): Round {
  if (seq && seq <= round.seq) return round
  if (!round.stops.some((s) => s.delivery.customerId === customerId && s.balanceCents !== balanceCents)) {
    return seq > round.seq ? { ...round, seq } : round
  }
  const stops = round.stops.map((s) => (s.delivery.customerId === customerId ? { ...s, balanceCents } : s))
  return { ...round, stops, seq: Math.max(round.seq, seq) }
}

/** mayInclude says whether a new delivery could be a stop of a round for date and shift. */
export function mayInclude(round: Pick<Round, 'date'>, shift: Shift | undefined, d: Delivery): boolean {
  return d.scheduledFor === round.date && (!shift || !d.shift || d.shift === shift)
}

/** mapsUrl opens an address in the phone's maps app (or Google Maps on the web). */
export function mapsUrl(address: string): string {
  return `https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(address)}`
}

/** telUrl is a tel: link for a phone number as people write it. */
export function telUrl(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`
}
