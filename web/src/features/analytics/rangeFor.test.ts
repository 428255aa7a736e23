import { describe, expect, it } from 'vitest'
import { presetOf, presetRange, rangeFor } from './presets'

describe('rangeFor', () => {
  it('counts back from the business day the server names, not the browser clock', () => {
    // 04:30 on 1 December in Asia/Kolkata is 23:00 on 30 November in UTC.
    expect(rangeFor(7, '2026-12-01')).toEqual({ from: '2026-11-25', to: '2026-12-01' })
    expect(rangeFor(1, '2026-03-01')).toEqual({ from: '2026-03-01', to: '2026-03-01' })
  })
})

describe('presetRange', () => {
  it('this month runs from the 1st of the business month to today', () => {
    expect(presetRange('this-month', '2026-12-01')).toEqual({ from: '2026-12-01', to: '2026-12-01' })
    expect(presetRange('this-month', '2026-11-17')).toEqual({ from: '2026-11-01', to: '2026-11-17' })
  })
  it('last month is the whole previous month, across years and leap days', () => {
    expect(presetRange('last-month', '2026-12-01')).toEqual({ from: '2026-11-01', to: '2026-11-30' })
    expect(presetRange('last-month', '2027-01-31')).toEqual({ from: '2026-12-01', to: '2026-12-31' })
    expect(presetRange('last-month', '2028-03-15')).toEqual({ from: '2028-02-01', to: '2028-02-29' })
  })
  it('day counts include today', () => {
    expect(presetRange('30d', '2026-12-01')).toEqual({ from: '2026-11-02', to: '2026-12-01' })
  })
  it('names the preset a range is', () => {
    expect(presetOf({ from: '2026-11-01', to: '2026-11-30', interval: 'day' }, '2026-12-01')).toBe('last-month')
    expect(presetOf({ from: '2026-11-01', to: '2026-11-30', interval: 'week' }, '2026-12-01')).toBeNull()
    expect(presetOf({ from: '2026-12-01', to: '2026-12-01', interval: 'day' }, '2026-12-01')).toBe('this-month')
  })
})
