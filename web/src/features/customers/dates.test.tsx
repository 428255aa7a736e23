// The customer forms' date fields read and write DD/MM/YYYY whatever the
// browser's locale (no native date input), send YYYY-MM-DD, and ask for a
// wrong date in the same order.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ApiClient } from '../../lib/api'
import { SocketProvider } from '../../lib/realtime'
import { ServicesProvider, type Services } from '../../lib/services'
import { SessionStore } from '../../lib/session'
import { ToastStore } from '../../lib/toast'
import type { Customer, Subscription } from '../../lib/types'
import { FakeRealtimeClient } from '../../test/fakeClient'
import { formatDayInput, isoDay } from '../../lib/format'
import { CustomerDrawer } from './CustomerDrawer'
import { addDays } from './drawerData'

// The business's today is the browser's (the forms' first render uses it before the stats load).
const TODAY = isoDay(new Date())
const TOMORROW = addDays(TODAY, 1)
const customer: Customer = {
  id: 1, name: 'Asha Rao', phone: '', email: '', address: '', status: 'active', vendorId: 2, balanceCents: 0,
  createdAt: '2026-11-25T10:00:00Z', updatedAt: '2026-11-25T10:00:00Z', areaId: 0, position: 0, note: '',
}
const sub: Subscription = {
  id: 5, customerId: 1, vendorId: 2, productId: 3, productName: 'Buffalo milk', unit: 'litre', quantity: 2, frequency: 'daily', days: [],
  shift: 'morning', startsOn: TODAY, status: 'active', pauses: [], createdAt: '', updatedAt: '',
}
const product = { id: 3, vendorId: 2, name: 'Buffalo milk', unit: 'litre', priceCents: 6_500, active: true, createdAt: '', updatedAt: '' }

function setup(subs: Subscription[] = []) {
  const api: ApiClient = {
    get: (async (path: string) => {
      switch (path) {
        case '/api/customers/1':
          return customer
        case '/api/subscriptions':
          return { items: subs, total: subs.length }
        case '/api/products':
          return { items: [product], total: 1 }
        case '/api/customers/1/rates':
        case '/api/areas':
          return { items: [] }
        case '/api/deliveries':
        case '/api/payments':
        case '/api/customers/1/ledger':
          return { items: [], total: 0 }
        case '/api/stats':
          return { today: TODAY }
        case '/api/settings':
          return { confirmAboveCents: 1_000_000 }
      }
      throw new Error(`unexpected GET ${path}`)
    }) as ApiClient['get'],
    post: vi.fn(async (path: string, body: Record<string, unknown>) => {
      if (path === '/api/deliveries') return { id: 70, customerId: 1, vendorId: 2, status: 'scheduled', note: '', createdAt: '', updatedAt: '', ...body }
      return sub
    }) as unknown as ApiClient['post'],
    patch: vi.fn() as ApiClient['patch'],
  }
  const session = new SessionStore()
  session.set({ token: 't', user: { id: 1, email: 'a@x', name: 'Admin', role: 'admin', status: 'active', createdAt: '', updatedAt: '' } })
  const services: Services = { api, session, toasts: new ToastStore(), login: vi.fn(), refresh: vi.fn(), logout: vi.fn(), notice: () => null }
  render(
    <ServicesProvider services={services}>
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <SocketProvider createClient={() => new FakeRealtimeClient()} vendorId={null}>
          <CustomerDrawer id={1} vendorName={new Map([[2, 'Fresh Dairy']])} onClose={vi.fn()} />
        </SocketProvider>
      </QueryClientProvider>
    </ServicesProvider>,
  )
  return { post: api.post as unknown as ReturnType<typeof vi.fn> }
}

const type = (input: HTMLElement, value: string) => fireEvent.change(input, { target: { value } })

afterEach(cleanup)

describe('date fields of the customer forms', { timeout: 30_000 }, () => {
  it('adds a subscription with days typed DD/MM/YYYY, sent as YYYY-MM-DD', async () => {
    const { post } = setup()
    fireEvent.click(await screen.findByRole('button', { name: 'Add subscription' }, { timeout: 5000 }))
    const form = within(screen.getByTestId('subscription-form'))
    await waitFor(() => expect(form.getByText('Buffalo milk (litre)')).toBeTruthy(), { timeout: 5000 })
    fireEvent.change(form.getByLabelText('Product'), { target: { value: '3' } })
    const starts = form.getByLabelText('Starts on') as HTMLInputElement
    const ends = form.getByLabelText('Ends on') as HTMLInputElement
    for (const el of [starts, ends]) expect(el.type).toBe('text')
    await waitFor(() => expect(starts.value).toBe(formatDayInput(TODAY)))
    expect(starts.placeholder).toBe('DD/MM/YYYY')
    type(starts, '5/12/2030')
    type(ends, '31.12.2030')
    fireEvent.click(form.getByRole('button', { name: 'Add subscription' }))
    await waitFor(() => expect(post).toHaveBeenCalledTimes(1), { timeout: 5000 })
    expect(post.mock.calls[0]?.[0]).toBe('/api/subscriptions')
    expect(post.mock.calls[0]?.[1]).toMatchObject({ startsOn: '2030-12-05', endsOn: '2030-12-31' })
  })

  it('refuses a day in another order, asking for DD/MM/YYYY, and sends nothing', async () => {
    const { post } = setup()
    fireEvent.click(await screen.findByRole('button', { name: 'Add subscription' }, { timeout: 5000 }))
    const form = within(screen.getByTestId('subscription-form'))
    await waitFor(() => expect(form.getByText('Buffalo milk (litre)')).toBeTruthy(), { timeout: 5000 })
    fireEvent.change(form.getByLabelText('Product'), { target: { value: '3' } })
    const ends = form.getByLabelText('Ends on')
    type(ends, '12/31/2026') // a US browser's order
    fireEvent.click(form.getByRole('button', { name: 'Add subscription' }))
    const error = await form.findByText(/DD\/MM\/YYYY/)
    expect(error.textContent).not.toMatch(/YYYY-MM-DD/)
    expect(ends.getAttribute('aria-invalid')).toBe('true')
    expect(ends.getAttribute('aria-describedby')).toContain(error.id)
    expect((ends as HTMLInputElement).value).toBe('12/31/2026') // kept as typed, to fix
    expect(post).not.toHaveBeenCalled()
  })

  it('pauses a subscription with days typed DD/MM/YYYY', async () => {
    const { post } = setup([sub])
    const row = within(await screen.findByTestId('subscription-5', undefined, { timeout: 5000 }))
    fireEvent.click(row.getByRole('button', { name: 'Pause Buffalo milk' }))
    const form = within(row.getByRole('form', { name: 'Pause Buffalo milk' }))
    const from = form.getByLabelText('From') as HTMLInputElement
    const to = form.getByLabelText('To') as HTMLInputElement
    await waitFor(() => expect(from.value).toBe(formatDayInput(TOMORROW)), { timeout: 5000 })
    expect(to.type).toBe('text')
    type(to, '2030-13-01')
    fireEvent.click(form.getByRole('button', { name: 'Save pause' }))
    expect((await form.findByText(/DD\/MM\/YYYY/)).textContent).toBe('Enter the last day of the pause as DD/MM/YYYY.')
    expect(post).not.toHaveBeenCalled()
    type(to, formatDayInput(addDays(TODAY, 6)))
    fireEvent.click(form.getByRole('button', { name: 'Save pause' }))
    await waitFor(() => expect(post).toHaveBeenCalledTimes(1), { timeout: 5000 })
    expect(post.mock.calls[0]?.slice(0, 2)).toEqual(['/api/subscriptions/5/pauses', { from: TOMORROW, to: addDays(TODAY, 6) }])
  })

  it('schedules a one-off delivery on a day typed DD/MM/YYYY, and asks again for a day that does not exist', async () => {
    const { post } = setup()
    fireEvent.click(await screen.findByRole('button', { name: 'Schedule a delivery' }, { timeout: 5000 }))
    const form = within(screen.getByTestId('oneoff-form'))
    const date = form.getByLabelText('Date') as HTMLInputElement
    expect(date.type).toBe('text')
    await waitFor(() => expect(date.value).toBe(formatDayInput(TOMORROW)), { timeout: 5000 })
    type(form.getByLabelText('What to deliver'), 'Paneer')
    type(form.getByLabelText('Amount'), '180')
    type(date, '31/02/2030')
    fireEvent.click(form.getByRole('button', { name: 'Schedule delivery' }))
    expect((await form.findByText(/DD\/MM\/YYYY/)).textContent).toBe('Enter the date as DD/MM/YYYY, e.g. 25/12/2026.')
    expect(post).not.toHaveBeenCalled()
    type(date, '10/12/2030')
    fireEvent.click(form.getByRole('button', { name: 'Schedule delivery' }))
    await waitFor(() => expect(post).toHaveBeenCalledTimes(1), { timeout: 5000 })
    expect(post.mock.calls[0]?.[1]).toMatchObject({ scheduledFor: '2030-12-10', items: 'Paneer', amountCents: 18_000 })
    expect((await form.findByRole('status')).textContent).toContain('10 Dec 2030')
  })
})
