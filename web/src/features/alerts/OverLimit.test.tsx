import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { renderHook, waitFor } from '@testing-library/react'
import type { ReactNode } from 'react'
import { describe, expect, it, vi } from 'vitest'
import type { ApiClient } from '../../lib/api'
import { ServicesProvider, type Services } from '../../lib/services'
import { SessionStore } from '../../lib/session'
import { ToastStore } from '../../lib/toast'
import type { Alert, Role, Settings } from '../../lib/types'
import { isOverLimit, useOverLimitMark } from './OverLimit'

const settings: Settings = { confirmAboveCents: 1_000_000, businessName: 'Livedesk', currency: 'INR', defaultCreditLimitCents: 5_000 }
const alert: Alert = {
  id: 1, rule: 'balance_over_limit', severity: 'warning', status: 'open', subject: { entity: 'customer', id: 12 },
  message: 'Ravi owes 80.00, above 50.00', raisedAt: '2026-11-25T05:00:00Z', updatedAt: '2026-11-25T05:00:00Z',
}

function wrapper(role: Role) {
  const get = vi.fn(async (path: string, query?: Record<string, unknown>): Promise<unknown> => {
    if (path === '/api/settings') return settings
    if (path === '/api/alerts') {
      if (role !== 'admin') throw new Error('alerts are admins only')
      return { alerts: query?.status === 'open' ? [alert] : [] }
    }
    throw new Error(`unexpected GET ${path}`)
  })
  const api: ApiClient = { get: get as unknown as ApiClient['get'], post: vi.fn() as ApiClient['post'], patch: vi.fn() as ApiClient['patch'] }
  const session = new SessionStore()
  session.set({ token: 't', user: { id: 1, email: 'x@example.com', name: 'X', role, status: 'active', createdAt: '', updatedAt: '' } })
  const services: Services = { api, session, toasts: new ToastStore(), login: vi.fn(), refresh: vi.fn(), logout: vi.fn(), notice: () => null }
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  const Wrapper = ({ children }: { children: ReactNode }) => (
    <ServicesProvider services={services}>
      <QueryClientProvider client={qc}>{children}</QueryClientProvider>
    </ServicesProvider>
  )
  return { Wrapper, get }
}

describe('isOverLimit', () => {
  it('compares the balance owed with the customer’s limit, or the business default', () => {
    expect(isOverLimit({ balanceCents: 5_001 }, 5_000)).toBe(true)
    expect(isOverLimit({ balanceCents: 5_000 }, 5_000)).toBe(false)
    expect(isOverLimit({ balanceCents: 5_001, creditLimitCents: 10_000 }, 5_000)).toBe(false)
    expect(isOverLimit({ balanceCents: 1, creditLimitCents: 0 }, 5_000)).toBe(true)
    expect(isOverLimit({ balanceCents: -90_000 }, 0)).toBe(false)
  })
})

describe('useOverLimitMark', () => {
  const over = { id: 7, balanceCents: 9_000 }
  const alerted = { id: 12, balanceCents: 100 }

  it('admins: the balance_over_limit alerts decide', async () => {
    const { Wrapper } = wrapper('admin')
    const { result } = renderHook(() => useOverLimitMark('admin'), { wrapper: Wrapper })
    await waitFor(() => expect(result.current(alerted)).toBe(true))
    expect(result.current(over)).toBe(false)
  })

  it('vendors: their own customers’ balance and limit, never through alerts', async () => {
    const { Wrapper, get } = wrapper('vendor')
    const { result } = renderHook(() => useOverLimitMark('vendor'), { wrapper: Wrapper })
    await waitFor(() => expect(result.current(over)).toBe(true))
    expect(result.current(alerted)).toBe(false)
    expect(get.mock.calls.some(([path]) => path === '/api/alerts')).toBe(false)
  })

  it('staff: no marks, and no alerts asked for', async () => {
    const { Wrapper, get } = wrapper('staff')
    const { result } = renderHook(() => useOverLimitMark('staff'), { wrapper: Wrapper })
    await waitFor(() => expect(get).toHaveBeenCalledWith('/api/settings'))
    expect(result.current(over)).toBe(false)
    expect(get.mock.calls.some(([path]) => path === '/api/alerts')).toBe(false)
  })
})
