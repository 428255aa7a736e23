import { keepPreviousData, queryOptions } from '@tanstack/react-query'
import type { ApiClient } from '../../lib/api'
import { keys, type RoundParams } from '../../lib/queryKeys'
import type { Area, ListResponse, Round } from '../../lib/types'

export const roundQueries = {
  /** round is GET /api/round: the stops in walking order and the counters. */
  round: (api: ApiClient, p: RoundParams) =>
    queryOptions({
      queryKey: keys.round.one(p),
      queryFn: () => api.get<Round>('/api/round', { date: p.date, shift: p.shift, vendorId: p.vendorId, areaId: p.areaId }),
      // Socket events keep the round current while the page is open; coming
      // back to it, fetch again (events that arrived meanwhile were folded
      // in too, but a missed one must not linger).
      staleTime: 0,
      placeholderData: keepPreviousData,
    }),
  /** areas are the area filter's choices: one vendor's, or all (vendorId 0, admins). */
  areas: (api: ApiClient, vendorId: number) =>
    queryOptions({
      queryKey: keys.round.areas(vendorId),
      queryFn: () => api.get<ListResponse<Area>>('/api/areas', { vendorId: vendorId || undefined }),
      staleTime: 5 * 60_000,
    }),
}
