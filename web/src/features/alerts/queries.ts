import { queryOptions, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query'
import { ApiError, type ApiClient } from '../../lib/api'
import { useAdminSocket, useLiveRefetch, useSocketEvent } from '../../lib/realtime'
import { useApi } from '../../lib/services'
import type { Alert, AlertEvent, AlertRules } from '../../lib/types'
import { ALERTS_MAX, foldAlert, type StatusFilter } from './model'

export const alertKeys = {
  all: () => ['alerts'] as const,
  lists: () => ['alerts', 'list'] as const,
  list: (status: StatusFilter) => ['alerts', 'list', { status }] as const,
  rules: () => ['alerts', 'rules'] as const,
}

export const alertQueries = {
  list: (api: ApiClient, status: StatusFilter) =>
    queryOptions({
      queryKey: alertKeys.list(status),
      queryFn: async () => (await api.get<{ alerts: Alert[] }>('/api/alerts', { status: status || undefined, limit: ALERTS_MAX })).alerts,
    }),
  rules: (api: ApiClient) =>
    queryOptions({
      queryKey: alertKeys.rules(),
      queryFn: () => api.get<AlertRules>('/api/alerts/rules'),
    }),
}

/** useAlerts lists alerts of a status ('' for every status), newest first; live through useAlertSync. */
export function useAlerts(status: StatusFilter, enabled = true) {
  const api = useApi()
  const refetchInterval = useLiveRefetch()
  return useQuery({ ...alertQueries.list(api, status), refetchInterval, enabled })
}

/** foldIntoCache applies an alert as it now reads to every alert list in the cache. */
export function foldIntoCache(qc: QueryClient, a: Alert): void {
  for (const [key, data] of qc.getQueriesData<Alert[]>({ queryKey: alertKeys.lists() })) {
    if (!data) continue
    const status = ((key[2] as { status?: StatusFilter } | undefined)?.status ?? '') as StatusFilter
    qc.setQueryData<Alert[]>(key, foldAlert(data, a, status))
  }
}

/**
 * useAlertSync folds alert:raised, alert:updated and alert:resolved (live or
 * replayed after a reconnect) into every alert list in the cache. The bell
 * mounts it once for the whole app.
 */
export function useAlertSync(): void {
  const qc = useQueryClient()
  const fold = (p: AlertEvent) => foldIntoCache(qc, p.alert)
  useSocketEvent('alert:raised', fold)
  useSocketEvent('alert:updated', fold)
  useSocketEvent('alert:resolved', fold)
}

/** useAckAlert sends alert:ack; every admin (this one too) then gets alert:updated. */
export function useAckAlert() {
  const { client, connected } = useAdminSocket()
  const qc = useQueryClient()
  return useMutation({
    mutationFn: async ({ id, note }: { id: number; note: string }): Promise<Alert> => {
      if (!client || !connected) {
        throw new ApiError(0, { code: 'UNAVAILABLE', message: 'Not connected: acknowledge once the connection is back.' })
      }
      const res = await client.request('alert:ack', note.trim() ? { id, note: note.trim() } : { id })
      if (!res.ok) throw new ApiError(400, res.error)
      return res.data
    },
    onSuccess: (a) => foldIntoCache(qc, a),
  })
}

export function useAlertRules(enabled = true) {
  const api = useApi()
  return useQuery({ ...alertQueries.rules(api), enabled })
}

/** useUpdateAlertRules PATCHes any part of the rules; the form passes one key per change, kept across its retries. */
export function useUpdateAlertRules() {
  const api = useApi()
  const qc = useQueryClient()
  return useMutation({
    mutationFn: ({ patch, idempotencyKey }: { patch: unknown; idempotencyKey: string }) =>
      api.patch<AlertRules>('/api/alerts/rules', patch, { idempotencyKey }),
    onSuccess: (rules) => qc.setQueryData(alertKeys.rules(), rules),
  })
}
