import { describe, expect, it } from 'vitest'
import type { Delivery, DeliveryStatus, Round, RoundStop } from '../../lib/types'
import { applyDelivery, countersOf, defaultShift, groupByArea, mapsUrl, openIds, reasonLabel, setBalance, telUrl, validateReason, waitingOf, withPending, type Pending } from './logic'

let nextId = 1

function delivery(over: Partial<Delivery> = {}): Delivery {
  const id = over.id ?? nextId++
  return {
    id,
    customerId: id,
    customerName: `Customer ${id}`,
    vendorId: 2,
    scheduledFor: '2026-12-01',
    items: 'Buffalo milk',
    quantity: 2,
    amountCents: 14_000,
    status: 'scheduled',
    note: '',
    createdAt: '2026-12-01T00:00:01Z',
    updatedAt: '2026-12-01T00:00:01Z',
    shift: 'morning',
    productId: 3,
    ...over,
  }
}

function stop(d: Partial<Delivery>, area: [number, string] = [4, 'Indiranagar'], balanceCents = 0): RoundStop {
  return { delivery: delivery(d), areaId: area[0], areaName: area[1], position: 1, address: '12 MG Road', phone: '+91 98450 12345', balanceCents, customerNote: '' }
}

function round(stops: RoundStop[], seq = 100): Round {
  return { date: '2026-12-01', shift: 'morning', stops, counters: countersOf(stops), seq }
}

describe('countersOf', () => {
  it('counts every state as GET /api/round does and sums what the round carries', () => {
    const statuses: DeliveryStatus[] = ['scheduled', 'scheduled', 'out_for_delivery', 'delivered', 'failed', 'skipped', 'cancelled']
    const stops = statuses.map((status) => stop({ status }))
    stops.push(stop({ items: 'Paneer', productId: undefined, quantity: 1 }))
    stops.push(stop({ items: 'Curd', productId: 9, quantity: 3, status: 'delivered' }))
    const previous = { ...countersOf([]), quantities: [{ productId: 3, name: 'Buffalo milk', unit: 'litre', quantity: 0 }] }
    const c = countersOf(stops, previous)
    expect(c).toMatchObject({ total: 9, toDo: 3, out: 1, delivered: 2, failed: 1, skipped: 1, cancelled: 1 })
    // Skipped and cancelled stops carry nothing; failed ones were carried. Sorted by name.
    expect(c.quantities).toEqual([
      { productId: 3, name: 'Buffalo milk', unit: 'litre', quantity: 2 * 5 },
      { productId: 9, name: 'Curd', unit: '', quantity: 3 },
      { productId: 0, name: 'Paneer', unit: '', quantity: 1 },
    ])
  })

  it('is all zeros for an empty round', () => {
    expect(countersOf([])).toEqual({ total: 0, toDo: 0, out: 0, delivered: 0, failed: 0, skipped: 0, cancelled: 0, quantities: [] })
  })
})

describe('groupByArea', () => {
  it('keeps the walking order and puts customers without an area under "No area"', () => {
    const stops = [
      stop({ id: 1 }, [4, 'Indiranagar']),
      stop({ id: 2, status: 'delivered' }, [4, 'Indiranagar']),
      stop({ id: 3 }, [7, 'Koramangala']),
      stop({ id: 4, status: 'out_for_delivery' }, [0, '']),
    ]
    const groups = groupByArea(stops)
    expect(groups.map((g) => [g.areaName, g.stops.map((s) => s.delivery.id), g.open])).toEqual([
      ['Indiranagar', [1, 2], 1],
      ['Koramangala', [3], 1],
      ['No area', [4], 1],
    ])
    expect(openIds(stops)).toEqual([1, 3, 4])
  })
})

describe('outcomes recorded on the device, not sent yet', () => {
  const stops = () => [stop({ id: 901 }), stop({ id: 902 }), stop({ id: 903, status: 'out_for_delivery' }), stop({ id: 904 }, [0, ''])]
  const pending = new Map<number, Pending>([
    [901, { status: 'delivered', queued: true }],
    [902, { status: 'skipped', reason: 'not_home', queued: true }],
    [903, { status: 'delivered' }], // on its way, not waiting
  ])

  it('count as what they record, in the counters and the areas left', () => {
    const s = stops()
    const c = countersOf(withPending(s, pending), countersOf(s))
    expect(c).toMatchObject({ total: 4, toDo: 1, out: 0, delivered: 2, skipped: 1 })
    // A skipped stop carries nothing: the load drops by its quantity.
    expect(c.quantities).toEqual([{ productId: 3, name: 'Buffalo milk', unit: '', quantity: 6 }])
    expect(groupByArea(s, pending).map((g) => [g.areaName, g.open])).toEqual([
      ['Indiranagar', 0],
      ['No area', 1],
    ])
    expect(groupByArea(s).map((g) => g.open)).toEqual([3, 1])
    // The stops themselves are not changed (the stop shows the server's status and its own badge).
    expect(s.map((x) => x.delivery.status)).toEqual(['scheduled', 'scheduled', 'out_for_delivery', 'scheduled'])
  })

  it('are marked waiting to send, by outcome, only while queued', () => {
    expect(waitingOf(stops(), pending)).toEqual({ total: 2, byStatus: { delivered: 1, skipped: 1 } })
    expect(waitingOf(stops(), new Map())).toEqual({ total: 0, byStatus: {} })
  })

  it('leave the round as it is when nothing is pending, or what is pending is already there', () => {
    const s = stops()
    expect(withPending(s, new Map())).toBe(s)
    const same = withPending(s, new Map([[903, { status: 'out_for_delivery' as const }]]))
    expect(same[2]).toBe(s[2])
  })
})

describe('validateReason', () => {
  it('asks failed and skipped why, from the fixed list, with text for "other"', () => {
    expect(validateReason('failed', undefined, undefined)).toEqual({ field: 'reason', message: 'Choose why.' })
    expect(validateReason('skipped', 'lazy' as never, undefined)?.field).toBe('reason')
    expect(validateReason('failed', 'not_home', undefined)).toBeNull()
    expect(validateReason('skipped', 'out_of_stock', undefined)).toBeNull()
    expect(validateReason('skipped', 'other', '   ')).toEqual({ field: 'reasonText', message: 'Say what happened.' })
    expect(validateReason('skipped', 'other', 'x'.repeat(201))?.field).toBe('reasonText')
    expect(validateReason('skipped', 'other', 'x'.repeat(200))).toBeNull()
    expect(validateReason('failed', 'other', 'dog loose')).toBeNull()
  })

  it('refuses a reason with any other status', () => {
    expect(validateReason('delivered', undefined, undefined)).toBeNull()
    expect(validateReason('delivered', 'refused', undefined)?.field).toBe('reason')
  })

  it('labels reasons, "other" by its text', () => {
    expect(reasonLabel({ reason: 'no_access' })).toBe('No access')
    expect(reasonLabel({ reason: 'other', reasonText: 'gate locked' })).toBe('gate locked')
    expect(reasonLabel({})).toBe('')
  })
})

describe('applyDelivery', () => {
  it('updates the stop, the counters and the customer balance once', () => {
    const a = stop({ id: 10, customerId: 5, amountCents: 3_000 }, [4, 'Indiranagar'], 1_000)
    const b = stop({ id: 11, customerId: 5, shift: undefined, amountCents: 500 }, [4, 'Indiranagar'], 1_000)
    const r = round([a, b])
    const done = { ...a.delivery, status: 'delivered' as const, updatedAt: '2026-12-01T01:00:00Z' }
    // Our own write's answer first, then the event that confirms it.
    const mine = applyDelivery(r, done)
    expect(mine.counters).toMatchObject({ toDo: 1, delivered: 1 })
    expect(mine.stops.map((s) => s.balanceCents)).toEqual([4_000, 4_000])
    const confirmed = applyDelivery(mine, done, { seq: 101, previousStatus: 'scheduled' })
    expect(confirmed.stops.map((s) => s.balanceCents)).toEqual([4_000, 4_000])
    expect(confirmed.seq).toBe(101)
  })

  it('ignores events the round already includes and older versions', () => {
    const a = stop({ id: 20, updatedAt: '2026-12-01T02:00:00Z' })
    const r = round([a], 200)
    expect(applyDelivery(r, { ...a.delivery, status: 'delivered' }, { seq: 150, previousStatus: 'scheduled' })).toBe(r)
    const old = applyDelivery(r, { ...a.delivery, status: 'failed', updatedAt: '2026-12-01T01:00:00Z' }, { seq: 201, previousStatus: 'scheduled' })
    expect(old.stops[0]!.delivery.status).toBe('scheduled')
    expect(old.seq).toBe(201)
  })

  it('charges a customer of the round delivered on another round (from the event only)', () => {
    const a = stop({ id: 30, customerId: 8 }, [4, 'Indiranagar'], 0)
    const r = round([a])
    const evening = delivery({ id: 31, customerId: 8, shift: 'evening', status: 'delivered', amountCents: 700 })
    expect(applyDelivery(r, evening).stops[0]!.balanceCents).toBe(0)
    const after = applyDelivery(r, evening, { seq: 101, previousStatus: 'scheduled' })
    expect(after.stops[0]!.balanceCents).toBe(700)
    expect(after.counters).toEqual(r.counters)
  })

  it('sets a balance from a payment, in seq order', () => {
    const a = stop({ id: 40, customerId: 9 }, [4, 'Indiranagar'], 5_000)
    const r = round([a], 300)
    expect(setBalance(r, 9, 0, 299)).toBe(r)
    expect(setBalance(r, 9, 0, 301).stops[0]!.balanceCents).toBe(0)
  })
})

describe('defaults and links', () => {
  it('opens the morning round before noon and the evening one after', () => {
    expect(defaultShift(new Date(2026, 11, 1, 5, 30))).toBe('morning')
    expect(defaultShift(new Date(2026, 11, 1, 11, 59))).toBe('morning')
    expect(defaultShift(new Date(2026, 11, 1, 12, 0))).toBe('evening')
    expect(defaultShift(new Date(2026, 11, 1, 18, 0))).toBe('evening')
  })

  it('links addresses to maps and phones to tel:', () => {
    expect(mapsUrl('12 MG Road, Bengaluru')).toBe('https://www.google.com/maps/search/?api=1&query=12%20MG%20Road%2C%20Bengaluru')
    expect(telUrl('+91 98450-12345')).toBe('tel:+919845012345')
  })
})
