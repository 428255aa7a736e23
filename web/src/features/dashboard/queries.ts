import { queryOptions } from '@tanstack/react-query'
import type { ApiClient } from '../../lib/api'
import { keys } from '../../lib/queryKeys'
import type { ActivityResponse, PresenceUpdated, Stats } from '../../lib/types'

export const dashboardQueries = {
  stats: (api: ApiClient) =>
    queryOptions({
      queryKey: keys.stats(),
      queryFn: async ({ client, queryKey }) => {
        const fetched = await api.get<Stats>('/api/stats')
        // stats:updated may have brought newer figures while this was in flight.
        const cached = client.getQueryData<Stats>(queryKey)
        return cached && cached.seq > fetched.seq ? cached : fetched
      },
    }),
  activity: (api: ApiClient, limit: number) =>
    queryOptions({
      queryKey: keys.activity(limit),
      queryFn: () => api.get<ActivityResponse>('/api/activity', { limit }),
    }),
  // Presence only ever arrives over the socket; the cache is its one home.
  presence: () =>
    queryOptions<PresenceUpdated>({
      queryKey: keys.presence(),
      queryFn: ({ client, queryKey }) => client.getQueryData<PresenceUpdated>(queryKey) ?? { admins: [] },
      // Never fetched: a refetch (after a resync) could race the socket's push.
      enabled: false,
      staleTime: Infinity,
      gcTime: Infinity,
    }),
}
