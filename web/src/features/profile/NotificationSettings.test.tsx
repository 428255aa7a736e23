import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ApiClient } from '../../lib/api'
import { ServicesProvider, type Services } from '../../lib/services'
import { SessionStore } from '../../lib/session'
import { ToastStore } from '../../lib/toast'
import type { NotificationPrefs } from '../../lib/types'
import { NotificationSettings } from './NotificationSettings'
import { urlBase64ToBytes } from './push'

const KEY = 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM'

function setup(prefs: NotificationPrefs) {
  let current = prefs
  // While held, a GET reads the prefs at once (as the server would) and answers on release.
  let held: Promise<void> | null = null
  const get = vi.fn(async (path: string) => {
    if (path === '/api/me/notifications') {
      const read = current
      if (held) await held
      return read
    }
    if (path === '/api/push/key') return { publicKey: KEY }
    throw new Error(`unexpected GET ${path}`)
  })
  const patch = vi.fn(async (_path: string, body: unknown) => {
    current = { ...current, kinds: { ...current.kinds, ...(body as NotificationPrefs).kinds } }
    return current
  })
  const post = vi.fn(async () => {
    current = { ...current, devices: current.devices + 1 }
    return { id: 1, endpoint: 'https://push.example/1', createdAt: '' }
  })
  const api = { get, post, patch, del: vi.fn() } as unknown as ApiClient
  const services: Services = { api, session: new SessionStore(), toasts: new ToastStore(), login: vi.fn(), refresh: vi.fn(), logout: vi.fn(), notice: () => null }
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  render(
    <ServicesProvider services={services}>
      <QueryClientProvider client={qc}>
        <NotificationSettings />
      </QueryClientProvider>
    </ServicesProvider>,
  )
  const holdGets = () => {
    let release = () => {}
    held = new Promise((r) => (release = r))
    return () => {
      held = null
      release()
    }
  }
  return { get, patch, post, qc, holdGets }
}

/** stubPush gives jsdom the browser's push APIs: permission answer, a registration whose subscribe is recorded. */
function stubPush(permission: NotificationPermission) {
  const subscribe = vi.fn(async () => ({
    endpoint: 'https://push.example/1',
    options: { applicationServerKey: urlBase64ToBytes(KEY).buffer },
    toJSON: () => ({ endpoint: 'https://push.example/1', expirationTime: null, keys: { p256dh: 'P', auth: 'A' } }),
    unsubscribe: vi.fn(),
  }))
  const reg = { pushManager: { getSubscription: vi.fn(async () => null), subscribe } }
  vi.stubGlobal('PushManager', function PushManager() {})
  vi.stubGlobal('Notification', { requestPermission: vi.fn(async () => permission) })
  Object.defineProperty(navigator, 'serviceWorker', {
    configurable: true,
    value: { getRegistration: vi.fn(async () => reg), register: vi.fn(), ready: Promise.resolve(reg) },
  })
  return { subscribe }
}

afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
  Reflect.deleteProperty(navigator, 'serviceWorker')
})

describe('NotificationSettings', () => {
  it('shows the role’s kinds and turns one off on the server', async () => {
    const { patch } = setup({ kinds: { large_payment: true, failed_deliveries: true, alerts: true }, devices: 0 })
    const box = await screen.findByRole('checkbox', { name: /Large payments/ })
    expect(screen.getAllByRole('checkbox')).toHaveLength(3)
    expect((box as HTMLInputElement).checked).toBe(true)
    fireEvent.click(box)
    await waitFor(() => expect(patch).toHaveBeenCalledWith('/api/me/notifications', { kinds: { large_payment: false } }))
    await waitFor(() => expect((screen.getByRole('checkbox', { name: /Large payments/ }) as HTMLInputElement).checked).toBe(false))
  })

  it('keeps a change once saved when a refetch begun before the save answers after it', async () => {
    const { patch, qc, holdGets } = setup({ kinds: { large_payment: true, failed_deliveries: true, alerts: true }, devices: 0 })
    const box = (await screen.findByRole('checkbox', { name: /Large payments/ })) as HTMLInputElement
    // A refetch of everything (as after the socket's resync) reads the old prefs and is slow to answer.
    const release = holdGets()
    void qc.invalidateQueries()
    await waitFor(() => expect(qc.isFetching()).toBeGreaterThan(0))
    fireEvent.click(box)
    await waitFor(() => expect(patch).toHaveBeenCalledTimes(1))
    await waitFor(() => expect(box.checked).toBe(false))
    release()
    await waitFor(() => expect(qc.isFetching()).toBe(0))
    expect((screen.getByRole('checkbox', { name: /Large payments/ }) as HTMLInputElement).checked).toBe(false)
  })

  it('enables push on this device with the server’s key and stores the subscription', async () => {
    const { subscribe } = stubPush('granted')
    const { post } = setup({ kinds: { round_changes: true }, devices: 0 })
    const button = await screen.findByRole('button', { name: 'Enable push on this device' })
    await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false))
    fireEvent.click(button)
    await screen.findByText('Push is on for this device.')
    const opts = (subscribe.mock.calls[0] as unknown as [PushSubscriptionOptionsInit])[0]
    expect(opts.userVisibleOnly).toBe(true)
    expect(Array.from(opts.applicationServerKey as Uint8Array)).toEqual(Array.from(urlBase64ToBytes(KEY)))
    expect(post).toHaveBeenCalledWith(
      '/api/push/subscriptions',
      { endpoint: 'https://push.example/1', keys: { p256dh: 'P', auth: 'A' }, expirationTime: null },
      { idempotencyKey: expect.any(String) },
    )
    expect(await screen.findByText('1 device receives your notifications.')).toBeTruthy()
  })

  it('says so when notifications are blocked, and stores nothing', async () => {
    stubPush('denied')
    const { post } = setup({ kinds: { round_changes: true }, devices: 0 })
    const button = await screen.findByRole('button', { name: 'Enable push on this device' })
    await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false))
    fireEvent.click(button)
    expect((await screen.findByRole('alert')).textContent).toMatch(/blocked/)
    expect(post).not.toHaveBeenCalled()
  })
})
