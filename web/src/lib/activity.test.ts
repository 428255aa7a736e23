import { describe, expect, it } from 'vitest'
import { activityLink, activityText, neutralMoney } from './activity'
import type { ActivityEntry } from './types'

const base: ActivityEntry = { seq: 1, at: '2026-12-02T04:00:00Z', actorId: 1, actorName: 'Demo Admin', action: '', entity: 'payment', entityId: 1, vendorId: 2, summary: '' }

describe('activityText', () => {
  it('writes a payment with the currency, from the payload', () => {
    const e = {
      ...base,
      action: 'payment.added',
      summary: 'Payment of 640.00 by UPI from Asha Rao, recorded by Demo Admin',
      payload: { payment: { amountCents: 64000, customerId: 17 }, customer: { id: 17, balanceCents: 0 } },
    }
    expect(activityText(e)).toBe('Payment of ₹640.00 by UPI from Asha Rao, recorded by Demo Admin')
    expect(activityLink(e)).toBe('/customers/17')
  })
  it('uses Indian grouping and leaves other numbers alone', () => {
    const e = {
      ...base,
      action: 'payment.added',
      summary: 'Payment of 123456.50 by Cash from Flat 12.50 Road, recorded by A',
      payload: { payment: { amountCents: 12345650, customerId: 3 } },
    }
    expect(activityText(e)).toBe('Payment of ₹1,23,456.50 by Cash from Flat 12.50 Road, recorded by A')
  })
  it('writes a scheduled day as a date, not ISO', () => {
    const e = {
      ...base,
      entity: 'delivery',
      action: 'delivery.created',
      summary: 'Delivery #9 (Milk × 2, 90.00) scheduled for Asha Rao on 2026-12-02 by Demo Admin',
      payload: { delivery: { amountCents: 9000, scheduledFor: '2026-12-02', customerId: 4 }, previousStatus: '' },
    }
    expect(activityText(e)).toBe('Delivery #9 (Milk × 2, ₹90.00) scheduled for Asha Rao on 2 Dec 2026 by Demo Admin')
    expect(activityLink(e)).toBe('/customers/4')
  })
  it('writes the day deliveries were generated for as a date', () => {
    const e = {
      ...base,
      action: 'deliveries.generated',
      entity: 'round',
      entityId: 0,
      actorName: 'system',
      summary: '1 deliveries generated for 2026-12-02, both shifts, by system',
      payload: { generated: { date: '2026-12-02', vendorId: 2, created: 1, deliveryIds: [9] } },
    }
    expect(activityText(e)).toBe('1 deliveries generated for 2 Dec 2026, both shifts, by system')
  })
  it('keeps the summary when there is no payload', () => {
    expect(activityText({ ...base, summary: 'Vendor X added by Y' })).toBe('Vendor X added by Y')
    expect(activityLink({ ...base, entity: 'user', action: 'user.created' })).toBe('/users')
  })
  it('writes the safeguard threshold with the currency', () => {
    const e = {
      ...base,
      entity: 'settings',
      action: 'settings.updated',
      summary: 'Payments above 5000.00 now ask for a confirmation (set by Demo Admin)',
      payload: { settings: { confirmAboveCents: 500000 } },
    }
    expect(activityText(e)).toBe('Payments above ₹5,000.00 now ask for a confirmation (set by Demo Admin)')
    expect(activityLink(e)).toBe('/users')
  })
  it('keeps an amount the server wrote with a currency as written (history)', () => {
    const e = (summary: string, amountCents: number) => ({
      ...base,
      action: 'payment.added',
      summary,
      payload: { payment: { amountCents, customerId: 17 } },
    })
    for (const s of [
      'Payment of ₹640.00 by UPI from Asha Rao, recorded by Demo Admin',
      'Payment of $640.00 by UPI from Asha Rao, recorded by Demo Admin',
      'Payment of AED\u00a0640.00 by UPI from Asha Rao, recorded by Demo Admin',
    ]) {
      expect(activityText(e(s, 64000))).toBe(s)
    }
    const delivered = {
      ...base,
      entity: 'delivery',
      action: 'delivery.updated',
      summary: 'Delivery #9 for Asha Rao delivered (₹90.00 charged), marked by Demo Admin',
      payload: { delivery: { amountCents: 9000, scheduledFor: '2026-12-02', customerId: 4 } },
    }
    expect(activityText(delivered)).toBe(delivered.summary)
    expect(activityText({ ...delivered, summary: 'Delivery #9 for Asha Rao delivered (90.00 charged), marked by Demo Admin' })).toBe(
      delivered.summary,
    )
  })
  it('writes amounts as the server did', () => {
    expect(neutralMoney(1250)).toBe('12.50')
    expect(neutralMoney(5)).toBe('0.05')
    expect(neutralMoney(-100)).toBe('-1.00')
  })
})
