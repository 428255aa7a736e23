import { describe, expect, it } from 'vitest'
import { ageingAsOf, ageingLabel, breakdownLabel, rangeCollectionRate, shares } from './figures'
import { lineSegments } from './Chart'
import { formatPeriod, formatRate } from '../../lib/format'

describe('rangeCollectionRate', () => {
  it('divides the range’s payments by its charges, not the mean of bucket rates', () => {
    // Bucket rates 1.0 and 0.0 would average 0.5; the range collected 100 of 400.
    expect(rangeCollectionRate([{ paymentsCents: 100, revenueCents: 100 }, { paymentsCents: 0, revenueCents: 300 }])).toBe(0.25)
  })
  it('is null when nothing was charged, whatever was paid', () => {
    expect(rangeCollectionRate([{ paymentsCents: 500, revenueCents: 0 }])).toBeNull()
    expect(rangeCollectionRate([])).toBeNull()
  })
})

describe('ageingAsOf', () => {
  it('ages on the range’s last day, never after the business’s today', () => {
    expect(ageingAsOf('2026-11-30', '2026-12-01')).toBe('2026-11-30')
    expect(ageingAsOf('2026-12-05', '2026-12-01')).toBe('2026-12-01')
    expect(ageingAsOf('2026-12-05', undefined)).toBe('2026-12-05')
  })
})

describe('breakdowns', () => {
  it('names the row without a product or area', () => {
    expect(breakdownLabel({ id: null, name: '' }, 'product')).toBe('One-off deliveries')
    expect(breakdownLabel({ id: null, name: '' }, 'area')).toBe('No area')
    expect(breakdownLabel({ id: 3, name: 'Milk' }, 'product')).toBe('Milk')
  })
  it('shares sum to one, or are all zero', () => {
    expect(shares([{ revenueCents: 300 }, { revenueCents: 100 }])).toEqual([0.75, 0.25])
    expect(shares([{ revenueCents: 0 }])).toEqual([0])
  })
  it('labels ageing buckets', () => {
    expect(ageingLabel('31-60')).toBe('31–60 days')
    expect(ageingLabel('90+')).toBe('90+ days')
  })
})

describe('charts and formats', () => {
  it('breaks a line at missing values', () => {
    expect(lineSegments([1, 2, null, 4, null, null, 7, 8])).toEqual([[0, 1], [3], [6, 7]])
    expect(lineSegments([null])).toEqual([])
  })
  it('formats periods and rates in the app locale', () => {
    expect(formatPeriod('2026-11-03', 'day')).toBe('3 Nov')
    expect(formatPeriod('2026-11-01', 'month')).toMatch(/^Nov 2026$/)
    expect(formatRate(0.8421)).toBe('84.2%')
    expect(formatRate(null)).toBe('—')
  })
})
