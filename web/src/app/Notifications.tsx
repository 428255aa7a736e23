import { useQueryClient, type QueryClient } from '@tanstack/react-query'
import { useRef, useSyncExternalStore } from 'react'
import { customerQueries } from '../features/customers/queries'
import { keys } from '../lib/queryKeys'
import { loadPrefs, mergeNotice, noticeFor, subscribePrefs, type PopupPrefs } from '../lib/notify'
import { useSocketEvent } from '../lib/realtime'
import { useServices, useSession } from '../lib/services'
import type { Customer, ListResponse, Settings } from '../lib/types'

/** customerName finds a customer's name in whatever the cache already holds. */
export function customerName(qc: QueryClient, id: number): string | null {
  const detail = qc.getQueryData<Customer>(keys.customers.detail(id))
  if (detail) return detail.name
  for (const [, data] of qc.getQueriesData<ListResponse<Customer>>({ queryKey: keys.customers.lists() })) {
    const c = data?.items.find((x) => x.id === id)
    if (c) return c.name
  }
  return null
}

/** usePopupPrefs is the signed-in user's choice of pop-ups (stored in this browser). */
export function usePopupPrefs(): PopupPrefs {
  const userId = useSession()?.user.id
  const cache = useRef<{ key: string; prefs: PopupPrefs } | null>(null)
  return useSyncExternalStore(subscribePrefs, () => {
    const prefs = loadPrefs(userId)
    const key = `${userId}:${JSON.stringify(prefs)}`
    if (cache.current?.key !== key) cache.current = { key, prefs }
    return cache.current.prefs
  })
}

/**
 * Notifications turns live activity (payments, deliveries finished,
 * corrections) into toasts: a burst groups into one ("5 deliveries
 * delivered"), each says who acted, and only the kinds the user chose pop
 * up. The rest still reach the activity feed.
 */
export function Notifications() {
  const qc = useQueryClient()
  const { toasts, api } = useServices()
  const prefs = usePopupPrefs()
  useSocketEvent('activity:updated', (p, meta) => {
    // Another admin moved the payment safeguard: every dashboard uses the new threshold at once.
    const changed = p.entry.action === 'settings.updated' ? (p.entry.payload as { settings?: Settings } | undefined)?.settings : undefined
    if (changed) qc.setQueryData(keys.settings(), changed)
    // The settings carry the default credit limit, which is the alert rules'.
    if (p.entry.action === 'alert.rules_updated') void qc.invalidateQueries({ queryKey: keys.settings() })
    if (meta.replayed) return
    const n = noticeFor(p.entry, { name: (id) => customerName(qc, id) })
    if (!n || !prefs[n.kind]) return
    const id = toasts.push(n.toast, n.ttlMs, mergeNotice(n))
    const unnamed = n.unnamed
    if (unnamed) {
      // Show the toast now; name the customer as soon as it is loaded (unless a burst has grouped it).
      void qc
        .ensureQueryData(customerQueries.detail(api, unnamed.customerId))
        .then((c) => {
          if (toasts.list().find((t) => t.id === id)?.count === 1) toasts.update(id, { body: unnamed.body(c.name) })
        })
        .catch(() => undefined)
    }
  })
  useSocketEvent('error', (e) => {
    if (e.code === 'RATE_LIMITED') toasts.push({ kind: 'error', title: 'Slow down', body: e.message })
    else if (e.code === 'SERVER_SHUTTING_DOWN') toasts.push({ kind: 'info', title: 'Server restarting', body: 'Reconnecting automatically…' })
  })
  return null
}
