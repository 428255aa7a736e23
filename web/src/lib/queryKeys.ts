import type { CustomerSort, CustomerStatus, Interval, Shift } from './types'

// Query keys of every feature, in one place so the real-time cache sync and
// the features agree on them. Keys are arrays, most general part first, so a
// prefix invalidates a whole family.

export interface CustomerFilters {
  status?: CustomerStatus | ''
  vendorId?: number | ''
  search?: string
  sort?: CustomerSort
  /** true: only customers who owe. */
  hasDues?: boolean
  limit: number
  offset: number
}

export interface AnalyticsParams {
  from: string
  to: string
  interval: Interval
}

/** RoundParams select the Today page's round (GET /api/round); date absent: the business's today. */
export interface RoundParams {
  date?: string
  shift: Shift
  vendorId?: number
  areaId?: number
}

export const keys = {
  stats: () => ['stats'] as const,
  settings: () => ['settings'] as const,
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
  // Every analytics query lives under ['analytics']: one throttled
  // invalidation of that prefix (realtime.tsx) refreshes them all.
  analytics: {
    all: () => ['analytics'] as const,
    range: (p: AnalyticsParams) => ['analytics', p] as const,
    ageing: (asOf: string) => ['analytics', 'ageing', { asOf }] as const,
    breakdown: (by: 'product' | 'area', r: { from: string; to: string }) => ['analytics', 'breakdown', by, r] as const,
    vendors: (r: { from: string; to: string }) => ['analytics', 'vendors', r] as const,
  },
  users: {
    all: () => ['users'] as const,
    list: (f: { role?: string; search?: string }) => ['users', 'list', f] as const,
  },
  vendorMetrics: () => ['vendors', 'metrics'] as const,
  round: {
    all: () => ['round'] as const,
    lists: () => ['round', 'stops'] as const,
    one: (p: RoundParams) => ['round', 'stops', p] as const,
    /** The area filter's choices (GET /api/areas), by vendor (0: all). */
    areas: (vendorId: number) => ['round', 'areas', vendorId] as const,
  },
  me: () => ['me'] as const,
}
