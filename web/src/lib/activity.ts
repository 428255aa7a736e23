import { formatDay, formatMoney } from './format'
import type { ActivityEntry } from './types'

// The server writes each activity summary once, with ISO days ("scheduled
// for 2026-12-02") and amounts in the business's currency as this app
// writes them ("Payment of ₹45.00 by UPI …", domain.FormatMoney); summaries
// written before it did are currency-neutral ("Payment of 45.00 …"). The
// dashboard rewrites exactly the days and the neutral amounts the event's
// payload names, with the one formatter the rest of the app uses; an amount
// already written with a currency is history and stays as written, as does
// anything else in the summary (names, reasons).

type Payload = {
  payment?: { amountCents?: number; customerId?: number }
  delivery?: { amountCents?: number; scheduledFor?: string; customerId?: number }
  reversal?: { amountCents?: number; customerId?: number }
  customer?: { id?: number }
  customerId?: number
  user?: { id?: number }
  settings?: { confirmAboveCents?: number }
  generated?: { date?: string }
}

function payloadOf(e: ActivityEntry): Payload {
  return e.payload && typeof e.payload === 'object' ? (e.payload as Payload) : {}
}

/** neutralMoney is how the server wrote an amount in a summary before it wrote the currency. */
export function neutralMoney(cents: number): string {
  const sign = cents < 0 ? '-' : ''
  const abs = Math.abs(cents)
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * replaceToken replaces text standing alone with what: after the start, a
 * space or "(" (not inside a longer number, nor after a currency: "₹45.00",
 * "AED 45.00" with its no-break space), and before no digit.
 */
function replaceToken(s: string, text: string, what: string): string {
  return s.replace(new RegExp(`(^|[ (])${escapeRe(text)}(?![\\d])`, 'g'), (_m, pre: string) => pre + what)
}

/** activityText is the feed's sentence for an entry, amounts with the currency and days as dates. */
export function activityText(e: ActivityEntry): string {
  const p = payloadOf(e)
  let s = e.summary
  const amounts = new Set<number>()
  for (const a of [p.payment?.amountCents, p.delivery?.amountCents, p.reversal?.amountCents, p.settings?.confirmAboveCents]) {
    if (typeof a === 'number' && Number.isSafeInteger(a)) amounts.add(a)
  }
  for (const a of amounts) s = replaceToken(s, neutralMoney(a), formatMoney(a))
  for (const day of [p.delivery?.scheduledFor, p.generated?.date]) {
    if (day && /^\d{4}-\d{2}-\d{2}$/.test(day)) s = replaceToken(s, day, formatDay(day))
  }
  return s
}

/** activityLink is where an entry leads: the customer it concerns, or the users page. */
export function activityLink(e: ActivityEntry): string | null {
  const p = payloadOf(e)
  const customerId =
    p.payment?.customerId ?? p.delivery?.customerId ?? p.reversal?.customerId ?? p.customer?.id ?? (e.entity === 'customer' ? e.entityId : undefined)
  if (e.action === 'customer.removed') return null // the customer is no longer this vendor's
  if (typeof customerId === 'number' && customerId > 0) return `/customers/${customerId}`
  if (e.entity === 'user' || e.entity === 'settings') return '/users'
  if (e.action === 'customers.imported') return '/customers'
  return null
}
