// The Reports page writes dates the app's way: the list names months and
// days through lib/format, and "As of" reads and writes DD/MM/YYYY.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ApiClient } from '../../lib/api'
import { formatDayInput } from '../../lib/format'
import { SocketProvider } from '../../lib/realtime'
import { ServicesProvider, type Services } from '../../lib/services'
import { SessionStore } from '../../lib/session'
import { ToastStore } from '../../lib/toast'
import type { Report } from '../../lib/types'
import { FakeRealtimeClient } from '../../test/fakeClient'
import { describe as describeReport, ReportsPage } from './ReportsPage'

const report = (id: number, over: Partial<Report>): Report => ({
  id, kind: 'statements', params: {}, vendorId: 0, status: 'ready', done: 1, total: 1, requestedBy: 1, requestedByName: 'Ada',
  bytes: 2048, attempts: 1, createdAt: '2026-12-01T10:00:00Z', ...over,
})

function setup(reports: Report[] = []) {
  const post = vi.fn(async (_path: string, body: { kind: Report['kind']; params: Report['params'] }) => report(99, { ...body, status: 'queued', done: 0, total: 0 }))
  const api: ApiClient = {
    get: (async (path: string) => {
      if (path === '/api/reports') return { reports }
      if (path === '/api/users') return { items: [], total: 0 }
      throw new Error(`unexpected GET ${path}`)
    }) as ApiClient['get'],
    post: post as unknown as ApiClient['post'],
    patch: vi.fn() as ApiClient['patch'],
  }
  const session = new SessionStore()
  session.set({ token: 't', user: { id: 1, email: 'a@x', name: 'Admin', role: 'admin', status: 'active', createdAt: '', updatedAt: '' } })
  const services: Services = { api, session, toasts: new ToastStore(), login: vi.fn(), refresh: vi.fn(), logout: vi.fn(), notice: () => null }
  render(
    <ServicesProvider services={services}>
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <SocketProvider createClient={() => new FakeRealtimeClient()} vendorId={null}>
          <ReportsPage />
        </SocketProvider>
      </QueryClientProvider>
    </ServicesProvider>,
  )
  return { post }
}

afterEach(cleanup)

describe('Reports dates', { timeout: 30_000 }, () => {
  it('names months and days in the list as the rest of the app does, never as ISO dates', async () => {
    setup([report(1, { params: { month: '2026-11' } }), report(2, { kind: 'dues-ageing', params: { asOf: '2026-12-02' } })])
    const list = within(await screen.findByRole('region', { name: 'Reports' }, { timeout: 5000 }))
    await list.findByText('Statements November 2026', undefined, { timeout: 5000 })
    expect(list.getByText('Dues ageing as of 2 Dec 2026')).toBeTruthy()
    expect(list.getByRole('button', { name: 'Download Dues ageing as of 2 Dec 2026' })).toBeTruthy()
    expect(document.body.textContent).not.toMatch(/\d{4}-\d{2}/)
    expect(describeReport({ kind: 'vendor-settlement', params: { month: '2027-01' } })).toBe('Vendor settlement January 2027')
  })

  it('starts a dues ageing report as of a day typed DD/MM/YYYY, and refuses one in another order', async () => {
    const { post } = setup()
    const form = within(screen.getByRole('form', { name: 'New report' }))
    fireEvent.change(form.getByLabelText('Report'), { target: { value: 'dues-ageing' } })
    const asOf = form.getByLabelText('As of') as HTMLInputElement
    expect(asOf.type).toBe('text')
    expect(asOf.placeholder).toBe('DD/MM/YYYY')
    const d = new Date()
    const today = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
    expect(asOf.value).toBe(formatDayInput(today))

    fireEvent.change(asOf, { target: { value: '11/30/2026' } })
    fireEvent.click(form.getByRole('button', { name: 'Start report' }))
    const error = await form.findByRole('alert')
    expect(error.textContent).toBe('Enter the date as DD/MM/YYYY, e.g. 25/12/2026.')
    expect(post).not.toHaveBeenCalled()

    fireEvent.change(asOf, { target: { value: '30/11/2026' } })
    fireEvent.click(form.getByRole('button', { name: 'Start report' }))
    await waitFor(() => expect(post).toHaveBeenCalledTimes(1), { timeout: 5000 })
    expect(post.mock.calls[0]?.[1]).toEqual({ kind: 'dues-ageing', params: { asOf: '2026-11-30' } })
  })
})
