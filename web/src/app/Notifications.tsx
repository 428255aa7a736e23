import { useQueryClient, type QueryClient } from '@tanstack/react-query'
import { customerQueries } from '../features/customers/queries'
import { keys } from '../lib/queryKeys'
import { formatMoney, humanize } from '../lib/format'
import { useSocketEvent } from '../lib/realtime'
import { useServices } from '../lib/services'
import type { Customer, ListResponse } from '../lib/types'

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

/** Notifications turns live payments and finished deliveries into toasts. */
export function Notifications() {
  const qc = useQueryClient()
  const { toasts, api } = useServices()
  useSocketEvent('payment:added', (p, meta) => {
    if (meta.replayed) return
    const known = customerName(qc, p.customer.id)
    const body = (name: string) => `${name} · ${humanize(p.payment.method)} · balance ${formatMoney(p.customer.balanceCents)}`
    const id = toasts.push({
      kind: 'payment',
      title: `${formatMoney(p.payment.amountCents)} received`,
      body: body(known ?? `Customer #${p.customer.id}`),
    })
    if (!known) {
      // Show the toast now; name the customer as soon as it is loaded.
      void qc
        .ensureQueryData(customerQueries.detail(api, p.customer.id))
        .then((c) => toasts.update(id, { body: body(c.name) }))
        .catch(() => undefined)
    }
  })
  useSocketEvent('delivery:updated', (p, meta) => {
    const s = p.delivery.status
    if (meta.replayed || (s !== 'delivered' && s !== 'failed') || p.previousStatus === s) return
    const name = p.delivery.customerName || customerName(qc, p.delivery.customerId) || `Customer #${p.delivery.customerId}`
    toasts.push(
      {
        kind: s === 'delivered' ? 'delivery' : 'error',
        title: s === 'delivered' ? `Delivered to ${name}` : `Delivery failed · ${name}`,
        body: `${p.delivery.items} × ${p.delivery.quantity} · ${formatMoney(p.delivery.amountCents)}`,
      },
      4_000,
    )
  })
  useSocketEvent('error', (e) => {
    if (e.code === 'RATE_LIMITED') toasts.push({ kind: 'error', title: 'Slow down', body: e.message })
    else if (e.code === 'SERVER_SHUTTING_DOWN') toasts.push({ kind: 'info', title: 'Server restarting', body: 'Reconnecting automatically…' })
  })
  return null
}
