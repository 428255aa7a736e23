import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import type { ReactNode } from 'react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, type ApiClient, type WriteOptions } from '../../lib/api'
import { ServicesProvider, type Services } from '../../lib/services'
import { SessionStore } from '../../lib/session'
import { ToastStore } from '../../lib/toast'
import type { ListResponse, User } from '../../lib/types'
import { CreateUserForm, StaffSection, suspendSubject } from './UsersPage'

afterEach(cleanup)

const users: ListResponse<User> = {
  items: [
    { id: 2, email: 'v@x', name: 'Fresh Dairy', role: 'vendor', status: 'active', createdAt: '', updatedAt: '' },
    { id: 3, email: 'w@x', name: 'Other Dairy', role: 'vendor', status: 'active', createdAt: '', updatedAt: '' },
  ],
  total: 2,
}

function setup(post: (path: string, body: unknown, opts?: WriteOptions) => Promise<unknown>, ui: (onDone: () => void) => ReactNode) {
  const gets: Array<{ path: string; params: unknown }> = []
  const api: ApiClient = {
    get: (async (path: string, params?: unknown) => {
      gets.push({ path, params })
      if (path === '/api/users') return users
      if (path === '/api/areas') {
        const v = (params as { vendorId: number }).vendorId
        return { items: v === 2 ? [{ id: 4, vendorId: 2, name: 'Indiranagar', sortOrder: 1, createdAt: '', updatedAt: '' }, { id: 5, vendorId: 2, name: 'Koramangala', sortOrder: 2, createdAt: '', updatedAt: '' }] : [] }
      }
      throw new Error(`unexpected GET ${path}`)
    }) as ApiClient['get'],
    post: vi.fn(post) as unknown as ApiClient['post'],
    patch: vi.fn() as ApiClient['patch'],
  }
  const session = new SessionStore()
  session.set({ token: 't', user: { id: 1, email: 'a@x', name: 'Admin', role: 'admin', status: 'active', createdAt: '', updatedAt: '' } })
  const services: Services = { api, session, toasts: new ToastStore(), login: vi.fn(), refresh: vi.fn(), logout: vi.fn(), notice: () => null }
  const onDone = vi.fn()
  render(
    <ServicesProvider services={services}>
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>{ui(onDone)}</QueryClientProvider>
    </ServicesProvider>,
  )
  return { post: api.post as unknown as ReturnType<typeof vi.fn>, onDone, gets }
}

const type = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } })

describe('CreateUserForm', () => {
  it("creates a staff member for a vendor with that vendor's areas and the chosen shifts, and shows the server's field error", async () => {
    const bodies: unknown[] = []
    let fail = true
    const { onDone } = setup(
      async (_path, body) => {
        bodies.push(body)
        if (fail) {
          fail = false
          throw new ApiError(400, { code: 'INVALID', message: 'area 5 is not this vendor’s', field: 'areaIds' })
        }
        return { id: 9, email: 'priya@x', name: 'Priya', role: 'staff', status: 'active', createdAt: '', updatedAt: '' }
      },
      (done) => <CreateUserForm onDone={done} />,
    )
    type('Name', 'Priya')
    type('Email', 'priya@x')
    type('Password', 'longenough')
    type('Role', 'staff')
    // No vendor yet: refused before sending, named by field.
    fireEvent.click(screen.getByRole('button', { name: 'Create user' }))
    expect((await screen.findByRole('alert')).textContent).toBe('Vendor: Choose the vendor they work for.')
    await screen.findByRole('option', { name: 'Fresh Dairy' }, { timeout: 5000 })
    type('Vendor', '2')
    fireEvent.click(await screen.findByLabelText('Koramangala', undefined, { timeout: 5000 }))
    fireEvent.click(screen.getByLabelText('Evening'))
    fireEvent.click(screen.getByRole('button', { name: 'Create user' }))
    expect((await screen.findByText(/area 5 is not/)).textContent).toBe('Areas: area 5 is not this vendor’s')
    expect(screen.getByRole('group', { name: 'Areas' }).getAttribute('aria-invalid')).toBe('true')
    expect(onDone).not.toHaveBeenCalled()
    fireEvent.click(screen.getByLabelText('Indiranagar'))
    fireEvent.click(screen.getByLabelText('Koramangala'))
    fireEvent.click(screen.getByRole('button', { name: 'Create user' }))
    await waitFor(() => expect(onDone).toHaveBeenCalled(), { timeout: 5000 })
    const staff = { email: 'priya@x', name: 'Priya', role: 'staff', password: 'longenough', vendorId: 2, shifts: ['morning'] }
    expect(bodies).toEqual([
      { ...staff, areaIds: [5] },
      { ...staff, areaIds: [4] },
    ])
  })

  it('sends no staff fields for a vendor or admin', async () => {
    const { post, onDone } = setup(async () => ({ id: 9, email: 'a2@x', name: 'Ann', role: 'admin', status: 'active', createdAt: '', updatedAt: '' }), (done) => <CreateUserForm onDone={done} />)
    type('Name', 'Ann')
    type('Email', 'a2@x')
    type('Password', 'longenough')
    type('Role', 'admin')
    fireEvent.click(screen.getByRole('button', { name: 'Create user' }))
    await waitFor(() => expect(onDone).toHaveBeenCalled(), { timeout: 5000 })
    expect(post.mock.calls[0]![1]).toEqual({ email: 'a2@x', name: 'Ann', role: 'admin', password: 'longenough' })
  })
})

describe('suspendSubject', () => {
  it('names the user by role', () => {
    expect(suspendSubject('staff')).toBe('This staff member')
    expect(suspendSubject('vendor')).toBe('This vendor')
    expect(suspendSubject('admin')).toBe('This admin')
  })
})

describe('StaffSection (a vendor)', () => {
  it('lists its staff, adds one for its own vendor id without asking for a vendor, and warns before suspending', async () => {
    const staffUser: User = { id: 9, email: 'priya@x', name: 'Priya', role: 'staff', status: 'active', vendorId: 2, areaIds: [4], shifts: ['morning'], createdAt: '', updatedAt: '' }
    const { post, gets } = setupVendor([staffUser])
    await screen.findByText('Priya', undefined, { timeout: 5000 })
    fireEvent.click(screen.getByRole('button', { name: 'Suspend…' }))
    expect(screen.getByTestId('suspend-confirm-9').textContent).toContain('This staff member is signed out at once on every device')
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }))
    fireEvent.click(screen.getByRole('button', { name: 'New staff member' }))
    expect(screen.queryByLabelText('Role')).toBeNull()
    expect(screen.queryByLabelText('Vendor')).toBeNull()
    // Inside the Staff card, the form is not a card of its own.
    const form = screen.getByRole('form', { name: 'New staff member' })
    expect(form.classList.contains('card')).toBe(false)
    expect(form.closest('.card')?.getAttribute('data-testid')).toBe('staff-section')
    type('Name', 'Ravi')
    type('Email', 'ravi@x')
    type('Password', 'longenough')
    fireEvent.click(await screen.findByLabelText('Indiranagar', undefined, { timeout: 5000 }))
    fireEvent.click(screen.getByRole('button', { name: 'Create user' }))
    await waitFor(() => expect(post).toHaveBeenCalled(), { timeout: 5000 })
    expect(post.mock.calls[0]![1]).toEqual({ email: 'ravi@x', name: 'Ravi', role: 'staff', password: 'longenough', vendorId: 2, areaIds: [4], shifts: ['morning', 'evening'] })
    // The vendor list is never asked for: a vendor adds staff of its own.
    const usersRoles = gets.filter((g) => g.path === '/api/users').map((g) => (g.params as { role?: string }).role)
    expect(usersRoles.length).toBeGreaterThan(0)
    expect(usersRoles).not.toContain('vendor')
  })

  it('never asks for the vendor list, even when the form is not given the vendor id', async () => {
    const { post, gets } = setupVendor([], (done) => <CreateUserForm onDone={done} />)
    expect(screen.queryByLabelText('Role')).toBeNull()
    expect(screen.queryByLabelText('Vendor')).toBeNull()
    type('Name', 'Ravi')
    type('Email', 'ravi@x')
    type('Password', 'longenough')
    fireEvent.click(await screen.findByLabelText('Indiranagar', undefined, { timeout: 5000 }))
    fireEvent.click(screen.getByRole('button', { name: 'Create user' }))
    await waitFor(() => expect(post).toHaveBeenCalled(), { timeout: 5000 })
    expect(post.mock.calls[0]![1]).toMatchObject({ role: 'staff', vendorId: 2, areaIds: [4] })
    expect(gets.map((g) => g.path)).not.toContain('/api/users')
  })
})

function setupVendor(staff: User[], ui: (onDone: () => void) => ReactNode = () => <StaffSection />) {
  const gets: Array<{ path: string; params: unknown }> = []
  const api: ApiClient = {
    get: (async (path: string, params?: unknown) => {
      gets.push({ path, params })
      if (path === '/api/users') return { items: staff, total: staff.length }
      if (path === '/api/areas' && (params as { vendorId: number }).vendorId === 2)
        return { items: [{ id: 4, vendorId: 2, name: 'Indiranagar', sortOrder: 1, createdAt: '', updatedAt: '' }] }
      throw new Error(`unexpected GET ${path}`)
    }) as ApiClient['get'],
    post: vi.fn(async () => ({ id: 10, email: 'ravi@x', name: 'Ravi', role: 'staff', status: 'active', createdAt: '', updatedAt: '' })) as unknown as ApiClient['post'],
    patch: vi.fn() as ApiClient['patch'],
  }
  const session = new SessionStore()
  session.set({ token: 't', user: { id: 2, email: 'v@x', name: 'Fresh Dairy', role: 'vendor', status: 'active', createdAt: '', updatedAt: '' } })
  const services: Services = { api, session, toasts: new ToastStore(), login: vi.fn(), refresh: vi.fn(), logout: vi.fn(), notice: () => null }
  render(
    <ServicesProvider services={services}>
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>{ui(vi.fn())}</QueryClientProvider>
    </ServicesProvider>,
  )
  return { post: api.post as unknown as ReturnType<typeof vi.fn>, session, gets }
}
