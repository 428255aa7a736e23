import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, type ApiClient } from '../../lib/api'
import { SocketProvider } from '../../lib/realtime'
import { ServicesProvider, type Services } from '../../lib/services'
import { SessionStore } from '../../lib/session'
import { eventToServerEvents } from '../../lib/socketModel'
import { ToastStore } from '../../lib/toast'
import type { Alert, AlertRules } from '../../lib/types'
import { FakeRealtimeClient } from '../../test/fakeClient'
import { AlertBell } from './AlertBell'
import { AlertsPage } from './AlertsPage'

const base: Alert = {
  id: 1, rule: 'large_payment', severity: 'warning', status: 'open', subject: { entity: 'payment', id: 7 },
  message: 'Payment #7 of 9000.00 from Asha is above 5000.00', raisedAt: '2026-11-25T05:00:00Z', updatedAt: '2026-11-25T05:00:00Z',
}
const overLimit: Alert = { ...base, id: 2, rule: 'balance_over_limit', subject: { entity: 'customer', id: 12 }, message: 'Ravi owes 80.00, above 50.00' }
const rules: AlertRules = {
  minDurationSeconds: 60,
  large_payment: { enabled: true, thresholdCents: 500_000 },
  balance_over_limit: { enabled: true, defaultCreditLimitCents: 5_000 },
  failure_rate: { enabled: true, percent: 20, minAttempts: 10 },
  dependency_down: { enabled: true },
  shift_cutoff: { enabled: true, morningCutoff: '07:00', eveningCutoff: '19:00' },
  socket_errors: { enabled: true, windowSeconds: 300, maxDropped: 5, maxErrors: 100 },
  security_burst: { enabled: true, windowMinutes: 15, addresses: 3, rateLimited: 10 },
}

function setup(open: Alert[] = [base]) {
  // The server's alerts: a test changes them as it sends their events.
  const server = new Map(open.map((a) => [a.id, a]))
  const get = vi.fn(async (path: string, query?: Record<string, unknown>): Promise<unknown> => {
    if (path === '/api/alerts/rules') return rules
    if (path !== '/api/alerts') throw new Error(`unexpected GET ${path}`)
    return { alerts: [...server.values()].filter((a) => !query?.status || a.status === query.status).sort((a, b) => b.id - a.id) }
  })
  const patch = vi.fn()
  const api: ApiClient = { get: get as unknown as ApiClient['get'], post: vi.fn() as ApiClient['post'], patch: patch as unknown as ApiClient['patch'] }
  const session = new SessionStore()
  session.set({ token: 't', user: { id: 1, email: 'ada@example.com', name: 'Ada', role: 'admin', status: 'active', createdAt: '', updatedAt: '' } })
  const services: Services = { api, session, toasts: new ToastStore(), login: vi.fn(), refresh: vi.fn(), logout: vi.fn(), notice: () => null }
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  const client = new FakeRealtimeClient()
  render(
    <ServicesProvider services={services}>
      <QueryClientProvider client={qc}>
        <SocketProvider createClient={() => client} vendorId={null}>
          <AlertBell />
          <AlertsPage />
        </SocketProvider>
      </QueryClientProvider>
    </ServicesProvider>,
  )
  const send = (name: 'alert:raised' | 'alert:updated' | 'alert:resolved', alert: Alert, replayed = false) => {
    server.set(alert.id, alert)
    act(() => client.emit(name, { seq: 20 + alert.id, at: alert.updatedAt, alert }, { replayed }))
  }
  return { get, patch, client, send }
}

const bell = () => screen.getByTestId('alert-bell')

afterEach(cleanup)

describe('the bell and the Alerts page', () => {
  it('counts open alerts live: raised adds one, acked or resolved takes it off', async () => {
    const { send } = setup()
    await waitFor(() => expect(bell().getAttribute('aria-label')).toBe('Alerts: 1 open'))
    send('alert:raised', overLimit)
    await waitFor(() => expect(screen.getByTestId('alert-count').textContent).toBe('2'))
    // Replayed after a reconnect: counted once.
    send('alert:raised', overLimit, true)
    expect(screen.getByTestId('alert-count').textContent).toBe('2')
    // Another admin acknowledges: every admin sees who, and the count drops.
    const acked = { ...overLimit, status: 'acked' as const, ackedBy: 3, ackedByName: 'Bea', ackNote: 'calling Ravi', ackedAt: '2026-11-25T05:05:00Z', updatedAt: '2026-11-25T05:05:00Z' }
    send('alert:updated', acked)
    await waitFor(() => expect(screen.getByTestId('alert-count').textContent).toBe('1'))
    fireEvent.click(screen.getByRole('button', { name: 'Acknowledged' }))
    const item = await screen.findByTestId('alert-2')
    expect(within(item).getByTestId('acked-by').textContent).toContain('Acknowledged by Bea')
    expect(within(item).getByTestId('acked-by').textContent).toContain('calling Ravi')
    expect(within(item).getByRole('link', { name: 'Open customer' }).getAttribute('href')).toBe('/customers/12')
    send('alert:resolved', { ...base, status: 'resolved', updatedAt: '2026-11-25T05:06:00Z' })
    await waitFor(() => expect(bell().getAttribute('aria-label')).toBe('Alerts: none open'))
    expect(screen.queryByTestId('alert-count')).toBeNull()
  })

  it('acknowledges with a note over the socket, and shows a refusal', async () => {
    const { client } = setup()
    const item = await screen.findByTestId('alert-1')
    fireEvent.click(within(item).getByRole('button', { name: 'Acknowledge' }))
    fireEvent.change(within(item).getByTestId('ack-note'), { target: { value: ' checking with the vendor ' } })
    client.answer = () => ({ ok: false, error: { code: 'CONFLICT', message: 'alert 1 is already resolved' } })
    fireEvent.click(within(item).getByRole('button', { name: 'Acknowledge' }))
    expect(await within(item).findByRole('alert')).toHaveProperty('textContent', 'alert 1 is already resolved')
    expect((within(item).getByTestId('ack-note') as HTMLTextAreaElement).value).toBe(' checking with the vendor ')
    client.answer = (_n, p) => ({ ok: true, data: { ...base, status: 'acked', ackedBy: 1, ackedByName: 'Ada', ackNote: (p as { note: string }).note, updatedAt: '2026-11-25T05:07:00Z' } })
    fireEvent.click(within(item).getByRole('button', { name: 'Acknowledge' }))
    await waitFor(() => expect(screen.queryByTestId('alert-1')).toBeNull()) // off the open list
    expect(client.requests.at(-1)).toEqual({ name: 'alert:ack', payload: { id: 1, note: 'checking with the vendor' } })
    expect(bell().getAttribute('aria-label')).toBe('Alerts: none open')
  })

  it('shows the server field error on the field, keeps the typed input and retries with the same key', async () => {
    const { patch } = setup([])
    const percent = (await screen.findByTestId('rule-failure_rate.percent')) as HTMLInputElement
    fireEvent.change(percent, { target: { value: '101' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save rules' }))
    // The form's own check first: nothing sent.
    expect(await screen.findByText('Enter a whole number from 1 to 100.')).toBeTruthy()
    expect(patch).not.toHaveBeenCalled()
    fireEvent.change(percent, { target: { value: '30' } })
    const window = screen.getByTestId('rule-security_burst.windowMinutes') as HTMLInputElement
    fireEvent.change(window, { target: { value: '20' } })
    patch.mockRejectedValueOnce(new ApiError(400, { code: 'INVALID', message: 'windowMinutes is out of range', field: 'security_burst.windowMinutes' }))
    fireEvent.click(screen.getByRole('button', { name: 'Save rules' }))
    expect(await screen.findByText('windowMinutes is out of range')).toBeTruthy()
    expect(window.getAttribute('aria-invalid')).toBe('true')
    expect(percent.value).toBe('30')
    patch.mockResolvedValueOnce({ ...rules, failure_rate: { ...rules.failure_rate, percent: 30 }, security_burst: { ...rules.security_burst, windowMinutes: 20 } })
    fireEvent.click(screen.getByRole('button', { name: 'Save rules' }))
    expect(await screen.findByRole('status')).toHaveProperty('textContent', 'Saved. The rules apply from the next evaluation.')
    expect(patch).toHaveBeenCalledTimes(2)
    const [first, second] = patch.mock.calls
    expect(first?.[0]).toBe('/api/alerts/rules')
    expect(second?.[1]).toMatchObject({ failure_rate: { percent: 30 }, security_burst: { windowMinutes: 20 } })
    expect(second?.[2].idempotencyKey).toBe(first?.[2].idempotencyKey)
  })

  it('turns alert log entries into alert events (the polling fallback)', () => {
    const out = eventToServerEvents({
      seq: 40, at: base.raisedAt, actorId: 0, actorName: 'system', action: 'alert.raised', entity: 'alert', entityId: 1, vendorId: 0,
      summary: 'Alert: x', payload: { alert: base },
    })
    expect(out.map(([n]) => n)).toEqual(['alert:raised', 'activity:updated'])
    expect(out[0]?.[1]).toMatchObject({ seq: 40, alert: { id: 1 } })
  })
})
