import { describe, expect, it } from 'vitest'
import { amountInWords, balanceLabel, formatBalance, formatDay, formatDayInput, formatMonth, formatPeriod, parseDayInput, formatAgo, formatMoney, formatWhen, humanize, parseMoney } from './format'
import { freshnessLabel } from '../components/Freshness'
import { connectionHint, connectionLabel } from '../components/ConnectionIndicator'
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
    expect(connectionLabel(h({ kind: 'polling', intervalMs: 60_000 }))).toBe('Polling')
    expect(connectionLabel(h({ kind: 'offline', reason: 'network' }))).toBe('Offline · no network')
    expect(connectionLabel(h({ kind: 'offline', reason: 'unreachable' }))).toBe('Offline · server unreachable')
    expect(connectionHint(h({ kind: 'offline', reason: 'unreachable' }))).toMatch(/kept on this device/)
    expect(connectionHint(h({ kind: 'polling', intervalMs: 60_000 }))).toMatch(/every 60 s/)
    expect(connectionHint(h({ kind: 'live' }))).toBeNull()
  })
  it('humanizes enum values', () => {
    expect(humanize('out_for_delivery')).toBe('Out for delivery')
    expect(humanize('upi')).toBe('UPI')
    expect(humanize('cash')).toBe('Cash')
  })
})

describe('amountInWords', () => {
  it('spells rupees in lakh and crore', () => {
    expect(amountInWords(99999999900)).toBe('Ninety-nine crore ninety-nine lakh ninety-nine thousand nine hundred ninety-nine rupees')
    expect(amountInWords(1_000_000)).toBe('Ten thousand rupees')
    expect(amountInWords(150_000_00)).toBe('One lakh fifty thousand rupees')
    expect(amountInWords(100)).toBe('One rupee')
    expect(amountInWords(1250)).toBe('Twelve rupees and fifty paise')
    expect(amountInWords(1)).toBe('Zero rupees and one paisa')
    expect(amountInWords(12_34_56_789_00)).toBe('Twelve crore thirty-four lakh fifty-six thousand seven hundred eighty-nine rupees')
    expect(amountInWords(1234_00_00_000_00)).toBe('One thousand two hundred thirty-four crore rupees')
  })
  it('uses million and billion for other currencies', () => {
    expect(amountInWords(123456789, 'USD')).toBe('One million two hundred thirty-four thousand five hundred sixty-seven dollars and eighty-nine cents')
    expect(amountInWords(500, 'XYZ')).toBe('Five XYZ')
  })
})

describe('formatWhen', () => {
  const now = new Date(2026, 11, 2, 10, 0).getTime()
  it('says today and yesterday, then the date', () => {
    expect(formatWhen(new Date(2026, 11, 2, 9, 5).toISOString(), now)).toMatch(/^Today, 9:05\s?am$/i)
    expect(formatWhen(new Date(2026, 11, 1, 23, 40).toISOString(), now)).toMatch(/^Yesterday, 11:40\s?pm$/i)
    expect(formatWhen(new Date(2026, 10, 28, 6, 15).toISOString(), now)).toMatch(/^28 Nov, 6:15\s?am$/i)
    expect(formatWhen(new Date(2025, 10, 28, 6, 15).toISOString(), now)).toMatch(/^28 Nov 2025, 6:15\s?am$/i)
    expect(formatWhen('not a date', now)).toBe('—')
  })
})

describe('balanceLabel', () => {
  it('reads a negative balance as credit, never "owed −₹"', () => {
    expect(balanceLabel(-5000)).toEqual({ label: 'In credit', amount: '₹50.00', tone: 'credit' })
    expect(balanceLabel(5000)).toEqual({ label: 'Balance owed', amount: '₹50.00', tone: 'owed' })
    expect(balanceLabel(0).tone).toBe('clear')
  })
})

describe('date inputs', () => {
  it('read and write DD/MM/YYYY whatever the browser locale', () => {
    expect(formatDayInput('2026-12-02')).toBe('02/12/2026')
    expect(parseDayInput('02/12/2026')).toBe('2026-12-02')
    expect(parseDayInput('2.12.2026')).toBe('2026-12-02')
    expect(parseDayInput('2026-12-02')).toBe('2026-12-02')
    expect(parseDayInput('31/02/2026')).toBeNull()
    expect(parseDayInput('12/31/2026')).toBeNull()
    expect(parseDayInput('soon')).toBeNull()
  })
  it('writes credit as credit in tables', () => {
    expect(formatBalance(-5000)).toBe('₹50.00 credit')
    expect(formatBalance(5000)).toBe('₹50.00')
  })
})

describe('formatMonth', () => {
  it('names a calendar month in the app locale, whatever the browser locale', () => {
    expect(formatMonth('2026-11')).toBe('November 2026')
    expect(formatMonth('2027-01')).toBe('January 2027')
    // The same calendar as the other date formatters (no time zone shift at either end of the year).
    expect(formatMonth('2026-12')).toBe('December 2026')
    expect(formatPeriod('2026-12-01', 'month')).toBe('Dec 2026')
    expect(formatDay('2026-12-02')).toBe('2 Dec 2026')
  })
  it('leaves what is not a month as given', () => {
    expect(formatMonth('2026-13')).toBe('2026-13')
    expect(formatMonth('')).toBe('')
    expect(formatMonth('November')).toBe('November')
  })
})
