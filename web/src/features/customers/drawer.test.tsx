import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ApiClient, Query } from '../../lib/api'
import { SocketProvider } from '../../lib/realtime'
import { ServicesProvider, type Services } from '../../lib/services'
import { SessionStore } from '../../lib/session'
import { eventToServerEvents } from '../../lib/socketModel'
import { ToastStore } from '../../lib/toast'
import type { Customer, Delivery, ListResponse, Subscription } from '../../lib/types'
import { FakeRealtimeClient } from '../../test/fakeClient'
import { CustomerDrawer } from './CustomerDrawer'

const customer: Customer = {
  id: 1, name: 'Asha Rao', phone: '', email: '', address: '', status: 'active', vendorId: 2, balanceCents: 0,
  createdAt: '2026-11-25T10:00:00Z', updatedAt: '2026-11-25T10:00:00Z', areaId: 0, position: 0, note: '',
}
const sub = (id: number, over: Partial<Subscription> = {}): Subscription => ({
  id, customerId: 1, vendorId: 2, productId: 3, productName: 'Buffalo milk', unit: 'litre', quantity: 2, frequency: 'daily', days: [],
  shift: 'morning', startsOn: '2026-12-01', status: 'active', pauses: [], createdAt: '', updatedAt: '', ...over,
})
const delivery = (id: number): Delivery => ({
  id, customerId: 1, vendorId: 2, scheduledFor: '2026-11-01', items: `Milk ${id}`, quantity: 1, amountCents: 100, status: 'delivered',
  note: '', createdAt: '', updatedAt: '',
})
const list = <T,>(items: T[], total = items.length, nextCursor?: string): ListResponse<T> => ({ items, total, ...(nextCursor ? { nextCursor } : {}) })

function setup(subs: Subscription[]) {
  const page1 = Array.from({ length: 20 }, (_, i) => delivery(100 - i))
  const gets: Array<[string, Query | undefined]> = []
  const api: ApiClient = {
    get: (async (path: string, q?: Query) => {
      gets.push([path, q])
      switch (path) {
        case '/api/customers/1':
          return customer
        case '/api/subscriptions':
          return list(subs)
        case '/api/deliveries':
          return q?.cursor === '20' ? list([delivery(7)], 21) : list(page1, 21, '20')
        case '/api/payments':
        case '/api/customers/1/ledger':
          return list([])
        case '/api/areas':
          return { items: [] }
        case '/api/settings':
          return { confirmAboveCents: 1_000_000 }
      }
      throw new Error(`unexpected GET ${path}`)
    }) as ApiClient['get'],
    post: vi.fn() as ApiClient['post'],
    patch: vi.fn() as ApiClient['patch'],
    del: vi.fn(async () => sub(5)) as ApiClient['del'],
  }
  const session = new SessionStore()
  session.set({ token: 't', user: { id: 1, email: 'a@x', name: 'Admin', role: 'admin', status: 'active', createdAt: '', updatedAt: '' } })
  const services: Services = { api, session, toasts: new ToastStore(), login: vi.fn(), refresh: vi.fn(), logout: vi.fn(), notice: () => null }
  const client = new FakeRealtimeClient()
  render(
    <ServicesProvider services={services}>
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <SocketProvider createClient={() => client} vendorId={null}>
          <CustomerDrawer id={1} vendorName={new Map([[2, 'Fresh Dairy']])} onClose={vi.fn()} />
        </SocketProvider>
      </QueryClientProvider>
    </ServicesProvider>,
  )
  return { api, client, gets }
}

afterEach(cleanup)

describe('customer drawer', () => {
  it("shows another admin's new subscription from subscription:updated, without a refetch", async () => {
    const { client, gets } = setup([])
    await screen.findByText('No standing orders', undefined, { timeout: 5000 })
    const before = gets.filter(([p]) => p === '/api/subscriptions').length
    act(() => client.emit('subscription:updated', { seq: 5, at: '', subscription: sub(9, { quantity: 3 }), change: 'created' }))
    expect(within(await screen.findByTestId('subscriptions-list', undefined, { timeout: 5000 })).getByText('Buffalo milk × 3 litre')).toBeTruthy()
    expect(gets.filter(([p]) => p === '/api/subscriptions').length).toBe(before)
  })

  it('cancels a pause only after a confirmation', async () => {
    const { api } = setup([sub(5, { pauses: [{ id: 8, subscriptionId: 5, from: '2026-12-20', to: '2026-12-27', createdAt: '' }] })])
    const pause = await screen.findByTestId('pause-8', undefined, { timeout: 5000 })
    fireEvent.click(within(pause).getByRole('button', { name: 'Cancel pause' }))
    expect(api.del).not.toHaveBeenCalled()
    fireEvent.click(within(pause).getByRole('button', { name: 'Yes, cancel the pause' }))
    await waitFor(() => expect(api.del).toHaveBeenCalledTimes(1), { timeout: 5000 })
    expect((api.del as ReturnType<typeof vi.fn>).mock.calls[0]?.[0]).toBe('/api/subscriptions/5/pauses/8')
  })

  it('ends a subscription only after a confirmation', async () => {
    const { api } = setup([sub(5)])
    const row = await screen.findByTestId('subscription-5', undefined, { timeout: 5000 })
    fireEvent.click(within(row).getByRole('button', { name: 'End subscription' }))
    expect(api.patch).not.toHaveBeenCalled()
    expect(within(row).getByRole('alertdialog').textContent).toMatch(/stops for good/)
    fireEvent.click(within(row).getByRole('button', { name: 'Yes, end it' }))
    await waitFor(() => expect(api.patch).toHaveBeenCalledTimes(1), { timeout: 5000 })
    const [path, body] = (api.patch as ReturnType<typeof vi.fn>).mock.calls[0] ?? []
    expect([path, body]).toEqual(['/api/subscriptions/5', { status: 'ended' }])
  })

  it('loads the history past the first page with the cursor', async () => {
    const { gets } = setup([])
    const listEl = await screen.findByTestId('deliveries-list', undefined, { timeout: 5000 })
    expect(within(listEl).getAllByRole('listitem')).toHaveLength(20)
    fireEvent.click(screen.getByRole('button', { name: 'Load more (20 of 21)' }))
    await screen.findByTestId('delivery-7', undefined, { timeout: 5000 })
    expect(gets.some(([p, q]) => p === '/api/deliveries' && q?.cursor === '20')).toBe(true)
    expect(screen.queryByRole('button', { name: /Load more/ })).toBeNull()
  })
})

describe('eventToServerEvents (polling fallback) for the drawer', () => {
  it('replays subscription, product and rate entries as their socket events', () => {
    const base = { seq: 3, at: 'x', actorId: 1, actorName: 'A', entityId: 9, vendorId: 2, summary: '' }
    const s = sub(9)
    expect(eventToServerEvents({ ...base, action: 'subscription.updated', entity: 'subscription', payload: { subscription: s, change: 'paused' } })[0]).toEqual([
      'subscription:updated', { seq: 3, at: 'x', subscription: s, change: 'paused' },
    ])
    expect(eventToServerEvents({ ...base, action: 'rate.removed', entity: 'rate', payload: { rate: { customerId: 1 }, change: 'removed' } })[0]?.[0]).toBe('rate:updated')
  })
})
