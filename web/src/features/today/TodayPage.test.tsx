import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, type ApiClient } from '../../lib/api'
import { SocketProvider } from '../../lib/realtime'
import { ServicesProvider, type Services } from '../../lib/services'
import { SessionStore } from '../../lib/session'
import { ToastStore } from '../../lib/toast'
import type { BulkStatus, BulkStatusResult, Delivery, Role, Round, RoundStop, User } from '../../lib/types'
import { MemoryQueueStore, OfflineQueue } from '../../lib/offline/queue'
import { sendQueued } from '../../lib/offline/send'
import { FakeRealtimeClient } from '../../test/fakeClient'
import { countersOf } from './logic'
import { TodayPage } from './TodayPage'

function d(id: number, over: Partial<Delivery> = {}): Delivery {
  return {
    id, customerId: 100 + id, customerName: `Customer ${id}`, vendorId: 2, scheduledFor: '2026-12-01', items: 'Buffalo milk', quantity: 2,
    amountCents: 14_000, status: 'scheduled', note: '', createdAt: '2026-12-01T00:00:01Z', updatedAt: '2026-12-01T00:00:01Z',
    shift: 'morning', productId: 3, ...over,
  }
}
function s(delivery: Delivery, areaId: number, areaName: string): RoundStop {
  return { delivery, areaId, areaName, position: delivery.id, address: `${delivery.id} MG Road`, phone: '+91 98450 12345', balanceCents: 0, customerNote: '' }
}

/** A small in-memory server: the round and the bulk status rule (open stops only). */
function fakeServer() {
  const stops = [s(d(1), 4, 'Indiranagar'), s(d(2), 4, 'Indiranagar'), s(d(3), 7, 'Koramangala')]
  let seq = 10
  const round = (): Round => structuredClone({ date: '2026-12-01', shift: 'morning', stops, counters: countersOf(stops), seq })
  const apply = (cmd: BulkStatus): BulkStatusResult => {
    const results = cmd.ids.map((id) => {
      const st = stops.find((x) => x.delivery.id === id)
      if (!st) return { id, ok: false, error: { code: 'NOT_FOUND', message: 'delivery not found' } }
      if (cmd.expectedStatus && st.delivery.status !== cmd.expectedStatus) {
        return { id, ok: false, error: { code: 'CONFLICT', message: `already marked ${st.delivery.status} by Ada Admin at 07:12`, field: 'status' } }
      }
      if (st.delivery.status !== 'scheduled' && st.delivery.status !== 'out_for_delivery') {
        return { id, ok: false, error: { code: 'INVALID_TRANSITION', message: `the delivery is already ${st.delivery.status}`, field: 'status' } }
      }
      const previousStatus = st.delivery.status
      st.delivery = { ...st.delivery, status: cmd.status, reason: cmd.reason, reasonText: cmd.reasonText, updatedAt: '2026-12-01T01:00:00Z' }
      seq++
      return { id, ok: true, delivery: st.delivery, previousStatus }
    })
    return { results, succeeded: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length }
  }
  return { stops, round, apply }
}

function setup(role: Role = 'admin', user: Partial<User> = {}) {
  const server = fakeServer()
  const get = vi.fn(async (path: string) => {
    if (path === '/api/round') return server.round()
    if (path === '/api/areas') return { items: [{ id: 4, vendorId: 2, name: 'Indiranagar', sortOrder: 1, createdAt: '', updatedAt: '' }] }
    if (path === '/api/users') return { items: [], total: 0 }
    if (path === '/api/settings') return { confirmAboveCents: 500_000, businessName: 'Livedesk', currency: 'INR', defaultCreditLimitCents: 500_000 }
    throw new Error(`unexpected GET ${path}`)
  })
  const post = vi.fn(async (path: string, body: unknown) => {
    if (path === '/api/deliveries/status') return server.apply(body as BulkStatus)
    throw new Error(`unexpected POST ${path}`)
  })
  const api: ApiClient = { get: get as unknown as ApiClient['get'], post: post as unknown as ApiClient['post'], patch: vi.fn() as ApiClient['patch'] }
  const session = new SessionStore()
  session.set({ token: 't', user: { id: 1, email: 'a@example.com', name: 'A', role, status: 'active', createdAt: '', updatedAt: '', ...user } })
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  const client = new FakeRealtimeClient()
  const sent = new Set<Parameters<NonNullable<Services['onQueueSent']>>[0]>()
  const queue = new OfflineQueue({
    store: new MemoryQueueStore(),
    send: (cmd) => sendQueued(api, client, client.getHealth().state.kind === 'live', cmd),
    sender: () => 1,
    onSent: (cmd, data) => sent.forEach((fn) => fn(cmd, data)),
  })
  const onQueueSent: Services['onQueueSent'] = (fn) => (sent.add(fn), () => void sent.delete(fn))
  const services: Services = { api, session, toasts: new ToastStore(), login: vi.fn(), refresh: vi.fn(), logout: vi.fn(), notice: () => null, queue, onQueueSent }
  client.answer = (name, payload) => (name === 'deliveries:status' ? { ok: true, data: server.apply(payload as BulkStatus) } : { ok: false, error: { code: 'INVALID', message: 'x' } })
  render(
    <ServicesProvider services={services}>
      <QueryClientProvider client={qc}>
        <SocketProvider createClient={() => client}>
          <TodayPage />
        </SocketProvider>
      </QueryClientProvider>
    </ServicesProvider>,
  )
  return { server, client, post, get, queue }
}

const counter = (k: string) => screen.getByTestId(`counter-${k}`).textContent
const stopOf = (id: number) => document.querySelector(`[data-delivery-id="${id}"]`) as HTMLElement

beforeEach(() => window.history.replaceState(null, '', '/today?shift=morning'))
afterEach(cleanup)

describe('the Today page', () => {
  it('shows the round by area in walking order, with links, and live counters', async () => {
    setup()
    await screen.findAllByTestId('stop')
    expect(screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent)).toEqual(['Indiranagar · 2 of 2 left', 'Koramangala · 1 of 1 left'])
    expect(counter('toDo')).toBe('3')
    const first = within(stopOf(1))
    expect(first.getByRole('link', { name: /Call Customer 1/ }).getAttribute('href')).toBe('tel:+919845012345')
    expect(first.getByRole('link', { name: /Map: 1 MG Road/ }).getAttribute('href')).toContain('google.com/maps/search')
  })

  it('marks a stop delivered with one tap, over the socket, with a key', async () => {
    const { client } = setup()
    await screen.findAllByTestId('stop')
    fireEvent.click(screen.getByRole('button', { name: 'Delivered: Customer 1' }))
    await waitFor(() => expect(counter('delivered')).toBe('1'))
    expect(counter('toDo')).toBe('2')
    expect(client.requests).toHaveLength(1)
    const sent = client.requests[0]!.payload as BulkStatus
    expect(sent).toMatchObject({ ids: [1], status: 'delivered' })
    expect(sent.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/)
    expect(stopOf(1).getAttribute('data-status')).toBe('delivered')
  })

  it('asks why before a failure, and "other" needs its words', async () => {
    const { client } = setup()
    await screen.findAllByTestId('stop')
    fireEvent.click(screen.getByRole('button', { name: 'Failed: Customer 2' }))
    fireEvent.click(within(stopOf(2)).getByRole('button', { name: 'Not home' }))
    await waitFor(() => expect(counter('failed')).toBe('1'))
    expect(client.requests[0]!.payload).toMatchObject({ ids: [2], status: 'failed', reason: 'not_home' })
    fireEvent.click(screen.getByRole('button', { name: 'Skip: Customer 3' }))
    fireEvent.click(within(stopOf(3)).getByRole('button', { name: 'Other…' }))
    fireEvent.click(within(stopOf(3)).getByRole('button', { name: 'Save' }))
    expect(within(stopOf(3)).getByText('Say what happened.')).toBeTruthy()
    expect(client.requests).toHaveLength(1)
    fireEvent.change(within(stopOf(3)).getByLabelText('What happened?'), { target: { value: 'gate locked' } })
    fireEvent.click(within(stopOf(3)).getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(counter('skipped')).toBe('1'))
    expect(client.requests[1]!.payload).toMatchObject({ ids: [3], status: 'skipped', reason: 'other', reasonText: 'gate locked' })
  })

  it('marks the rest delivered after a confirmation that states the count', async () => {
    const { client } = setup()
    await screen.findAllByTestId('stop')
    fireEvent.click(screen.getByRole('button', { name: 'Delivered: Customer 1' }))
    await waitFor(() => expect(counter('delivered')).toBe('1'))
    fireEvent.click(screen.getByTestId('mark-rest'))
    const dialog = screen.getByRole('alertdialog')
    expect(within(dialog).getByRole('heading').textContent).toBe('Mark 2 stops delivered?')
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(client.requests).toHaveLength(1)
    fireEvent.click(screen.getByTestId('mark-rest'))
    fireEvent.click(screen.getByTestId('confirm-ok'))
    await waitFor(() => expect(counter('delivered')).toBe('3'))
    expect(client.requests[1]!.payload).toMatchObject({ ids: [2, 3], status: 'delivered' })
    expect(screen.queryByTestId('mark-rest')).toBeNull()
  })

  it("shows another admin's change from the socket without refetching", async () => {
    const { client, server } = setup()
    await screen.findAllByTestId('stop')
    const changed = { ...server.stops[2]!.delivery, status: 'delivered' as const, updatedAt: '2026-12-01T02:00:00Z' }
    act(() => client.emit('delivery:updated', { seq: 11, at: '2026-12-01T02:00:00Z', delivery: changed, previousStatus: 'scheduled' }))
    await waitFor(() => expect(counter('delivered')).toBe('1'))
    expect(within(stopOf(3)).getByTestId('stop-balance').textContent).toBe('Owes ₹140.00')
    expect(screen.getAllByRole('heading', { level: 2 })[1]!.textContent).toBe('Koramangala · done')
  })

  it('keeps a change that did not reach the server as waiting to send, and sends it later with the same key', async () => {
    const { client, post, server, queue } = setup()
    await screen.findAllByTestId('stop')
    act(() => client.setState({ kind: 'polling', intervalMs: 60_000 }))
    post.mockRejectedValueOnce(new ApiError(0, { code: 'NETWORK', message: 'Cannot reach the server.' }))
    fireEvent.click(screen.getByRole('button', { name: 'Delivered: Customer 1' }))
    await waitFor(() => expect(within(stopOf(1)).getByText('Waiting to send')).toBeTruthy())
    // The counters count it already, marked as waiting to send; so does its area.
    expect(counter('delivered')).toBe('1')
    expect(counter('toDo')).toBe('2')
    expect(screen.getByTestId('counter-delivered-waiting').textContent).toBe('⏳ 1 waiting to send')
    expect(screen.getByTestId('counter-waiting').textContent).toBe('Includes 1 change waiting to send from this device.')
    expect(screen.getAllByRole('heading', { level: 2 })[0]!.textContent).toBe('Indiranagar · 1 of 2 left')
    await act(() => queue.drain())
    await waitFor(() => expect(screen.queryByTestId('counter-delivered-waiting')).toBeNull())
    expect(counter('delivered')).toBe('1')
    expect(counter('toDo')).toBe('2')
    expect(screen.queryByTestId('counter-waiting')).toBeNull()
    expect(post).toHaveBeenCalledTimes(2)
    const [first, second] = post.mock.calls as unknown as Array<[string, BulkStatus, { idempotencyKey: string }]>
    expect(second![1].idempotencyKey).toBe(first![1].idempotencyKey)
    expect(second![2].idempotencyKey).toBe(first![1].idempotencyKey)
    expect(second![1].expectedStatus).toBe('scheduled')
    expect(server.stops[0]!.delivery.status).toBe('delivered')
  })

  it('reports a stop the server refused on the stop itself', async () => {
    const { server } = setup()
    await screen.findAllByTestId('stop')
    // Someone else delivered it a moment ago; our view has not heard yet.
    server.stops[1]!.delivery = { ...server.stops[1]!.delivery, status: 'delivered' }
    fireEvent.click(screen.getByRole('button', { name: 'Delivered: Customer 2' }))
    const alert = await within(stopOf(2)).findByRole('alert')
    expect(alert.textContent).toContain('already marked delivered by Ada Admin at 07:12')
    expect(server.stops[1]!.delivery.status).toBe('delivered')
  })

  it('gives staff their own shifts and areas, nothing to generate and no vendor filter', async () => {
    window.history.replaceState(null, '', '/today?shift=morning')
    const { get } = setup('staff', { vendorId: 2, areaIds: [4, 7], shifts: ['morning'] })
    await screen.findAllByTestId('stop')
    expect(screen.getAllByRole('tab').map((t) => t.textContent)).toEqual(['Morning'])
    expect(screen.queryByTestId('generate-today')).toBeNull()
    expect(screen.queryByLabelText('Vendor')).toBeNull()
    // Staff may not list areas: the choices are the round's own.
    const areas = within(screen.getByLabelText('Area')).getAllByRole('option').map((o) => o.textContent)
    expect(areas).toEqual(['All areas', 'Indiranagar', 'Koramangala'])
    expect(get.mock.calls.map((c) => c[0])).not.toContain('/api/areas')
    expect(screen.queryByRole('link', { name: 'Customer 1' })).toBeNull()
  })

  it('asks before collecting a payment above the business threshold, in words and figures, and records nothing until confirmed', async () => {
    const { queue, get } = setup()
    const enqueue = vi.spyOn(queue, 'enqueue')
    await screen.findAllByTestId('stop')
    await waitFor(() => expect(get).toHaveBeenCalledWith('/api/settings'))
    fireEvent.click(within(stopOf(1)).getByRole('button', { name: 'Collect payment: Customer 1' }))
    const form = within(stopOf(1)).getByRole('form', { name: 'Collect payment: Customer 1' })
    fireEvent.change(within(form).getByLabelText('Amount'), { target: { value: '99999999' } })
    fireEvent.click(within(form).getByRole('button', { name: 'Save payment' }))
    const confirm = await within(stopOf(1)).findByRole('alertdialog')
    expect(confirm.textContent).toContain('₹9,99,99,999.00')
    expect(within(confirm).getByTestId('pay-confirm-words').textContent).toBe('Nine crore ninety-nine lakh ninety-nine thousand nine hundred ninety-nine rupees')
    expect(enqueue).not.toHaveBeenCalled()
    // Changing the amount drops the question; still nothing recorded.
    fireEvent.click(within(confirm).getByRole('button', { name: 'Change the amount' }))
    expect(within(stopOf(1)).queryByRole('alertdialog')).toBeNull()
    // The business's threshold (₹5,000 here), not a built-in one.
    fireEvent.change(within(form).getByLabelText('Amount'), { target: { value: '5000.01' } })
    fireEvent.click(within(form).getByRole('button', { name: 'Save payment' }))
    expect((await within(stopOf(1)).findByRole('alertdialog')).textContent).toContain('more than ₹5,000.00')
    expect(enqueue).not.toHaveBeenCalled()
    fireEvent.click(within(stopOf(1)).getByRole('button', { name: 'Yes, record ₹5,000.01' }))
    await waitFor(() => expect(enqueue).toHaveBeenCalledTimes(1))
    expect(enqueue.mock.calls[0]![1]).toMatchObject({ kind: 'payment', body: { customerId: 101, amountCents: 500_001, method: 'cash' } })
  })

  it('collects a payment at the threshold without asking', async () => {
    const { queue, get } = setup()
    const enqueue = vi.spyOn(queue, 'enqueue')
    await screen.findAllByTestId('stop')
    await waitFor(() => expect(get).toHaveBeenCalledWith('/api/settings'))
    fireEvent.click(within(stopOf(2)).getByRole('button', { name: 'Collect payment: Customer 2' }))
    fireEvent.change(within(stopOf(2)).getByLabelText('Amount'), { target: { value: '5000' } })
    fireEvent.click(within(stopOf(2)).getByRole('button', { name: 'Save payment' }))
    await waitFor(() => expect(enqueue).toHaveBeenCalledTimes(1))
    expect(enqueue.mock.calls[0]![1]).toMatchObject({ kind: 'payment', body: { customerId: 102, amountCents: 500_000 } })
    expect(screen.queryByRole('alertdialog')).toBeNull()
  })
})
