import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ApiClient } from '../../lib/api'
import { SocketProvider } from '../../lib/realtime'
import { ServicesProvider, type Services } from '../../lib/services'
import { SessionStore } from '../../lib/session'
import { ToastStore } from '../../lib/toast'
import { FakeRealtimeClient } from '../../test/fakeClient'
import type { Customer, LedgerEntry, ListResponse, Payment, ReversalResult, Role } from '../../lib/types'
import { CustomerDrawer } from './CustomerDrawer'

const customer: Customer = {
  id: 1, name: 'Asha Rao', phone: '', email: '', address: '', status: 'active', vendorId: 2,
  balanceCents: 0, createdAt: '2026-11-25T10:00:00Z', updatedAt: '2026-11-25T10:00:00Z', areaId: 0, position: 0, note: '',
}
const payment = (id: number, over: Partial<Payment> = {}): Payment => ({
  id, customerId: 1, vendorId: 2, amountCents: 4500000, method: 'cash', reference: '', recordedBy: 1,
  createdAt: '2026-11-25T10:00:00Z', ...over,
})
const list = <T,>(items: T[]): ListResponse<T> => ({ items, total: items.length })
const ledger: LedgerEntry[] = [
  { id: 3, customerId: 1, kind: 'reversal', refId: 1, amountCents: 450000, balanceCents: 0, createdAt: '2026-11-25T10:05:00Z',
    reversalReason: 'typed 4,500 twice', reverses: { kind: 'payment', refId: 6 } },
  { id: 2, customerId: 1, kind: 'payment', refId: 6, amountCents: -450000, balanceCents: -450000, createdAt: '2026-11-25T10:01:00Z',
    reversedAt: '2026-11-25T10:05:00Z', reversalReason: 'typed 4,500 twice' },
]

function setup(role: Role) {
  const routes: Record<string, unknown> = {
    '/api/customers/1': customer,
    '/api/deliveries': list([]),
    '/api/payments': list([payment(5), payment(6, { amountCents: 450000, reversedAt: '2026-11-25T10:05:00Z', reversalReason: 'typed 4,500 twice' })]),
    '/api/customers/1/ledger': list(ledger),
  }
  const result: ReversalResult = {
    reversal: { id: 9, entity: 'payment', entityId: 5, customerId: 1, vendorId: 2, amountCents: 4500000, reason: 'typed 45,000 for 4,500', reversedBy: 1, createdAt: '2026-11-25T10:06:00Z' },
    customer: { id: 1, balanceCents: 4500000 }, payment: payment(5, { reversedAt: '2026-11-25T10:06:00Z', reversalReason: 'typed 45,000 for 4,500' }), created: true,
  }
  const post = vi.fn(async (_path: string, _body?: unknown) => result)
  const api: ApiClient = {
    get: (async (path: string) => {
      if (path in routes) return routes[path]
      throw new Error(`unexpected GET ${path}`)
    }) as ApiClient['get'],
    post: post as unknown as ApiClient['post'],
    patch: vi.fn() as ApiClient['patch'],
  }
  const session = new SessionStore()
  session.set({ token: 't', user: { id: role === 'admin' ? 1 : 2, email: 'x@example.com', name: 'X', role, status: 'active', createdAt: '', updatedAt: '' } })
  const services: Services = { api, session, toasts: new ToastStore(), login: vi.fn(), refresh: vi.fn(), logout: vi.fn(), notice: () => null }
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  const client = new FakeRealtimeClient()
  const onClose = vi.fn()
  render(
    <ServicesProvider services={services}>
      <QueryClientProvider client={qc}>
        <SocketProvider createClient={() => client} vendorId={role === 'vendor' ? 2 : null}>
          <CustomerDrawer id={1} vendorName={new Map([[2, 'Fresh Dairy']])} onClose={onClose} />
        </SocketProvider>
      </QueryClientProvider>
    </ServicesProvider>,
  )
  return { post, client, onClose, qc }
}

afterEach(cleanup)

describe('corrections in the customer drawer', () => {
  it('shows a reversed payment struck through with its reason, and lets an admin reverse another after a reason and a confirmation', async () => {
    const { post } = setup('admin')
    fireEvent.click(await screen.findByRole('tab', { name: 'Payments' }))
    const reversed = await screen.findByTestId('payment-6')
    expect(reversed.className).toContain('is-reversed')
    expect(within(reversed).getByTestId('reversed-note').textContent).toBe('Reversed: typed 4,500 twice')
    expect(within(reversed).queryByRole('button', { name: /Reverse/ })).toBeNull()

    const row = screen.getByTestId('payment-5')
    fireEvent.click(within(row).getByRole('button', { name: /Reverse payment/ }))
    // No reason: refused before anything is sent.
    fireEvent.click(within(row).getByRole('button', { name: 'Reverse…' }))
    expect(within(row).getByRole('alert').textContent).toMatch(/Say why/)
    fireEvent.change(within(row).getByLabelText('Reason'), { target: { value: '  typed 45,000 for 4,500 ' } })
    fireEvent.click(within(row).getByRole('button', { name: 'Reverse…' }))
    // The confirmation says what happens; nothing is sent until it is confirmed.
    const dialog = within(row).getByRole('alertdialog')
    expect(dialog.textContent).toMatch(/owes its amount again/)
    expect(post).not.toHaveBeenCalled()
    fireEvent.click(within(dialog).getByRole('button', { name: 'Confirm reversal' }))
    await waitFor(() => expect(post).toHaveBeenCalledTimes(1))
    const [path, body] = post.mock.calls[0] ?? []
    expect(path).toBe('/api/payments/5/reversal')
    expect(body).toMatchObject({ reason: 'typed 45,000 for 4,500' })
    expect((body as { idempotencyKey: string }).idempotencyKey).toMatch(/[0-9a-f-]{36}/)
  })

  it('shows the ledger with the reversed original struck through and the reversal naming it', async () => {
    setup('admin')
    fireEvent.click(await screen.findByRole('tab', { name: 'Ledger' }))
    const original = await screen.findByTestId('ledger-2')
    expect(original.className).toContain('is-reversed')
    expect(original.textContent).toContain('Reversed: typed 4,500 twice')
    expect(screen.getByTestId('ledger-3').textContent).toContain('Reversal of payment #6')
  })

  it('offers vendors no Reverse action', async () => {
    setup('vendor')
    fireEvent.click(await screen.findByRole('tab', { name: 'Payments' }))
    await screen.findByTestId('payment-5')
    expect(screen.queryByRole('button', { name: /Reverse/ })).toBeNull()
  })

  it('closes for the vendor that lost the customer, and stays open for an admin', async () => {
    const removed = { seq: 9, at: '', customerId: 1, vendorId: 2, reason: 'moved' }
    const admin = setup('admin')
    await screen.findByTestId('customer-detail')
    act(() => admin.client.emit('customer:removed', removed))
    expect(admin.onClose).not.toHaveBeenCalled()
    cleanup()
    const vendor = setup('vendor')
    await screen.findByTestId('customer-detail')
    act(() => vendor.client.emit('customer:removed', removed))
    expect(vendor.onClose).toHaveBeenCalledTimes(1)
    expect(vendor.qc.getQueryData(['customers', 'detail', 1])).toBeUndefined()
  })
})
