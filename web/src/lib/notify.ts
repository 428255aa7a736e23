import { formatBalance, formatDay, formatMoney, humanize } from './format'
import type { ActivityEntry, Delivery, Payment, PaymentMethod } from './types'
import type { Toast, ToastInput } from './toast'

// Pop-ups: which live activity becomes a toast, how bursts group, and each
// user's choice of kinds. Everything still reaches the activity feed.

export type PopupKind = 'payment' | 'delivered' | 'failed' | 'reversal'

export const POPUP_KINDS: Array<{ kind: PopupKind; label: string }> = [
  { kind: 'payment', label: 'Payments received' },
  { kind: 'delivered', label: 'Deliveries delivered' },
  { kind: 'failed', label: 'Deliveries failed' },
  { kind: 'reversal', label: 'Corrections (reversals)' },
]

export type PopupPrefs = Record<PopupKind, boolean>

export const DEFAULT_PREFS: PopupPrefs = { payment: true, delivered: true, failed: true, reversal: true }

/** A Notice is one live notification: its kind, burst group and toast. */
export interface Notice {
  kind: PopupKind
  /** The customer not named yet (not loaded): the toast can name it once loaded. */
  unnamed?: { customerId: number; body: (name: string) => string }
  toast: ToastInput
  amountCents: number
  ttlMs: number
  actorName: string
}

type Payload = {
  payment?: Payment
  delivery?: Delivery
  previousStatus?: string
  customer?: { id: number; balanceCents: number }
}

/**
 * noticeFor turns an activity entry into a notification, or null when the
 * entry does not pop up (customer edits, a delivery scheduled, an entry of
 * ...). name finds a customer's name in what is loaded.
 */
export function noticeFor(e: ActivityEntry, opts: { name?: (customerId: number) => string | null } = {}): Notice | null {
  const p = (e.payload && typeof e.payload === 'object' ? e.payload : {}) as Payload
  const by = e.actorName ? `by ${e.actorName}` : ''
  const named = (id: number | undefined, fallback?: string) => fallback || (id ? opts.name?.(id) : null) || (id ? `Customer #${id}` : 'A customer')
  switch (e.action) {
    case 'payment.added': {
      const pay = p.payment
      if (!pay) return null
      const known = opts.name?.(pay.customerId) ?? null
      const body = (who: string) => [who, humanize(pay.method as PaymentMethod), by].filter(Boolean).join(' · ')
      return {
        kind: 'payment',
        actorName: e.actorName,
        unnamed: known ? undefined : { customerId: pay.customerId, body },
        amountCents: pay.amountCents,
        ttlMs: 6_000,
        toast: {
          kind: 'payment',
          group: `payment:${e.actorId}`,
          totalCents: pay.amountCents,
          title: `${formatMoney(pay.amountCents)} received`,
          body: body(known ?? `Customer #${pay.customerId}`),
        },
      }
    }
    case 'delivery.updated': {
      const d = p.delivery
      if (!d || p.previousStatus === d.status || (d.status !== 'delivered' && d.status !== 'failed')) return null
      const who = named(d.customerId, d.customerName)
      const ok = d.status === 'delivered'
      return {
        kind: ok ? 'delivered' : 'failed',
        actorName: e.actorName,
        amountCents: d.amountCents,
        ttlMs: 4_000,
        toast: {
          kind: ok ? 'delivery' : 'error',
          group: `${ok ? 'delivered' : 'failed'}:${e.actorId}`,
          totalCents: d.amountCents,
          title: ok ? `Delivered to ${who}` : `Delivery failed · ${who}`,
          body: [`${d.items || 'Delivery'} × ${d.quantity}`, formatMoney(d.amountCents), formatDay(d.scheduledFor), by].filter(Boolean).join(' · '),
        },
      }
    }
    case 'payment.reversed': {
      // As main's reversal toasts said it: the amount, the customer, the reason, the balance after.
      const r = p as Payload & { reversal?: { reason?: string } }
      const who = named(r.customer?.id)
      const amount = r.payment?.amountCents ?? 0
      return {
        kind: 'reversal',
        actorName: e.actorName,
        amountCents: 0,
        ttlMs: 6_000,
        toast: {
          kind: 'info',
          group: `reversal:${e.actorId}`,
          title: `Payment of ${formatMoney(amount)} reversed`,
          body: [who, r.reversal?.reason, r.customer ? `balance ${formatBalance(r.customer.balanceCents)}` : '', by].filter(Boolean).join(' · '),
        },
      }
    }
    case 'delivery.reversed': {
      const r = p as Payload & { reversal?: { reason?: string } }
      const who = named(r.customer?.id, r.delivery?.customerName)
      return {
        kind: 'reversal',
        actorName: e.actorName,
        amountCents: 0,
        ttlMs: 6_000,
        toast: {
          kind: 'info',
          group: `reversal:${e.actorId}`,
          title: `Delivery reversed · ${who}`,
          body: [r.delivery ? `${formatMoney(r.delivery.amountCents)} refunded` : '', r.reversal?.reason, by].filter(Boolean).join(' · '),
        },
      }
    }
    default:
      return null
  }
}

const plural: Record<PopupKind, [string, string]> = {
  payment: ['payment received', 'payments received'],
  delivered: ['delivery delivered', 'deliveries delivered'],
  failed: ['delivery failed', 'deliveries failed'],
  reversal: ['correction', 'corrections'],
}

/** groupTitle names a burst: "5 deliveries delivered". */
export function groupTitle(kind: PopupKind, count: number): string {
  return `${count} ${plural[kind][count === 1 ? 0 : 1]}`
}

/**
 * mergeNotice is ToastStore.push's merge for a burst (one kind, one
 * person): the count and total in the title, who and the latest below.
 */
export function mergeNotice(n: Notice): (prev: Toast, count: number) => Partial<ToastInput> {
  return (prev, count) => {
    const total = (prev.totalCents ?? 0) + n.amountCents
    const sum = n.kind === 'payment' || n.kind === 'delivered' ? ` · ${formatMoney(total)}` : ''
    // A group is one person's burst (see noticeFor): say who, then the latest.
    return {
      title: `${groupTitle(n.kind, count)}${sum}`,
      body: `${n.actorName ? `By ${n.actorName} · ` : ''}latest: ${n.toast.title}`,
      totalCents: total,
    }
  }
}

// ---- each user's choice, in localStorage ----

const prefsKey = (userId: number) => `livedesk.popups.${userId}`

export function loadPrefs(userId: number | undefined, storage: Storage | undefined = globalThis.localStorage): PopupPrefs {
  if (userId === undefined || !storage) return DEFAULT_PREFS
  try {
    const raw = storage.getItem(prefsKey(userId))
    if (!raw) return DEFAULT_PREFS
    const saved = JSON.parse(raw) as Partial<PopupPrefs>
    const out = { ...DEFAULT_PREFS }
    for (const { kind } of POPUP_KINDS) if (typeof saved[kind] === 'boolean') out[kind] = saved[kind]
    return out
  } catch {
    return DEFAULT_PREFS
  }
}

export function savePrefs(userId: number, prefs: PopupPrefs, storage: Storage | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(prefsKey(userId), JSON.stringify(prefs))
  } catch {
    // Private mode or full: the choice lasts for this page only.
  }
  for (const fn of [...prefListeners]) fn()
}

const prefListeners = new Set<() => void>()

export function subscribePrefs(fn: () => void): () => void {
  prefListeners.add(fn)
  const onStorage = (e: StorageEvent) => e.key?.startsWith('livedesk.popups.') && fn()
  globalThis.addEventListener?.('storage', onStorage)
  return () => {
    prefListeners.delete(fn)
    globalThis.removeEventListener?.('storage', onStorage)
  }
}
