import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query'
import type { ApiClient } from '../../lib/api'
import { keys, type AnalyticsParams } from '../../lib/queryKeys'
import { useLiveRefetch } from '../../lib/realtime'
import { useApi } from '../../lib/services'
import type { Analytics } from '../../lib/types'

export const analyticsQueries = {
  range: (api: ApiClient, p: AnalyticsParams) =>
    queryOptions({
      queryKey: keys.analytics.range(p),
      queryFn: () => api.get<Analytics>('/api/analytics', { from: p.from, to: p.to, interval: p.interval }),
      placeholderData: keepPreviousData,
    }),
}

/** useAnalytics is the analytics of a range; payments and deliveries make it refetch (throttled). */
export function useAnalytics(p: AnalyticsParams) {
  const api = useApi()
  const refetchInterval = useLiveRefetch()
  return useQuery({ ...analyticsQueries.range(api, p), refetchInterval })
}
