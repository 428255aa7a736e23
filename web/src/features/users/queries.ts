import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { ApiClient } from '../../lib/api'
import { keys } from '../../lib/queryKeys'
import { useLiveRefetch } from '../../lib/realtime'
import { useApi } from '../../lib/services'
import type { ListResponse, User, UserCreate, UserUpdate, VendorMetrics } from '../../lib/types'

export const userQueries = {
  list: (api: ApiClient, f: { role?: string; search?: string }) =>
    queryOptions({
      queryKey: keys.users.list(f),
      queryFn: () => api.get<ListResponse<User>>('/api/users', { role: f.role, search: f.search, limit: 200 }),
    }),
  vendorMetrics: (api: ApiClient) =>
    queryOptions({
      queryKey: keys.vendorMetrics(),
      queryFn: () => api.get<{ items: VendorMetrics[] }>('/api/vendors/metrics'),
    }),
}

/** useUsers lists users (GET /api/users); enabled false fetches nothing (default true). */
export function useUsers(f: { role?: string; search?: string }, { enabled = true }: { enabled?: boolean } = {}) {
  const api = useApi()
  const refetchInterval = useLiveRefetch()
  return useQuery({ ...userQueries.list(api, f), refetchInterval, enabled })
}

export function useVendorMetrics() {
  const api = useApi()
  const refetchInterval = useLiveRefetch()
  return useQuery({ ...userQueries.vendorMetrics(api), refetchInterval })
}

export function useCreateUser() {
  const api = useApi()
  const qc = useQueryClient()
  return useMutation({
    // The form keeps one key per user it creates, across its retries.
    mutationFn: ({ idempotencyKey, ...input }: UserCreate & { idempotencyKey?: string }) => api.post<User>('/api/users', input, { idempotencyKey }),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.users.all() }),
  })
}

export function useUpdateUser() {
  const api = useApi()
  const qc = useQueryClient()
  return useMutation({
    mutationFn: ({ id, ...patch }: UserUpdate & { id: number }) => api.patch<User>(`/api/users/${id}`, patch),
    onSuccess: (user) => {
      qc.setQueriesData<ListResponse<User>>({ queryKey: keys.users.all() }, (old) =>
        old && 'items' in old ? { ...old, items: old.items.map((u) => (u.id === user.id ? user : u)) } : old,
      )
      void qc.invalidateQueries({ queryKey: keys.users.all() })
    },
  })
}
