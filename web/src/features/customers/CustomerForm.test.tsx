import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, cleanup, fireEvent, render, renderHook, screen, waitFor } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, type ApiClient, type WriteOptions } from '../../lib/api'
import { ServicesProvider, type Services } from '../../lib/services'
import { SessionStore } from '../../lib/session'
import { ToastStore } from '../../lib/toast'
import type { Customer, ListResponse, User } from '../../lib/types'
import { CustomerForm } from './CustomerForm'
import { useForm } from './formKit'

afterEach(cleanup)

const saved: Customer = {
  id: 41, name: 'Ravi Kumar', phone: '+91 98450 12345', email: '', address: '4 Park St', status: 'active', vendorId: 2, balanceCents: 0,
  createdAt: '2026-12-01T06:00:00Z', updatedAt: '2026-12-01T06:00:00Z', areaId: 0, position: 0, note: '',
}
const vendors: ListResponse<User> = { items: [{ id: 2, email: 'v@x', name: 'Fresh Dairy', role: 'vendor', status: 'active', createdAt: '', updatedAt: '' }], total: 1 }

function setup(post: (path: string, body: unknown, opts?: WriteOptions) => Promise<unknown>) {
  const api: ApiClient = {
    get: (async (path: string) => {
      if (path === '/api/users') return vendors
      if (path === '/api/areas') return { items: [{ id: 4, vendorId: 2, name: 'Indiranagar', sortOrder: 1, createdAt: '', updatedAt: '' }] }
      throw new Error(`unexpected GET ${path}`)
    }) as ApiClient['get'],
    post: vi.fn(post) as unknown as ApiClient['post'],
    patch: vi.fn() as ApiClient['patch'],
  }
  const session = new SessionStore()
  session.set({ token: 't', user: { id: 1, email: 'a@x', name: 'Admin', role: 'admin', status: 'active', createdAt: '', updatedAt: '' } })
  const services: Services = { api, session, toasts: new ToastStore(), login: vi.fn(), refresh: vi.fn(), logout: vi.fn(), notice: () => null }
  const onSaved = vi.fn()
  render(
    <ServicesProvider services={services}>
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <CustomerForm onSaved={onSaved} onCancel={vi.fn()} />
      </QueryClientProvider>
    </ServicesProvider>,
  )
  return { post: api.post as unknown as ReturnType<typeof vi.fn>, onSaved }
}

const type = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } })

describe('CustomerForm', () => {
  it('refuses what the server would refuse, without sending, and names the field', async () => {
    const { post } = setup(async () => saved)
    type('Phone', 'call me')
    fireEvent.click(screen.getByRole('button', { name: 'Save customer' }))
    expect(await screen.findByText('Name is required.', undefined, { timeout: 5000 })).toBeTruthy()
    expect(screen.getByText('Phone may contain only digits, spaces and + - ( ) .')).toBeTruthy()
    expect(screen.getByLabelText('Name').getAttribute('aria-invalid')).toBe('true')
    expect(post).not.toHaveBeenCalled()
    // Focus goes to the first field to fix.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('Name')), { timeout: 5000 })
  })

  it("puts the server's field error on the field, keeps the input and the key across retries, and lets a shared phone through", async () => {
    const attempts: Array<{ body: Record<string, unknown>; key: string | undefined }> = []
    const answers: Array<() => unknown> = [
      () => {
        throw new ApiError(409, { code: 'CONFLICT', message: 'Asha (customer #3) already has this phone', field: 'phone' })
      },
      () => {
        throw new ApiError(0, { code: 'NETWORK', message: 'Cannot reach the server. Check your connection.' })
      },
      () => saved,
    ]
    const { onSaved } = setup(async (_path, body, opts) => {
      attempts.push({ body: body as Record<string, unknown>, key: opts?.idempotencyKey })
      return answers[attempts.length - 1]!()
    })
    await screen.findByRole('option', { name: 'Fresh Dairy' }, { timeout: 5000 })
    type('Name', 'Ravi Kumar')
    type('Phone', '+91 98450 12345')
    type('Address', '4 Park St')
    type('Vendor', '2')
    fireEvent.click(screen.getByRole('button', { name: 'Save customer' }))

    const phoneError = await screen.findByText('Asha (customer #3) already has this phone', undefined, { timeout: 5000 })
    const phone = screen.getByLabelText('Phone') as HTMLInputElement
    expect(phone.getAttribute('aria-describedby')).toContain(phoneError.id)
    expect(phone.value).toBe('+91 98450 12345')
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('Ravi Kumar')
    expect(attempts[0]!.body.uniquePhone).toBe(true)

    fireEvent.click(screen.getByLabelText(/Save anyway/))
    fireEvent.click(screen.getByRole('button', { name: 'Save customer' }))
    expect(await screen.findByText('Cannot reach the server. Check your connection.', undefined, { timeout: 5000 })).toBeTruthy()
    expect((screen.getByLabelText('Address') as HTMLInputElement).value).toBe('4 Park St')

    fireEvent.click(screen.getByRole('button', { name: 'Save customer' }))
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(saved), { timeout: 5000 })
    expect(attempts).toHaveLength(3)
    expect(attempts[1]!.body.uniquePhone).toBeUndefined()
    expect(attempts[0]!.key).toBeTruthy()
    // One action, one key: every retry of this form sent the same one.
    expect(new Set(attempts.map((a) => a.key)).size).toBe(1)
  })
})

describe('useForm keys', () => {
  it('keeps the key after a failure, takes a new one after a success and after IDEMPOTENCY_KEY_REUSED', async () => {
    const { result } = renderHook(() => useForm({ a: '' }, ['a'] as const))
    const schema = (v: { a: string }) => ({ ok: true as const, value: v })
    const first = result.current.idempotencyKey
    await act(() => result.current.submit(schema, async () => Promise.reject(new ApiError(503, { code: 'UNAVAILABLE', message: 'busy' }))))
    expect(result.current.idempotencyKey).toBe(first)
    expect(result.current.formError).toBe('busy')
    await act(() => result.current.submit(schema, async () => Promise.reject(new ApiError(400, { code: 'INVALID', message: 'bad a', field: 'a' }))))
    expect(result.current.errors).toEqual({ a: 'bad a' })
    expect(result.current.idempotencyKey).toBe(first)
    const used: string[] = []
    await act(() => result.current.submit(schema, async (_b, key) => used.push(key)))
    expect(used).toEqual([first])
    const second = result.current.idempotencyKey
    expect(second).not.toBe(first)
    await act(() => result.current.submit(schema, async () => Promise.reject(new ApiError(422, { code: 'IDEMPOTENCY_KEY_REUSED', message: 'reused', field: 'idempotencyKey' }))))
    expect(result.current.idempotencyKey).not.toBe(second)
    expect(result.current.formError).toMatch(/may already be saved/)
  })
})
