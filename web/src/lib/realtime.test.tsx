import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, renderHook, waitFor } from '@testing-library/react'
import type { ReactNode } from 'react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { recordPayment, useRealtimeCustomers } from '../features/customers/hooks'
import { useRealtimeStats } from '../features/dashboard/hooks'
import { FakeRealtimeClient } from '../test/fakeClient'
import type { ApiClient } from './api'
import { keys } from './queryKeys'
import { SocketProvider, useLiveRefetch, useSocketHealth } from './realtime'
import { ServicesProvider, type Services } from './services'
import { SessionStore } from './session'
import { ToastStore } from './toast'
import type { Customer, ListResponse, PaymentResult, Stats } from './types'

const stats = (seq: number, activeCustomers: number): Stats => ({
  timezone: 'UTC',
  today: '2026-11-25',
  epoch: 'k3xq7mva',
  activeCustomers,
  deliveriesToday: { total: 0, scheduled: 0, outForDelivery: 0, delivered: 0, failed: 0, cancelled: 0, skipped: 0, reversed: 0 },
  revenueTodayCents: 0,
  revenueMonthCents: 0,
  paymentsToday: 0,
  paymentsTodayCents: 0,
  outstandingCents: 0,
  activeVendors: 1,
  seq,
  at: '2026-01-01T00:00:00Z',
})

const customer = (id: number, balanceCents: number): Customer => ({
  id,
  name: `C${id}`,
  phone: '',
  email: '',
  address: '',
  status: 'active',
  vendorId: 2,
  balanceCents,
  createdAt: '',
  updatedAt: '',
  areaId: 0,
  position: 0,
  note: '',
})

function setup(routes: Record<string, unknown>) {
  const client = new FakeRealtimeClient()
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  const get = vi.fn(async (path: string) => {
    if (path in routes) return routes[path]
    throw new Error(`unexpected GET ${path}`)
  })
  const api: ApiClient = { get: get as ApiClient['get'], post: vi.fn() as ApiClient['post'], patch: vi.fn() as ApiClient['patch'] }
  const services: Services = {
    api,
    session: new SessionStore(),
    toasts: new ToastStore(),
    login: vi.fn(),
    refresh: vi.fn(),
    logout: vi.fn(),
    notice: () => null,
  }
  const createClient = () => client
  const wrapper = ({ children }: { children: ReactNode }) => (
    <ServicesProvider services={services}>
      <QueryClientProvider client={qc}>
        <SocketProvider createClient={createClient}>{children}</SocketProvider>
      </QueryClientProvider>
    </ServicesProvider>
  )
  return { client, qc, wrapper, api, get }
}

afterEach(() => vi.useRealTimers())

describe('real-time hooks', () => {
  it('useRealtimeStats loads over REST, asks the socket, then follows stats:updated', async () => {
    const { client, wrapper } = setup({ '/api/stats': stats(1, 10) })
    client.answer = (name) => (name === 'stats:request' ? { ok: true, data: stats(2, 11) } : { ok: false, error: { code: 'X', message: '' } })
    const { result } = renderHook(() => useRealtimeStats(), { wrapper })
    await waitFor(() => expect(client.requests.map((r) => r.name)).toContain('stats:request'))
    await waitFor(() => expect(result.current.data?.activeCustomers).toBe(11))
    act(() => client.emit('stats:updated', { stats: stats(3, 12), at: 'x' }))
    await waitFor(() => expect(result.current.data?.activeCustomers).toBe(12))
  })

  it('useRealtimeCustomers patches balances from payment:added and highlights the row', async () => {
    const { client, wrapper, qc } = setup({ '/api/customers': { items: [customer(1, 900), customer(2, 0)], total: 2 } })
    const f = { search: '', status: '' as const, vendorId: '' as const, limit: 25, offset: 0 }
    const { result } = renderHook(() => useRealtimeCustomers(f), { wrapper })
    await waitFor(() => expect(result.current.query.data?.items).toHaveLength(2))
    act(() =>
      client.emit('payment:added', {
        seq: 4,
        at: 'x',
        payment: { id: 1, customerId: 1, vendorId: 2, amountCents: 400, method: 'cash', reference: '', recordedBy: 1, createdAt: '' },
        customer: { id: 1, balanceCents: 500 },
      }),
    )
    expect(result.current.query.data?.items[0]?.balanceCents).toBe(500)
    expect(result.current.highlighted.has(1)).toBe(true)
    expect(qc.getQueryData<ListResponse<Customer>>(keys.customers.list(f))?.items[0]?.balanceCents).toBe(500)
  })

  it('polls only while the socket is down', async () => {
    const { client, wrapper } = setup({})
    const { result } = renderHook(() => ({ refetch: useLiveRefetch(), health: useSocketHealth() }), { wrapper })
    await waitFor(() => expect(result.current.health.state.kind).toBe('live'))
    expect(result.current.refetch).toBe(false)
    act(() => client.setState({ kind: 'polling', intervalMs: 60_000 }))
    expect(result.current.refetch).toBe(60_000)
  })

  it('removes its listeners and stops the client on unmount', async () => {
    const { client, wrapper } = setup({})
    const { unmount, result } = renderHook(() => useSocketHealth(), { wrapper })
    await waitFor(() => expect(result.current.state.kind).toBe('live'))
    expect(client.listenerCount()).toBeGreaterThan(0)
    unmount()
    expect(client.listenerCount()).toBe(0)
    expect(client.stopped).toBe(true)
  })
})

describe('recordPayment', () => {
  const input = { customerId: 1, amountCents: 100, method: 'cash' as const, idempotencyKey: 'key-1' }
  const result: PaymentResult = {
    payment: { id: 1, customerId: 1, vendorId: 2, amountCents: 100, method: 'cash', reference: '', recordedBy: 1, createdAt: '' },
    customer: { id: 1, balanceCents: 0 },
    created: true,
  }

  it('uses the socket when live', async () => {
    const { client, api } = setup({})
    client.answer = () => ({ ok: true, data: result })
    expect(await recordPayment(api, client, true, input)).toEqual(result)
    expect(api.post).not.toHaveBeenCalled()
  })

  it('falls back to REST with the same idempotency key when the socket does not answer', async () => {
    const { client, api } = setup({})
    client.answer = () => ({ ok: false, error: { code: 'TIMEOUT', message: 'late' } })
    vi.mocked(api.post).mockResolvedValue(result)
    await recordPayment(api, client, true, input)
    expect(api.post).toHaveBeenCalledWith('/api/payments', input, { idempotencyKey: 'key-1' })
  })

  it('falls back to REST with the same key when the server could not tell whether it committed', async () => {
    const { client, api } = setup({})
    client.answer = () => ({ ok: false, error: { code: 'OUTCOME_UNKNOWN', message: 'lost' } })
    vi.mocked(api.post).mockResolvedValue(result)
    expect(await recordPayment(api, client, true, input)).toEqual(result)
    expect(api.post).toHaveBeenCalledWith('/api/payments', input, { idempotencyKey: 'key-1' })
  })

  it('does not retry over REST what the server refused', async () => {
    const { client, api } = setup({})
    client.answer = () => ({ ok: false, error: { code: 'INVALID', message: 'too small', field: 'amountCents' } })
    await expect(recordPayment(api, client, true, input)).rejects.toMatchObject({ code: 'INVALID', field: 'amountCents' })
    expect(api.post).not.toHaveBeenCalled()
  })

  it('goes straight to REST while offline', async () => {
    const { client, api } = setup({})
    vi.mocked(api.post).mockResolvedValue(result)
    await recordPayment(api, client, false, input)
    expect(client.requests).toHaveLength(0)
    expect(api.post).toHaveBeenCalledOnce()
  })
})
