import { queryOptions } from '@tanstack/react-query'
import type { ApiClient } from '../../lib/api'
import { keys } from '../../lib/queryKeys'
import type { ActivityEntry, ListResponse, PresenceUpdated, Stats } from '../../lib/types'

export const dashboardQueries = {
  stats: (api: ApiClient) =>
    queryOptions({ queryKey: keys.stats(), queryFn: () => api.get<Stats>('/api/stats') }),
  activity: (api: ApiClient, limit: number) =>
    queryOptions({
      queryKey: keys.activity(limit),
      queryFn: () => api.get<ListResponse<ActivityEntry>>('/api/activity', { limit }),
    }),
  // Presence only ever arrives over the socket; the cache is its one home.
  presence: () =>
    queryOptions<PresenceUpdated>({
      queryKey: keys.presence(),
      queryFn: () => Promise.resolve({ admins: [] }),
      staleTime: Infinity,
      gcTime: Infinity,
    }),
}
