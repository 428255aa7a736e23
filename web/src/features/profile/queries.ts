import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { ApiClient } from '../../lib/api'
import { keys } from '../../lib/queryKeys'
import { useApi } from '../../lib/services'
import type { NotificationPrefs, NotificationPrefsUpdate } from '../../lib/types'

export const profileQueries = {
  notifications: (api: ApiClient) =>
    queryOptions({
      queryKey: [...keys.me(), 'notifications'] as const,
      queryFn: () => api.get<NotificationPrefs>('/api/me/notifications'),
    }),
}

export function useNotificationPrefs() {
  return useQuery(profileQueries.notifications(useApi()))
}

export function useUpdateNotificationPrefs() {
  const api = useApi()
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (patch: NotificationPrefsUpdate) => api.patch<NotificationPrefs>('/api/me/notifications', patch),
    onSuccess: async (prefs) => {
      // A refetch under way (the socket's resync refetches everything) may
      // have read the prefs before this change: its answer must not put
      // the old values back on screen.
      const { queryKey } = profileQueries.notifications(api)
      await qc.cancelQueries({ queryKey })
      qc.setQueryData(queryKey, prefs)
    },
  })
}
