import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query'
import type { ApiClient } from '../../lib/api'
import { keys, type AnalyticsParams } from '../../lib/queryKeys'
import { useLiveRefetch } from '../../lib/realtime'
import { useApi } from '../../lib/services'
import type { Analytics, Breakdown, DuesAgeing, VendorComparison } from '../../lib/types'

type Range = { from: string; to: string }

// Every factory keys under keys.analytics.all(): the socket's payment,
// delivery, customer and user events invalidate that prefix, throttled to
// once per 5 s (lib/realtime.tsx), so each card refetches live.
export const analyticsQueries = {
  range: (api: ApiClient, p: AnalyticsParams) =>
    queryOptions({
      queryKey: keys.analytics.range(p),
      queryFn: () => api.get<Analytics>('/api/analytics', { from: p.from, to: p.to, interval: p.interval }),
      placeholderData: keepPreviousData,
    }),
  ageing: (api: ApiClient, asOf: string) =>
    queryOptions({
      queryKey: keys.analytics.ageing(asOf),
      queryFn: () => api.get<DuesAgeing>('/api/analytics/ageing', { asOf }),
      placeholderData: keepPreviousData,
    }),
  breakdown: (api: ApiClient, by: 'product' | 'area', r: Range) =>
    queryOptions({
      queryKey: keys.analytics.breakdown(by, r),
      queryFn: () => api.get<Breakdown>(by === 'product' ? '/api/analytics/products' : '/api/analytics/areas', { from: r.from, to: r.to }),
      placeholderData: keepPreviousData,
    }),
  vendors: (api: ApiClient, r: Range) =>
    queryOptions({
      queryKey: keys.analytics.vendors(r),
      queryFn: () => api.get<VendorComparison>('/api/analytics/vendors', { from: r.from, to: r.to }),
      placeholderData: keepPreviousData,
    }),
}

/** useAnalytics is the analytics of a range; payments and deliveries make it refetch (throttled). */
export function useAnalytics(p: AnalyticsParams) {
  const api = useApi()
  const refetchInterval = useLiveRefetch()
  return useQuery({ ...analyticsQueries.range(api, p), refetchInterval })
}

/** useDuesAgeing ages dues at the end of asOf (a business day, not after today). */
export function useDuesAgeing(asOf: string, enabled = true) {
  const api = useApi()
  const refetchInterval = useLiveRefetch()
  return useQuery({ ...analyticsQueries.ageing(api, asOf), refetchInterval, enabled })
}

export function useBreakdown(by: 'product' | 'area', r: Range, enabled = true) {
  const api = useApi()
  const refetchInterval = useLiveRefetch()
  return useQuery({ ...analyticsQueries.breakdown(api, by, r), refetchInterval, enabled })
}

/** useVendorComparison is for admins only (vendors get 403): enabled says whether to ask. */
export function useVendorComparison(r: Range, enabled: boolean) {
  const api = useApi()
  const refetchInterval = useLiveRefetch()
  return useQuery({ ...analyticsQueries.vendors(api, r), refetchInterval, enabled })
}
