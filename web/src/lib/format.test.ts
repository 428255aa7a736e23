import { describe, expect, it } from 'vitest'
import { formatAgo, formatMoney, humanize, parseMoney } from './format'
import { freshnessLabel } from '../components/Freshness'
import { connectionLabel } from '../components/ConnectionIndicator'
import type { Health } from './socket'

describe('formatMoney', () => {
  it('formats integer paise as rupees', () => {
    expect(formatMoney(123456)).toBe('₹1,234.56')
    expect(formatMoney(0)).toBe('₹0.00')
    expect(formatMoney(-5000)).toBe('-₹50.00')
  })
  it('uses Indian digit grouping', () => {
    expect(formatMoney(1234567800)).toBe('₹1,23,45,678.00')
  })
})

describe('parseMoney', () => {
  it.each([
    ['250', 25000],
    ['99.5', 9950],
    ['99.50', 9950],
    ['1,250.05', 125005],
    ['₹ 10', 1000],
    ['0.1', 10],
  ])('parses %s', (input, cents) => expect(parseMoney(input)).toBe(cents))
  it.each(['', '0', '-5', 'abc', '1.234', '1e3'])('refuses %j', (input) => expect(parseMoney(input)).toBeNull())
})

describe('labels', () => {
  it('says how long ago', () => {
    expect(formatAgo(0, 2_000)).toBe('just now')
    expect(formatAgo(0, 45_000)).toBe('45 s ago')
    expect(formatAgo(0, 180_000)).toBe('3 min ago')
  })
  it('marks data live or cached', () => {
    expect(freshnessLabel(true, 1, 2)).toBe('Live')
    expect(freshnessLabel(false, 0, 45_000)).toBe('Not loaded')
    expect(freshnessLabel(false, 1_000, 46_000)).toBe('Cached · updated 45 s ago')
  })
  it('names connection states as the header shows them', () => {
    const h = (state: Health['state']): Health => ({ state, transport: null, rttMs: null, lastSeq: 0, lastEventAt: null })
    expect(connectionLabel(h({ kind: 'live' }))).toBe('Live')
    expect(connectionLabel(h({ kind: 'reconnecting', attempt: 3, maxAttempts: 5 }))).toBe('Reconnecting (attempt 3/5)')
    expect(connectionLabel(h({ kind: 'polling', intervalMs: 60_000 }))).toBe('Polling every 60 s')
    expect(connectionLabel(h({ kind: 'offline', reason: 'network' }))).toBe('Offline')
  })
  it('humanizes enum values', () => {
    expect(humanize('out_for_delivery')).toBe('Out for delivery')
    expect(humanize('upi')).toBe('UPI')
    expect(humanize('cash')).toBe('Cash')
  })
})
