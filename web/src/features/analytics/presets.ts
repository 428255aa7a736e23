import { isoDay } from '../../lib/format'
import type { Interval } from '../../lib/types'

// The analytics page's quick ranges. Every range counts from the
// business's today (YYYY-MM-DD in its time zone, from the stats), not the
// browser's clock: in India at 04:30 the browser's UTC date is still
// yesterday, and on the 1st it is still last month.

export type PresetId = '7d' | '30d' | '90d' | '12m' | 'this-month' | 'last-month'

export const PRESETS: ReadonlyArray<{ id: PresetId; label: string; interval: Interval }> = [
  { id: '7d', label: '7 days', interval: 'day' },
  { id: '30d', label: '30 days', interval: 'day' },
  { id: 'this-month', label: 'This month', interval: 'day' },
  { id: 'last-month', label: 'Last month', interval: 'day' },
  { id: '90d', label: '90 days', interval: 'week' },
  { id: '12m', label: '12 months', interval: 'month' },
]

const DAYS: Partial<Record<PresetId, number>> = { '7d': 7, '30d': 30, '90d': 90, '12m': 365 }

function asDate(today: string | Date): Date {
  return typeof today === 'string' ? new Date(`${today}T00:00:00Z`) : today
}

/** rangeFor returns the last `days` days up to `today`, inclusive. */
export function rangeFor(days: number, today: string | Date = new Date()): { from: string; to: string } {
  const end = asDate(today)
  const from = new Date(end.getTime() - (days - 1) * 86_400_000)
  return { from: isoDay(from), to: isoDay(end) }
}

/**
 * presetRange is a preset's range on the business's today: "this month"
 * from its 1st to today, "last month" the whole previous month.
 */
export function presetRange(id: PresetId, today: string | Date = new Date()): { from: string; to: string } {
  const end = asDate(today)
  const y = end.getUTCFullYear()
  const m = end.getUTCMonth()
  if (id === 'this-month') return { from: isoDay(new Date(Date.UTC(y, m, 1))), to: isoDay(end) }
  if (id === 'last-month') return { from: isoDay(new Date(Date.UTC(y, m - 1, 1))), to: isoDay(new Date(Date.UTC(y, m, 0))) }
  return rangeFor(DAYS[id] ?? 30, end)
}

/** presetOf names the preset a range is, on today, if any (to show it pressed). */
export function presetOf(r: { from: string; to: string; interval: Interval }, today: string | Date = new Date()): PresetId | null {
  for (const p of PRESETS) {
    const pr = presetRange(p.id, today)
    if (pr.from === r.from && pr.to === r.to && p.interval === r.interval) return p.id
  }
  return null
}
