import { keepPreviousData, queryOptions } from '@tanstack/react-query'
import type { ApiClient } from '../../lib/api'
import { keys, type CustomerFilters } from '../../lib/queryKeys'
import type { Customer, Delivery, LedgerEntry, ListResponse, Payment, User } from '../../lib/types'

export const customerQueries = {
  list: (api: ApiClient, f: CustomerFilters) =>
    queryOptions({
      queryKey: keys.customers.list(f),
      queryFn: () =>
        api.get<ListResponse<Customer>>('/api/customers', {
          status: f.status,
          vendorId: f.vendorId,
          search: f.search?.trim(),
          sort: f.sort,
          hasDues: f.hasDues ? 'true' : undefined,
          limit: f.limit,
          offset: f.offset,
        }),
      placeholderData: keepPreviousData,
    }),
  detail: (api: ApiClient, id: number) =>
    queryOptions({ queryKey: keys.customers.detail(id), queryFn: () => api.get<Customer>(`/api/customers/${id}`) }),
  ledger: (api: ApiClient, id: number) =>
    queryOptions({
      queryKey: keys.customers.ledger(id),
      queryFn: () => api.get<ListResponse<LedgerEntry>>(`/api/customers/${id}/ledger`, { limit: 50 }),
    }),
  deliveries: (api: ApiClient, customerId: number, limit = 20) =>
    queryOptions({
      queryKey: keys.deliveries.list({ customerId, limit }),
      queryFn: () => api.get<ListResponse<Delivery>>('/api/deliveries', { customerId, limit }),
    }),
  payments: (api: ApiClient, customerId: number, limit = 20) =>
    queryOptions({
      queryKey: keys.payments.list({ customerId, limit }),
      queryFn: () => api.get<ListResponse<Payment>>('/api/payments', { customerId, limit }),
    }),
  vendors: (api: ApiClient) =>
    queryOptions({
      queryKey: keys.users.list({ role: 'vendor' }),
      queryFn: () => api.get<ListResponse<User>>('/api/users', { role: 'vendor', limit: 200 }),
      staleTime: 5 * 60_000,
    }),
}
