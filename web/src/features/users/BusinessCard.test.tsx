import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, type ApiClient } from '../../lib/api'
import { formatMoney, setMoneyCurrency } from '../../lib/format'
import { ServicesProvider, type Services } from '../../lib/services'
import { SessionStore } from '../../lib/session'
import { ToastStore } from '../../lib/toast'
import type { Settings } from '../../lib/types'
import { BusinessCard } from './BusinessCard'
import { businessChanges } from './business'

const defaults: Settings = { confirmAboveCents: 1_000_000, businessName: 'Livedesk', currency: 'INR', defaultCreditLimitCents: 500_000 }

function setup(refuse?: (body: Partial<Settings>) => ApiError | null) {
  let server = { ...defaults }
  const get = vi.fn(async () => server)
  const patch = vi.fn(async (_path: string, body: Partial<Settings>) => {
    const err = refuse?.(body)
    if (err) throw err
    server = { ...server, ...body }
    return server
  })
  const api: ApiClient = { get: get as unknown as ApiClient['get'], post: vi.fn() as ApiClient['post'], patch: patch as unknown as ApiClient['patch'] }
  const session = new SessionStore()
  session.set({ token: 't', user: { id: 1, email: 'ada@example.com', name: 'Ada', role: 'admin', status: 'active', createdAt: '', updatedAt: '' } })
  const services: Services = { api, session, toasts: new ToastStore(), login: vi.fn(), refresh: vi.fn(), logout: vi.fn(), notice: () => null }
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  render(
    <ServicesProvider services={services}>
      <QueryClientProvider client={qc}>
        <BusinessCard />
      </QueryClientProvider>
    </ServicesProvider>,
  )
  return { patch }
}

afterEach(() => {
  cleanup()
  setMoneyCurrency('INR')
})

describe('businessChanges', () => {
  it('sends only what changed, trimmed and in upper case, and says what it does', () => {
    expect(businessChanges(defaults, { businessName: ' Livedesk ', currency: 'inr' })).toEqual({ patch: {}, changes: [] })
    const { patch, changes } = businessChanges(defaults, { businessName: ' Nandini Dairy ', currency: 'usd' })
    expect(patch).toEqual({ businessName: 'Nandini Dairy', currency: 'USD' })
    expect(changes.map((c) => c.field)).toEqual(['businessName', 'currency'])
    expect(changes[1]!.text).toContain('₹1,23,456.50 reads $123,456.50')
    expect(changes[1]!.text).toContain('not converted')
  })
})

describe('BusinessCard', () => {
  it('confirms what changes, then saves only that', async () => {
    const { patch } = setup()
    await waitFor(() => expect((screen.getByTestId('business-name') as HTMLInputElement).value).toBe('Livedesk'))
    fireEvent.change(screen.getByTestId('business-currency'), { target: { value: 'eur' } })
    expect((screen.getByTestId('business-currency') as HTMLInputElement).value).toBe('EUR')
    expect(screen.getByTestId('currency-sample').textContent).toBe('Amounts would read €123,456.50.')
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    const confirm = await screen.findByTestId('business-confirm')
    expect(confirm.textContent).toContain('in EUR instead of INR')
    expect(patch).not.toHaveBeenCalled()
    fireEvent.click(screen.getByTestId('business-confirm-yes'))
    await screen.findByTestId('business-saved')
    expect(patch).toHaveBeenCalledTimes(1)
    expect(patch.mock.calls[0]![1]).toEqual({ currency: 'EUR' })
    expect(screen.getByTestId('business-saved').textContent).toContain('Amounts are now written in EUR.')
  })

  it('keeps what was typed when the server refuses it, marking the field it names', async () => {
    setup((body) => (body.currency === 'XYZ' ? new ApiError(400, { code: 'INVALID', field: 'currency', message: 'currency must be an ISO 4217 code of a currency with two decimals, such as INR, USD or EUR' }) : null))
    await waitFor(() => expect((screen.getByTestId('business-name') as HTMLInputElement).value).toBe('Livedesk'))
    fireEvent.change(screen.getByTestId('business-name'), { target: { value: 'Nandini Dairy' } })
    fireEvent.change(screen.getByTestId('business-currency'), { target: { value: 'XYZ' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    fireEvent.click(await screen.findByTestId('business-confirm-yes'))
    expect((await screen.findByTestId('business-error')).textContent).toMatch(/ISO 4217/)
    expect((screen.getByTestId('business-currency') as HTMLInputElement).value).toBe('XYZ')
    expect((screen.getByTestId('business-name') as HTMLInputElement).value).toBe('Nandini Dairy')
    expect(screen.getByTestId('business-currency').getAttribute('aria-invalid')).toBe('true')
    expect(screen.getByTestId('business-name').getAttribute('aria-invalid')).toBe('false')
  })

  it('refuses an empty name before asking the server', async () => {
    const { patch } = setup()
    await waitFor(() => expect((screen.getByTestId('business-name') as HTMLInputElement).value).toBe('Livedesk'))
    fireEvent.change(screen.getByTestId('business-name'), { target: { value: '   ' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    expect((await screen.findByTestId('business-error')).textContent).toMatch(/business name/)
    expect(screen.getByTestId('business-name').getAttribute('aria-invalid')).toBe('true')
    expect(screen.queryByTestId('business-confirm')).toBeNull()
    expect(patch).not.toHaveBeenCalled()
  })
})

describe('the one money formatter', () => {
  it('follows the business currency', () => {
    expect(formatMoney(123_456_50)).toBe('₹1,23,456.50')
    expect(setMoneyCurrency('USD')).toBe(true)
    expect(formatMoney(123_456_50)).toBe('$123,456.50')
    expect(setMoneyCurrency('not a code')).toBe(false)
    expect(formatMoney(-5000)).toBe('-$50.00')
    setMoneyCurrency('INR')
    expect(formatMoney(123_456_50)).toBe('₹1,23,456.50')
  })
})
