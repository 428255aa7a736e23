import type { CustomerStatus, Interval } from './types'

// Query keys of every feature, in one place so the real-time cache sync and
// the features agree on them. Keys are arrays, most general part first, so a
// prefix invalidates a whole family.

export interface CustomerFilters {
  status?: CustomerStatus | ''
  vendorId?: number | ''
  search?: string
  limit: number
  offset: number
}

export interface AnalyticsParams {
  from: string
  to: string
  interval: Interval
}

export const keys = {
  stats: () => ['stats'] as const,
  activity: (limit: number) => ['activity', { limit }] as const,
  activityAll: () => ['activity'] as const,
  presence: () => ['presence'] as const,
  customers: {
    all: () => ['customers'] as const,
    lists: () => ['customers', 'list'] as const,
    list: (f: CustomerFilters) => ['customers', 'list', f] as const,
    detail: (id: number) => ['customers', 'detail', id] as const,
    ledger: (id: number) => ['customers', 'ledger', id] as const,
  },
  deliveries: {
    all: () => ['deliveries'] as const,
    list: (f: { customerId?: number; limit: number }) => ['deliveries', f] as const,
  },
  payments: {
    all: () => ['payments'] as const,
    list: (f: { customerId?: number; limit: number }) => ['payments', f] as const,
  },
  analytics: {
    all: () => ['analytics'] as const,
    range: (p: AnalyticsParams) => ['analytics', p] as const,
  },
  users: {
    all: () => ['users'] as const,
    list: (f: { role?: string; search?: string }) => ['users', 'list', f] as const,
  },
  vendorMetrics: () => ['vendors', 'metrics'] as const,
  me: () => ['me'] as const,
}
