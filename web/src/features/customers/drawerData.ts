import { infiniteQueryOptions, queryOptions, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { ApiClient, WriteOptions } from '../../lib/api'
import { keys } from '../../lib/queryKeys'
import { useLiveRefetch, useSocketEvent } from '../../lib/realtime'
import { useApi } from '../../lib/services'
import { isoDay } from '../../lib/format'
import { dashboardQueries } from '../dashboard/queries'
import type {
  Area,
  Customer,
  CustomerRate,
  Delivery,
  LedgerEntry,
  ListResponse,
  Payment,
  Product,
  Statement,
  Subscription,
  SubscriptionCreate,
  SubscriptionUpdate,
} from '../../lib/types'
import type { DeliveryCreate } from './schemas'

// Data of the customer drawer beyond the customer itself: its standing
// orders, the vendor's products and areas, its history page by page, and its
// monthly statement. Keys live under ['customers', …] so that a customer's
// removal (customer:removed) or a broad invalidation reaches them, and away
// from the flat lists that cacheSync patches in place (these hold pages).

export const HISTORY_PAGE = 20

export type HistoryKind = 'deliveries' | 'payments' | 'ledger'

export const drawerKeys = {
  subscriptions: (customerId: number) => ['customers', 'subscriptions', customerId] as const,
  products: (vendorId: number) => ['customers', 'products', vendorId] as const,
  areas: (vendorId: number) => ['customers', 'areas', vendorId] as const,
  rates: (customerId: number) => ['customers', 'rates', customerId] as const,
  history: (customerId: number, kind: HistoryKind) => ['customers', 'history', customerId, kind] as const,
  historyAll: (customerId: number) => ['customers', 'history', customerId] as const,
  statement: (customerId: number, month: string) => ['customers', 'statement', customerId, month] as const,
}

const historyPath: Record<HistoryKind, (id: number) => [string, Record<string, number>]> = {
  deliveries: (id) => ['/api/deliveries', { customerId: id }],
  payments: (id) => ['/api/payments', { customerId: id }],
  ledger: (id) => [`/api/customers/${id}/ledger`, {}],
}

export const drawerQueries = {
  subscriptions: (api: ApiClient, customerId: number) =>
    queryOptions({
      queryKey: drawerKeys.subscriptions(customerId),
      queryFn: () => api.get<ListResponse<Subscription>>('/api/subscriptions', { customerId, limit: 100 }),
    }),
  products: (api: ApiClient, vendorId: number) =>
    queryOptions({
      queryKey: drawerKeys.products(vendorId),
      queryFn: () => api.get<ListResponse<Product>>('/api/products', { vendorId, limit: 500 }),
      staleTime: 60_000,
    }),
  areas: (api: ApiClient, vendorId: number) =>
    queryOptions({
      queryKey: drawerKeys.areas(vendorId),
      queryFn: () => api.get<{ items: Area[] }>('/api/areas', { vendorId }),
      staleTime: 60_000,
    }),
  rates: (api: ApiClient, customerId: number) =>
    queryOptions({
      queryKey: drawerKeys.rates(customerId),
      queryFn: () => api.get<{ items: CustomerRate[] }>(`/api/customers/${customerId}/rates`),
    }),
  /** history is one of the customer's lists, a page at a time ("Load more" follows nextCursor). */
  history: <T>(api: ApiClient, customerId: number, kind: HistoryKind) =>
    infiniteQueryOptions({
      queryKey: drawerKeys.history(customerId, kind),
      queryFn: ({ pageParam }) => {
        const [path, q] = historyPath[kind](customerId)
        return api.get<ListResponse<T>>(path, { ...q, limit: HISTORY_PAGE, cursor: pageParam })
      },
      initialPageParam: '' as string,
      getNextPageParam: (last) => last.nextCursor || undefined,
    }),
  statement: (api: ApiClient, customerId: number, month: string) =>
    queryOptions({
      queryKey: drawerKeys.statement(customerId, month),
      queryFn: () => api.get<Statement>(`/api/customers/${customerId}/statement`, { month }),
    }),
}

/** useHistory is a customer's deliveries, payments or ledger, page by page, kept live. */
export function useHistory<T>(customerId: number, kind: HistoryKind) {
  const api = useApi()
  const refetchInterval = useLiveRefetch()
  const q = useInfiniteQuery({ ...drawerQueries.history<T>(api, customerId, kind), refetchInterval })
  const items = q.data?.pages.flatMap((p) => p.items) ?? []
  const total = q.data?.pages[q.data.pages.length - 1]?.total ?? 0
  return { q, items, total }
}

/**
 * useLiveDrawer keeps everything the drawer shows in step with the socket,
 * so that another admin's change appears without a reload: standing orders,
 * the history lists, the statement, the vendor's products and areas.
 */
export function useLiveDrawer(customerId: number, vendorId: number | undefined) {
  const qc = useQueryClient()
  const stale = (key: readonly unknown[]) => void qc.invalidateQueries({ queryKey: key })
  const money = () => {
    stale(drawerKeys.history(customerId, 'ledger'))
    stale(['customers', 'statement', customerId])
  }
  useSocketEvent('subscription:updated', (p) => {
    if (p.subscription.customerId !== customerId) return
    qc.setQueryData<ListResponse<Subscription>>(drawerKeys.subscriptions(customerId), (old) => {
      if (!old) return old
      if (old.items.some((s) => s.id === p.subscription.id)) {
        return { ...old, items: old.items.map((s) => (s.id === p.subscription.id ? p.subscription : s)) }
      }
      return { ...old, items: [p.subscription, ...old.items], total: old.total + 1 }
    })
  })
  useSocketEvent('delivery:updated', (p) => {
    if (p.delivery.customerId !== customerId) return
    stale(drawerKeys.history(customerId, 'deliveries'))
    if (p.delivery.status === 'delivered' || p.previousStatus === 'delivered') money()
  })
  // Carries only ids: the open customer may be among them.
  useSocketEvent('deliveries:generated', (p) => {
    if (vendorId === undefined || p.vendorId === vendorId) stale(drawerKeys.history(customerId, 'deliveries'))
  })
  useSocketEvent('payment:added', (p) => {
    if (p.customer.id !== customerId) return
    stale(drawerKeys.history(customerId, 'payments'))
    money()
  })
  useSocketEvent('payment:reversed', (p) => {
    if (p.customer.id !== customerId) return
    stale(drawerKeys.history(customerId, 'payments'))
    money()
  })
  useSocketEvent('delivery:reversed', (p) => {
    if (p.customer.id !== customerId) return
    stale(drawerKeys.history(customerId, 'deliveries'))
    money()
  })
  useSocketEvent('customer:updated', (p) => {
    if (p.customer.id === customerId) stale(['customers', 'statement', customerId])
  })
  useSocketEvent('product:updated', (p) => stale(drawerKeys.products(p.product.vendorId)))
  useSocketEvent('area:updated', (p) => stale(drawerKeys.areas(p.area.vendorId)))
  useSocketEvent('rate:updated', (p) => {
    if (p.rate.customerId === customerId) stale(drawerKeys.rates(customerId))
  })
}

/**
 * useBusinessToday is today in the business's time zone (from the stats'
 * `today`), which is the day the server checks dates against; the browser's
 * own date until the stats load.
 */
export function useBusinessToday(): string {
  const api = useApi()
  const q = useQuery({ ...dashboardQueries.stats(api), staleTime: 60_000 })
  return q.data?.today ?? isoDay(new Date())
}

/** addDays moves a YYYY-MM-DD day by n days. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + n)
  return d.toISOString().slice(0, 10)
}

export function useSubscriptions(customerId: number) {
  const api = useApi()
  const refetchInterval = useLiveRefetch()
  return useQuery({ ...drawerQueries.subscriptions(api, customerId), refetchInterval })
}

export function useProducts(vendorId: number | undefined) {
  const api = useApi()
  return useQuery({ ...drawerQueries.products(api, vendorId ?? 0), enabled: !!vendorId })
}

export function useAreas(vendorId: number | undefined) {
  const api = useApi()
  return useQuery({ ...drawerQueries.areas(api, vendorId ?? 0), enabled: !!vendorId })
}

export function useRates(customerId: number) {
  const api = useApi()
  return useQuery(drawerQueries.rates(api, customerId))
}

type Write<I> = { input: I; key: string }

/** useCustomerWrite is create or update of a customer; the answer goes into the cache at once. */
export function useSaveCustomer() {
  const api = useApi()
  const qc = useQueryClient()
  return useMutation({
    mutationFn: ({ id, body, key }: { id: number | null; body: unknown; key: string }) =>
      id === null
        ? api.post<Customer>('/api/customers', body, { idempotencyKey: key })
        : api.patch<Customer>(`/api/customers/${id}`, body, { idempotencyKey: key }),
    onSuccess: (c) => {
      qc.setQueryData(keys.customers.detail(c.id), c)
      void qc.invalidateQueries({ queryKey: keys.customers.lists() })
    },
  })
}

function useSubscriptionWrite<I>(send: (api: ApiClient, input: I, opts: WriteOptions) => Promise<Subscription>) {
  const api = useApi()
  const qc = useQueryClient()
  return useMutation({
    mutationFn: ({ input, key }: Write<I>) => send(api, input, { idempotencyKey: key }),
    onSuccess: (s) => {
      qc.setQueryData<ListResponse<Subscription>>(drawerKeys.subscriptions(s.customerId), (old) => {
        if (!old) return old
        const has = old.items.some((x) => x.id === s.id)
        return has ? { ...old, items: old.items.map((x) => (x.id === s.id ? s : x)) } : { ...old, items: [s, ...old.items], total: old.total + 1 }
      })
      // Changing terms may cancel or move already generated deliveries.
      void qc.invalidateQueries({ queryKey: drawerKeys.history(s.customerId, 'deliveries') })
    },
  })
}

export const useCreateSubscription = () =>
  useSubscriptionWrite<SubscriptionCreate>((api, input, o) => api.post<Subscription>('/api/subscriptions', input, o))
export const useUpdateSubscription = () =>
  useSubscriptionWrite<{ id: number; patch: SubscriptionUpdate }>((api, i, o) => api.patch<Subscription>(`/api/subscriptions/${i.id}`, i.patch, o))
export const useAddPause = () =>
  useSubscriptionWrite<{ id: number; from: string; to: string }>((api, i, o) =>
    api.post<Subscription>(`/api/subscriptions/${i.id}/pauses`, { from: i.from, to: i.to }, o),
  )
export const useCancelPause = () =>
  useSubscriptionWrite<{ id: number; pauseId: number }>((api, i, o) => {
    if (!api.del) throw new Error('this API client cannot delete')
    return api.del<Subscription>(`/api/subscriptions/${i.id}/pauses/${i.pauseId}`, o)
  })

export function useScheduleDelivery() {
  const api = useApi()
  const qc = useQueryClient()
  return useMutation({
    mutationFn: ({ input, key }: Write<DeliveryCreate>) => api.post<Delivery>('/api/deliveries', input, { idempotencyKey: key }),
    onSuccess: (d) => void qc.invalidateQueries({ queryKey: drawerKeys.history(d.customerId, 'deliveries') }),
  })
}

export type { Delivery, LedgerEntry, Payment }
