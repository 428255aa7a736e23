import { CURRENCY, LOCALE } from './config'

const money = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: CURRENCY })
const moneyCompact = new Intl.NumberFormat(LOCALE, {
  style: 'currency',
  currency: CURRENCY,
  notation: 'compact',
  maximumFractionDigits: 1,
})
const integer = new Intl.NumberFormat(LOCALE)

/** formatMoney formats integer minor units (paise, cents) as currency. */
export function formatMoney(cents: number): string {
  return money.format(cents / 100)
}

/** formatMoneyCompact formats large amounts briefly, e.g. ₹1.2L, for chart axes. */
export function formatMoneyCompact(cents: number): string {
  return moneyCompact.format(cents / 100)
}

export function formatNumber(n: number): string {
  return integer.format(n)
}

/**
 * parseMoney turns what a person types ("1,250.5", "₹ 99") into integer minor
 * units without floating-point error; null when it is not a positive amount
 * with at most two decimals.
 */
export function parseMoney(input: string): number | null {
  const s = input.replace(/[\s,₹$]/g, '')
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(s)
  if (!m) return null
  const whole = Number(m[1])
  const frac = Number((m[2] ?? '').padEnd(2, '0'))
  const cents = whole * 100 + frac
  return Number.isSafeInteger(cents) && cents > 0 ? cents : null
}

/** formatAgo says how long ago a time was: "just now", "45 s ago", "3 min ago". */
export function formatAgo(then: number, now: number): string {
  const s = Math.max(0, Math.round((now - then) / 1000))
  if (s < 5) return 'just now'
  if (s < 60) return `${s} s ago`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min ago`
  const h = Math.floor(m / 60)
  if (h < 24) return `${h} h ago`
  return `${Math.floor(h / 24)} d ago`
}

const dateTime = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeStyle: 'short' })
const dateOnly = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeZone: 'UTC' })
const time = new Intl.DateTimeFormat(LOCALE, { timeStyle: 'medium' })

export function formatDateTime(iso: string): string {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? '—' : dateTime.format(d)
}

export function formatTime(iso: string | number): string {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? '—' : time.format(d)
}

/** formatDay formats a YYYY-MM-DD calendar day (no time zone shift). */
export function formatDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`)
  return Number.isNaN(d.getTime()) ? day : dateOnly.format(d)
}

const labels: Record<string, string> = {
  out_for_delivery: 'Out for delivery',
  bank_transfer: 'Bank transfer',
  upi: 'UPI',
}

/** humanize turns an enum value such as "out_for_delivery" into a label. */
export function humanize(value: string): string {
  return labels[value] ?? value.charAt(0).toUpperCase() + value.slice(1).replace(/_/g, ' ')
}

/** isoDay returns the YYYY-MM-DD of a date in UTC. */
export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10)
}
