import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ApiClient } from '../../lib/api'
import { SocketProvider } from '../../lib/realtime'
import { ServicesProvider, type Services } from '../../lib/services'
import { SessionStore } from '../../lib/session'
import { eventToServerEvents } from '../../lib/socketModel'
import { ToastStore } from '../../lib/toast'
import type { Role, SecurityEvent, SecurityEventPage } from '../../lib/types'
import { FakeRealtimeClient } from '../../test/fakeClient'
import { SecurityPage } from './SecurityPage'

const failed: SecurityEvent = {
  seq: 10, kind: 'login_failed', at: '2026-11-25T05:01:00Z', address: '203.0.113.7', email: 'asha@example.com',
  detail: 'login refused: invalid email or password',
}
const reuse: SecurityEvent = { seq: 12, kind: 'refresh_reuse', at: '2026-11-25T05:02:00Z', address: '198.51.100.4', userId: 3, detail: 'a spent refresh token was presented' }

function setup(role: Role) {
  const get = vi.fn(async (path: string, query?: Record<string, unknown>): Promise<SecurityEventPage> => {
    if (path !== '/api/security/events') throw new Error(`unexpected GET ${path}`)
    const items = [failed, reuse].filter((e) => !query?.kind || e.kind === query.kind)
    return { items, nextAfter: items.at(-1)?.seq ?? 0, hasMore: false }
  })
  const api: ApiClient = { get: get as unknown as ApiClient['get'], post: vi.fn() as ApiClient['post'], patch: vi.fn() as ApiClient['patch'] }
  const session = new SessionStore()
  session.set({ token: 't', user: { id: role === 'admin' ? 1 : 2, email: 'x@example.com', name: 'X', role, status: 'active', createdAt: '', updatedAt: '' } })
  const services: Services = { api, session, toasts: new ToastStore(), login: vi.fn(), refresh: vi.fn(), logout: vi.fn(), notice: () => null }
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  const client = new FakeRealtimeClient()
  render(
    <ServicesProvider services={services}>
      <QueryClientProvider client={qc}>
        <SocketProvider createClient={() => client} vendorId={role === 'vendor' ? 2 : null}>
          <SecurityPage />
        </SocketProvider>
      </QueryClientProvider>
    </ServicesProvider>,
  )
  return { get, client }
}

const rows = () => within(screen.getByTestId('security-table')).getAllByRole('row').slice(1)

afterEach(cleanup)

describe('the Security page', () => {
  it('lists security events newest first and adds live ones at the top, once even when replayed', async () => {
    const { client } = setup('admin')
    await screen.findByTestId('security-table')
    expect(rows().map((r) => r.getAttribute('data-kind'))).toEqual(['refresh_reuse', 'login_failed'])
    expect(rows()[1]?.textContent).toContain('asha@example.com')
    expect(rows()[1]?.textContent).toContain('203.0.113.7')
    const live: SecurityEvent = { seq: 15, kind: 'password_changed', at: '2026-11-25T05:03:00Z', address: '192.0.2.9', userId: 2, email: 'b@example.com', detail: 'password set by Ada (user 1)' }
    act(() => client.emit('security:event', live))
    await waitFor(() => expect(rows()[0]?.getAttribute('data-kind')).toBe('password_changed'))
    act(() => client.emit('security:event', live, { replayed: true }))
    expect(rows()).toHaveLength(3)
  })

  it('filters by kind, over REST and for live events', async () => {
    const { client, get } = setup('admin')
    await screen.findByTestId('security-table')
    fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'login_failed' } })
    await waitFor(() => expect(rows().map((r) => r.getAttribute('data-kind'))).toEqual(['login_failed']))
    expect(get).toHaveBeenLastCalledWith('/api/security/events', expect.objectContaining({ kind: 'login_failed' }))
    act(() => client.emit('security:event', { ...reuse, seq: 20 }))
    act(() => client.emit('security:event', { ...failed, seq: 21, address: '203.0.113.8' }))
    await waitFor(() => expect(rows()).toHaveLength(2))
    expect(rows().every((r) => r.getAttribute('data-kind') === 'login_failed')).toBe(true)
  })

  it('is for admins only: a vendor sees no events and nothing is fetched', async () => {
    const { get } = setup('vendor')
    expect(await screen.findByText('Admins only')).toBeTruthy()
    expect(get).not.toHaveBeenCalled()
    expect(screen.queryByTestId('security-table')).toBeNull()
  })

  it('turns log entries carrying security events into security:event (the polling fallback)', () => {
    const out = eventToServerEvents({
      seq: 30, at: '2026-11-25T05:04:00Z', actorId: 1, actorName: 'Ada', action: 'user.updated', entity: 'user', entityId: 2, vendorId: 0,
      summary: 'x', payload: { user: { id: 2 }, security: [{ seq: 0, kind: 'role_changed', at: '2026-11-25T05:04:00Z', address: '', detail: 'role vendor → admin' }] },
    })
    expect(out.map(([n]) => n)).toEqual(['user:updated', 'security:event', 'activity:updated'])
    expect(out[1]?.[1]).toMatchObject({ seq: 30, kind: 'role_changed' })
    // A failed login is no business change: Security page only, as over the socket.
    const failed = eventToServerEvents({
      seq: 31, at: '2026-11-25T05:05:00Z', actorId: 0, actorName: 'system', action: 'security.event', entity: 'security', entityId: 0, vendorId: 0,
      summary: 'Security: login_failed', payload: { security: [{ kind: 'login_failed', at: '2026-11-25T05:05:00Z', address: '203.0.113.7', detail: '' }] },
    })
    expect(failed.map(([n]) => n)).toEqual(['security:event'])
  })
})
