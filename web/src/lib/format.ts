import { CURRENCY, LOCALE } from './config'

// Money follows the business's currency (GET /api/settings currency): the
// dashboard calls setMoneyCurrency when the settings load or change, and
// every amount on every page is written by the functions below. Rupees
// keep Indian grouping (₹1,23,456.50); other currencies are grouped in
// threes ($123,456.50), as the report PDFs print them.
let currency = CURRENCY
let money = moneyFormat(CURRENCY)
let moneyCompact = moneyFormat(CURRENCY, true)

function moneyFormat(code: string, compact = false): Intl.NumberFormat {
  const locale = code === 'INR' ? LOCALE : 'en'
  const options: Intl.NumberFormatOptions = { style: 'currency', currency: code }
  if (compact) Object.assign(options, { notation: 'compact', maximumFractionDigits: 1 })
  return new Intl.NumberFormat(locale, options)
}

/**
 * setMoneyCurrency makes every money formatter write code (an ISO 4217 code
 * of a currency with two decimals); an unknown code keeps the current one.
 * It reports whether the currency changed.
 */
export function setMoneyCurrency(code: string): boolean {
  if (code === currency) return false
  let next: [Intl.NumberFormat, Intl.NumberFormat]
  try {
    next = [moneyFormat(code), moneyFormat(code, true)]
  } catch {
    return false // not a currency the browser knows (a RangeError)
  }
  ;[money, moneyCompact] = next
  currency = code
  return true
}

/** moneyCurrency is the ISO 4217 code amounts are written in. */
export function moneyCurrency(): string {
  return currency
}

/** formatMoney formats integer minor units (paise, cents) as currency. */
export function formatMoney(cents: number): string {
  return money.format(cents / 100)
}

/**
 * formatMoneyIn writes cents in another currency than the business's, as
 * formatMoney would once the business uses it (a settings preview); null
 * when the browser knows no such currency.
 */
export function formatMoneyIn(cents: number, code: string): string | null {
  try {
    return moneyFormat(code).format(cents / 100)
  } catch {
    return null
  }
}

/** formatMoneyCompact formats large amounts briefly, e.g. ₹1.2L, for chart axes. */
export function formatMoneyCompact(cents: number): string {
  return moneyCompact.format(cents / 100)
}

const integer = new Intl.NumberFormat(LOCALE)

export function formatNumber(n: number): string {
  return integer.format(n)
}

/**
 * parseMoney turns what a person types ("1,250.5", "₹ 99") into integer minor
 * units without floating-point error; null when it is not a positive amount
 * with at most two decimals.
 */
export function parseMoney(input: string): number | null {
  const s = input.replace(/[\s,₹$€£]/g, '')
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

// Analytics dates: one set of formatters, in the app's locale like every
// other date (LOCALE), for days of the business time zone (no shift).
const dayShort = new Intl.DateTimeFormat(LOCALE, { day: 'numeric', month: 'short', timeZone: 'UTC' })
const monthYear = new Intl.DateTimeFormat(LOCALE, { month: 'short', year: 'numeric', timeZone: 'UTC' })

/**
 * formatPeriod labels an analytics bucket by its first day: "3 Nov" for a
 * day or a week (its Monday), "Nov 2026" for a month.
 */
export function formatPeriod(day: string, interval: 'day' | 'week' | 'month'): string {
  const d = new Date(`${day}T00:00:00Z`)
  if (Number.isNaN(d.getTime())) return day
  return interval === 'month' ? monthYear.format(d) : dayShort.format(d)
}

const monthLong = new Intl.DateTimeFormat(LOCALE, { month: 'long', year: 'numeric', timeZone: 'UTC' })

/** formatMonth writes a YYYY-MM month of the calendar: "November 2026" (the text as given when it is not one). */
export function formatMonth(month: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month)
  const n = m ? Number(m[2]) : 0
  if (!m || n < 1 || n > 12) return month
  return monthLong.format(new Date(Date.UTC(Number(m[1]), n - 1, 1)))
}

/** formatDayRange writes an inclusive range of days: "1 Nov 2026 – 30 Nov 2026", or one day. */
export function formatDayRange(from: string, to: string): string {
  return from === to ? formatDay(from) : `${formatDay(from)} – ${formatDay(to)}`
}

const percent = new Intl.NumberFormat(LOCALE, { style: 'percent', maximumFractionDigits: 1 })

/** formatRate writes a ratio as a percentage ("84.2%"); "—" when there is none. */
export function formatRate(rate: number | null | undefined): string {
  return rate === null || rate === undefined || !Number.isFinite(rate) ? '—' : percent.format(rate)
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

// ---- Amounts in words (for confirmations) ----

const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen']
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety']

function below100(n: number): string {
  if (n < 20) return ONES[n]!
  const t = TENS[Math.floor(n / 10)]!
  return n % 10 ? `${t}-${ONES[n % 10]}` : t
}

function below1000(n: number): string {
  const h = Math.floor(n / 100)
  const r = n % 100
  if (!h) return below100(r)
  return r ? `${ONES[h]} hundred ${below100(r)}` : `${ONES[h]} hundred`
}

/** Indian numbering: crore (10^7), lakh (10^5), thousand, hundred; crores may themselves be large. */
function indianWords(n: number): string {
  if (n === 0) return 'zero'
  const parts: string[] = []
  const crore = Math.floor(n / 10_000_000)
  n %= 10_000_000
  if (crore) parts.push(`${indianWords(crore)} crore`)
  const lakh = Math.floor(n / 100_000)
  n %= 100_000
  if (lakh) parts.push(`${below100(lakh)} lakh`)
  const thousand = Math.floor(n / 1000)
  n %= 1000
  if (thousand) parts.push(`${below100(thousand)} thousand`)
  if (n) parts.push(below1000(n))
  return parts.join(' ')
}

/** International numbering: billion, million, thousand. */
function westernWords(n: number): string {
  if (n === 0) return 'zero'
  const scales: Array<[number, string]> = [
    [1e12, 'trillion'],
    [1e9, 'billion'],
    [1e6, 'million'],
    [1e3, 'thousand'],
  ]
  const parts: string[] = []
  for (const [size, name] of scales) {
    const q = Math.floor(n / size)
    if (q) parts.push(`${below1000(q)} ${name}`)
    n %= size
  }
  if (n) parts.push(below1000(n))
  return parts.join(' ')
}

// Major and minor unit names, singular and plural; other currencies use their code.
const UNITS: Record<string, [string, string, string, string]> = {
  INR: ['rupee', 'rupees', 'paisa', 'paise'],
  USD: ['dollar', 'dollars', 'cent', 'cents'],
  EUR: ['euro', 'euros', 'cent', 'cents'],
  GBP: ['pound', 'pounds', 'penny', 'pence'],
  AED: ['dirham', 'dirhams', 'fils', 'fils'],
}

/**
 * amountInWords spells an amount of integer minor units, e.g. 99999999900 →
 * "Ninety-nine crore ninety-nine lakh ninety-nine thousand nine hundred
 * ninety-nine rupees". Rupees use Indian numbering (lakh, crore); other
 * currencies million and billion.
 */
export function amountInWords(cents: number, code: string = currency): string {
  const neg = cents < 0
  const abs = Math.abs(Math.trunc(cents))
  const major = Math.floor(abs / 100)
  const minor = abs % 100
  const [one, many, minorOne, minorMany] = UNITS[code] ?? [code, code, 'hundredth', 'hundredths']
  const words = code === 'INR' ? indianWords : westernWords
  let s = `${words(major)} ${major === 1 ? one : many}`
  if (minor) s += ` and ${below100(minor)} ${minor === 1 ? minorOne : minorMany}`
  if (neg) s = `minus ${s}`
  return s.charAt(0).toUpperCase() + s.slice(1)
}

// ---- Dates relative to today ----

function dayKey(d: Date): string {
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`
}

const shortTime = new Intl.DateTimeFormat(LOCALE, { hour: 'numeric', minute: '2-digit' })
const dayMonth = new Intl.DateTimeFormat(LOCALE, { day: 'numeric', month: 'short' })
const dayMonthYear = new Intl.DateTimeFormat(LOCALE, { day: 'numeric', month: 'short', year: 'numeric' })

/**
 * formatWhen dates a moment for feeds and lists: "Today, 9:05 am",
 * "Yesterday, 11:40 pm", "2 Dec, 6:15 am" (with the year when it is not
 * this year's), in the browser's time zone.
 */
export function formatWhen(iso: string | number, now: number = Date.now()): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return '—'
  const today = new Date(now)
  const yesterday = new Date(now)
  yesterday.setDate(today.getDate() - 1)
  const t = shortTime.format(d)
  if (dayKey(d) === dayKey(today)) return `Today, ${t}`
  if (dayKey(d) === dayKey(yesterday)) return `Yesterday, ${t}`
  const day = d.getFullYear() === today.getFullYear() ? dayMonth.format(d) : dayMonthYear.format(d)
  return `${day}, ${t}`
}

/**
 * balanceLabel says what a balance means: a positive balance is owed by the
 * customer, a negative one is the customer's credit (paid in advance).
 */
export function balanceLabel(cents: number): { label: string; amount: string; tone: 'owed' | 'credit' | 'clear' } {
  if (cents > 0) return { label: 'Balance owed', amount: formatMoney(cents), tone: 'owed' }
  if (cents < 0) return { label: 'In credit', amount: formatMoney(-cents), tone: 'credit' }
  return { label: 'Balance', amount: formatMoney(0), tone: 'clear' }
}

/** formatBalance writes a balance for a table cell: owed as the amount, credit as "₹50.00 credit". */
export function formatBalance(cents: number): string {
  return cents < 0 ? `${formatMoney(-cents)} credit` : formatMoney(cents)
}

/** DAY_INPUT_FORMAT is how every date input reads and writes a day, and how its messages name it. */
export const DAY_INPUT_FORMAT = 'DD/MM/YYYY'

/** DAY_INPUT_ERROR asks for a day in the date inputs' order (form validation). */
export const DAY_INPUT_ERROR = `Enter the date as ${DAY_INPUT_FORMAT}, e.g. 25/12/2026.`

/**
 * formatDayInput writes a YYYY-MM-DD day as the date inputs show it,
 * DD/MM/YYYY (the business's order, whatever the browser's locale).
 */
export function formatDayInput(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  return m ? `${m[3]}/${m[2]}/${m[1]}` : ''
}

/**
 * parseDayInput reads what a person typed in a date input, DD/MM/YYYY (also
 * with - or . between, one-digit days and months) or YYYY-MM-DD, as
 * YYYY-MM-DD; null when it is not a real calendar day.
 */
export function parseDayInput(input: string): string | null {
  const s = input.trim()
  let y: number, mo: number, d: number
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s)
  if (m) {
    ;[y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  } else if ((m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s))) {
    ;[d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])]
  } else {
    return null
  }
  const t = new Date(Date.UTC(y, mo - 1, d))
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return null
  return t.toISOString().slice(0, 10)
}
