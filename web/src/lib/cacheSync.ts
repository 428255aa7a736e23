import type { QueryClient, QueryKey } from '@tanstack/react-query'
import { keys, type CustomerFilters } from './queryKeys'
import type {
  ActivityResponse,
  ActivityUpdated,
  Customer,
  CustomerRemoved,
  CustomerUpdated,
  DeliveryReversed,
  Delivery,
  DeliveryUpdated,
  ListResponse,
  Payment,
  PaymentAdded,
  PaymentReversed,
  PresenceUpdated,
  User,
  UserUpdated,
  Stats,
  StatsUpdated,
} from './types'

// Pure functions that fold one real-time event into the TanStack Query cache.
// The cache is the only copy of server state: an event either patches the
// cached data in place (when the payload says everything needed) or marks the
// affected queries stale so the active ones refetch.

const FEED_MAX = 100

export function applyStats(qc: QueryClient, p: StatsUpdated): void {
  // A REST fetch still in flight holds older figures: drop it.
  if (qc.isFetching({ queryKey: keys.stats() }) > 0) void qc.cancelQueries({ queryKey: keys.stats() })
  qc.setQueryData<Stats>(keys.stats(), (old) => (old && old.seq > p.stats.seq ? old : p.stats))
}

export function applyPresence(qc: QueryClient, p: PresenceUpdated): void {
  qc.setQueryData<PresenceUpdated>(keys.presence(), p)
}

export function applyActivity(qc: QueryClient, p: ActivityUpdated): void {
  // An import sends one entry for its customers (no customer:updated each):
  // the lists refetch.
  if (p.entry.action === 'customers.imported') void qc.invalidateQueries({ queryKey: keys.customers.lists() })
  qc.setQueriesData<ActivityResponse>({ queryKey: keys.activityAll() }, (old) => {
    if (!old) return old
    if (old.items.some((e) => e.seq === p.entry.seq)) return old
    const items = [p.entry, ...old.items].sort((a, b) => b.seq - a.seq).slice(0, Math.max(old.items.length, FEED_MAX))
    return typeof old.total === 'number' ? { ...old, items, total: old.total + 1 } : { ...old, items }
  })
}

export function applyUser(qc: QueryClient, p: UserUpdated): void {
  let found = false
  qc.setQueriesData<ListResponse<User>>({ queryKey: keys.users.all() }, (old) => {
    if (!old || !old.items.some((u) => u.id === p.user.id)) return old
    found = true
    return { ...old, items: old.items.map((u) => (u.id === p.user.id ? p.user : u)) }
  })
  if (!found) void qc.invalidateQueries({ queryKey: keys.users.all() })
}

function patchCustomerLists(qc: QueryClient, id: number, patch: (c: Customer) => Customer): boolean {
  let found = false
  qc.setQueriesData<ListResponse<Customer>>({ queryKey: keys.customers.lists() }, (old) => {
    if (!old || !old.items.some((c) => c.id === id)) return old
    found = true
    return { ...old, items: old.items.map((c) => (c.id === id ? patch(c) : c)) }
  })
  return found
}

export function applyCustomer(qc: QueryClient, p: CustomerUpdated): void {
  const c = p.customer
  qc.setQueryData<Customer>(keys.customers.detail(c.id), c)
  patchCustomerLists(qc, c.id, () => c)
  // A new customer, or one whose status moved, may enter or leave a filtered
  // page and changes totals: let the lists refetch.
  if (p.change === 'created') {
    void qc.invalidateQueries({ queryKey: keys.customers.lists() })
  } else if (p.change === 'status') {
    void qc.invalidateQueries({
      queryKey: keys.customers.lists(),
      predicate: (q) => {
        const f = q.queryKey[2] as CustomerFilters | undefined
        return !!f?.status && f.status !== c.status
      },
    })
  }
}

export function applyPayment(qc: QueryClient, p: PaymentAdded): void {
  const { id, balanceCents } = p.customer
  qc.setQueryData<Customer>(keys.customers.detail(id), (old) => (old ? { ...old, balanceCents } : old))
  patchCustomerLists(qc, id, (c) => ({ ...c, balanceCents }))
  for (const q of qc.getQueryCache().findAll({ queryKey: keys.payments.all() })) {
    const f = q.queryKey[1] as { customerId?: number } | undefined
    if (f?.customerId && f.customerId !== id) continue
    qc.setQueryData<ListResponse<Payment>>(q.queryKey, (old) => {
      if (!old || old.items.some((x) => x.id === p.payment.id)) return old
      return { ...old, items: [p.payment, ...old.items], total: old.total + 1 }
    })
  }
  void qc.invalidateQueries({ queryKey: keys.customers.ledger(id) })
}

export function applyDelivery(qc: QueryClient, p: DeliveryUpdated): void {
  const d = p.delivery
  let found = false
  qc.setQueriesData<ListResponse<Delivery>>({ queryKey: keys.deliveries.all() }, (old) => {
    if (!old || !old.items.some((x) => x.id === d.id)) return old
    found = true
    return { ...old, items: old.items.map((x) => (x.id === d.id ? { ...x, ...d } : x)) }
  })
  if (!found) {
    void qc.invalidateQueries({
      queryKey: keys.deliveries.all(),
      predicate: (q) => {
        const f = q.queryKey[1] as { customerId?: number } | undefined
        return !f?.customerId || f.customerId === d.customerId
      },
    })
  }
  if (d.status === 'delivered' && p.previousStatus !== 'delivered') {
    // Delivering charges the balance; the event does not carry the new one.
    void qc.invalidateQueries({ queryKey: keys.customers.detail(d.customerId) })
    void qc.invalidateQueries({ queryKey: keys.customers.ledger(d.customerId) })
    markCustomerStale(qc, d.customerId)
  }
}

/** applyPaymentReversed shows the payment as reversed and the customer's new balance. */
export function applyPaymentReversed(qc: QueryClient, p: PaymentReversed): void {
  const { id, balanceCents } = p.customer
  qc.setQueryData<Customer>(keys.customers.detail(id), (old) => (old ? { ...old, balanceCents } : old))
  patchCustomerLists(qc, id, (c) => ({ ...c, balanceCents }))
  qc.setQueriesData<ListResponse<Payment>>({ queryKey: keys.payments.all() }, (old) =>
    old ? { ...old, items: old.items.map((x) => (x.id === p.payment.id ? p.payment : x)) } : old,
  )
  void qc.invalidateQueries({ queryKey: keys.customers.ledger(id) })
}

/** applyDeliveryReversed shows the delivery as reversed and the refunded balance. */
export function applyDeliveryReversed(qc: QueryClient, p: DeliveryReversed): void {
  const { id, balanceCents } = p.customer
  qc.setQueryData<Customer>(keys.customers.detail(id), (old) => (old ? { ...old, balanceCents } : old))
  patchCustomerLists(qc, id, (c) => ({ ...c, balanceCents }))
  qc.setQueriesData<ListResponse<Delivery>>({ queryKey: keys.deliveries.all() }, (old) =>
    old ? { ...old, items: old.items.map((x) => (x.id === p.delivery.id ? { ...x, ...p.delivery } : x)) } : old,
  )
  void qc.invalidateQueries({ queryKey: keys.customers.ledger(id) })
}

/**
 * applyCustomerRemoved drops a customer that moved to another vendor, and its
 * deliveries, payments and ledger, from the caches of that vendor's login
 * (viewerVendorId). Admins keep it: the customer:updated that follows moves it.
 */
export function applyCustomerRemoved(qc: QueryClient, p: CustomerRemoved, viewerVendorId: number | null): void {
  if (viewerVendorId === null || viewerVendorId !== p.vendorId) return
  const id = p.customerId
  qc.removeQueries({ queryKey: keys.customers.detail(id) })
  qc.removeQueries({ queryKey: keys.customers.ledger(id) })
  const drop = <T extends { customerId: number }>(old: ListResponse<T> | undefined) => {
    if (!old || !old.items.some((x) => x.customerId === id)) return old
    const items = old.items.filter((x) => x.customerId !== id)
    return { ...old, items, total: old.total - (old.items.length - items.length) }
  }
  qc.setQueriesData<ListResponse<Delivery>>({ queryKey: keys.deliveries.all() }, drop)
  qc.setQueriesData<ListResponse<Payment>>({ queryKey: keys.payments.all() }, drop)
  qc.setQueriesData<ListResponse<Customer>>({ queryKey: keys.customers.lists() }, (old) => {
    if (!old || !old.items.some((c) => c.id === id)) return old
    return { ...old, items: old.items.filter((c) => c.id !== id), total: old.total - 1 }
  })
  void qc.invalidateQueries({ queryKey: keys.customers.lists() })
}

function markCustomerStale(qc: QueryClient, id: number): void {
  void qc.invalidateQueries({
    queryKey: keys.customers.lists(),
    predicate: (q) => {
      const data = q.state.data as ListResponse<Customer> | undefined
      return !!data?.items.some((c) => c.id === id)
    },
  })
}

/**
 * Throttle limits how often aggregate queries (analytics, vendor metrics)
 * refetch when a burst of events arrives: at most once per interval, with a
 * trailing run so the last change is never missed.
 */
export class Throttle {
  private last = 0
  private timer: ReturnType<typeof setTimeout> | null = null
  private readonly intervalMs: number
  private readonly now: () => number

  constructor(intervalMs: number, now: () => number = Date.now) {
    this.intervalMs = intervalMs
    this.now = now
  }

  run(fn: () => void): void {
    const wait = this.last + this.intervalMs - this.now()
    if (wait <= 0) {
      this.last = this.now()
      fn()
      return
    }
    if (this.timer) return
    this.timer = setTimeout(() => {
      this.timer = null
      this.last = this.now()
      fn()
    }, wait)
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }
}

/** aggregateKeys are the queries an event about money or deliveries makes stale. */
export const aggregateKeys: QueryKey[] = [keys.analytics.all(), keys.vendorMetrics()]
