import { describe, expect, it } from 'vitest'
// The real worker script, as the browser loads it (importScripts('/sw-push.js')).
import source from '../../../public/sw-push.js?raw'

// pushsubscriptionchange in the service worker (public/sw-push.js): the
// script runs here against a worker global made of small stand-ins (the
// browser's push manager, a Web Lock manager, a BroadcastChannel bus where
// a test plays an open tab) and a fake server speaking the API's routes.

const SERVER_KEY = 'BDd3_hVL9fZi9Ybo2UUzA284WG5FZR30_95YeZJsiApwXKpNcF1rRPF3foIiBHXRdJI2Qhumhf6_LFTeZaNndIo'
const OTHER_KEY = 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM'

function bytes(b64: string): Uint8Array {
  const raw = atob(b64.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (b64.length % 4)) % 4))
  return Uint8Array.from(raw, (c) => c.charCodeAt(0))
}

interface Call {
  method: string
  path: string
  headers: Record<string, string>
  body: unknown
}

/** A channel bus: messages reach the other open channels of the same name, asynchronously. */
function channelBus() {
  const open = new Set<FakeChannel>()
  class FakeChannel {
    onmessage: ((e: { data: unknown }) => void) | null = null
    constructor(readonly name: string) {
      open.add(this)
    }
    postMessage(data: unknown) {
      for (const c of open) if (c !== this && c.name === this.name) setTimeout(() => c.onmessage?.({ data: structuredClone(data) }), 0)
    }
    close() {
      open.delete(this)
    }
  }
  return FakeChannel
}

class FakeSubscription {
  unsubscribed = false
  constructor(
    readonly endpoint: string,
    key: string,
  ) {
    this.options = { applicationServerKey: bytes(key).buffer as ArrayBuffer }
  }
  options: { applicationServerKey: ArrayBuffer }
  toJSON() {
    return { endpoint: this.endpoint, expirationTime: null, keys: { p256dh: 'p256-' + this.endpoint.slice(-3), auth: 'auth-' + this.endpoint.slice(-3) } }
  }
  async unsubscribe() {
    this.unsubscribed = true
    return true
  }
}

function worker({ cookie = true, current = null as FakeSubscription | null } = {}) {
  const calls: Call[] = []
  const locks: string[] = []
  const subscribed: Array<{ userVisibleOnly: boolean; applicationServerKey: Uint8Array }> = []
  const handlers: Record<string, (e: unknown) => void> = {}
  const Channel = channelBus()
  const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
  const self = {
    location: { origin: 'https://app.example.com' },
    crypto: globalThis.crypto,
    atob: (s: string) => atob(s),
    BroadcastChannel: Channel,
    navigator: {
      locks: {
        request: async (name: string, _opts: unknown, fn: () => Promise<unknown>) => {
          locks.push(name)
          return fn()
        },
      },
    },
    registration: {
      pushManager: {
        getSubscription: async () => current,
        subscribe: async (o: { userVisibleOnly: boolean; applicationServerKey: Uint8Array }) => {
          subscribed.push(o)
          return new FakeSubscription('https://push.example.net/new-sub', SERVER_KEY)
        },
      },
    },
    addEventListener: (type: string, fn: (e: unknown) => void) => (handlers[type] = fn),
    fetch: async (url: string, init: RequestInit = {}) => {
      const u = new URL(url)
      const method = init.method ?? 'GET'
      const headers = { ...(init.headers as Record<string, string>) }
      calls.push({ method, path: u.pathname + u.search, headers, body: init.body ? JSON.parse(String(init.body)) : undefined })
      if (u.origin !== 'https://app.example.com') return answer(400, { error: { code: 'INVALID' } })
      if (u.pathname === '/api/auth/refresh') {
        return cookie && headers['X-Livedesk-Session'] === 'cookie' && init.credentials === 'same-origin'
          ? answer(200, { token: 'refreshed-token', user: { id: 7, name: 'Priya', role: 'staff' }, sessionId: 's1' })
          : answer(401, { error: { code: 'UNAUTHORIZED' } })
      }
      const token = headers.Authorization?.replace(/^Bearer /, '')
      if (token !== 'tab-token' && token !== 'refreshed-token') return answer(401, { error: { code: 'UNAUTHORIZED' } })
      if (method !== 'GET' && !/^"[0-9a-f-]{36}"$/.test(headers['Idempotency-Key'] ?? '')) return answer(400, { error: { code: 'INVALID', field: 'Idempotency-Key' } })
      if (method === 'GET' && u.pathname === '/api/push/key') return answer(200, { publicKey: SERVER_KEY })
      if (method === 'POST' && u.pathname === '/api/push/subscriptions') return answer(201, { id: 3, endpoint: (calls.at(-1)!.body as { endpoint: string }).endpoint })
      if (method === 'DELETE' && u.pathname === '/api/push/subscriptions') return answer(200, { removed: true })
      return answer(404, { error: { code: 'NOT_FOUND' } })
    },
  }
  new Function('self', source)(self)
  /** tab plays an open, signed-in tab of the app: it answers "want" with its session. */
  const tab = () => {
    const ch = new Channel('livedesk-session')
    const seen: unknown[] = []
    ch.onmessage = (e) => {
      seen.push(e.data)
      if ((e.data as { t: string }).t === 'want') ch.postMessage({ t: 'session', from: 'tab-1', session: { token: 'tab-token', user: { id: 7 } } })
    }
    return seen
  }
  /** fire dispatches pushsubscriptionchange and resolves with what the worker's waitUntil resolved with. */
  const fire = (event: { oldSubscription?: FakeSubscription | null; newSubscription?: FakeSubscription | null }) => {
    let done: Promise<unknown> | undefined
    handlers.pushsubscriptionchange!({ ...event, waitUntil: (p: Promise<unknown>) => (done = p) })
    if (!done) throw new Error('pushsubscriptionchange did not call waitUntil')
    return done
  }
  return { self, calls, locks, subscribed, handlers, tab, fire }
}

const routes = (calls: Call[]) => calls.map((c) => `${c.method} ${c.path}`)

describe('pushsubscriptionchange in the service worker', () => {
  it('stores the new subscription with an open tab’s session, and removes the old one', async () => {
    const w = worker()
    w.tab()
    const old = new FakeSubscription('https://push.example.net/old-sub', SERVER_KEY)
    const next = new FakeSubscription('https://push.example.net/rotated', SERVER_KEY)
    await expect(w.fire({ oldSubscription: old, newSubscription: next })).resolves.toBe('resubscribed')
    expect(routes(w.calls)).toEqual(['GET /api/push/key', 'POST /api/push/subscriptions', `DELETE /api/push/subscriptions?endpoint=${encodeURIComponent(old.endpoint)}`])
    expect(w.calls[1]!.body).toEqual({ endpoint: next.endpoint, keys: { p256dh: 'p256-ted', auth: 'auth-ted' }, expirationTime: null })
    expect(w.calls.every((c) => c.headers.Authorization === 'Bearer tab-token')).toBe(true)
    expect(w.calls[1]!.headers['Idempotency-Key']).not.toBe(w.calls[2]!.headers['Idempotency-Key'])
    expect(w.subscribed).toEqual([]) // the browser's new subscription is used as it is
    expect(w.locks).toEqual([]) // no refresh: the tab's token was enough
  })

  it('with no tab open, refreshes under the tabs’ lock, hands the session over, and subscribes with the server’s key', async () => {
    const w = worker() // no tab answers
    const old = new FakeSubscription('https://push.example.net/expired', SERVER_KEY)
    // A tab that opens meanwhile hears the new session (its cookie is spent).
    const Channel = w.self.BroadcastChannel
    const heard: unknown[] = []
    const late = new Channel('livedesk-session')
    late.onmessage = (e) => heard.push(e.data)
    await expect(w.fire({ oldSubscription: old, newSubscription: null })).resolves.toBe('resubscribed')
    expect(routes(w.calls)).toEqual([
      'POST /api/auth/refresh',
      'GET /api/push/key',
      'POST /api/push/subscriptions',
      `DELETE /api/push/subscriptions?endpoint=${encodeURIComponent(old.endpoint)}`,
    ])
    expect(w.locks).toEqual(['livedesk-refresh'])
    expect(w.subscribed).toHaveLength(1)
    expect(w.subscribed[0]!.userVisibleOnly).toBe(true)
    expect([...w.subscribed[0]!.applicationServerKey]).toEqual([...bytes(SERVER_KEY)])
    expect(w.calls[2]!.body).toMatchObject({ endpoint: 'https://push.example.net/new-sub' })
    expect(w.calls.slice(1).every((c) => c.headers.Authorization === 'Bearer refreshed-token')).toBe(true)
    await new Promise((r) => setTimeout(r, 10))
    expect(heard).toContainEqual(expect.objectContaining({ t: 'session', session: expect.objectContaining({ token: 'refreshed-token', sessionId: 's1' }) }))
    late.close()
  })

  it('drops a subscription made with another server key and makes one with the server’s', async () => {
    const w = worker()
    w.tab()
    const stale = new FakeSubscription('https://push.example.net/stale', OTHER_KEY)
    await expect(w.fire({ oldSubscription: null, newSubscription: stale })).resolves.toBe('resubscribed')
    expect(stale.unsubscribed).toBe(true)
    expect([...w.subscribed[0]!.applicationServerKey]).toEqual([...bytes(SERVER_KEY)])
    // Nothing old to remove: the event had no old subscription.
    expect(routes(w.calls)).toEqual(['GET /api/push/key', 'POST /api/push/subscriptions'])
  })

  it('keeps the browser’s current subscription when the event names none (it was made with the server’s key)', async () => {
    const current = new FakeSubscription('https://push.example.net/current', SERVER_KEY)
    const w = worker({ current })
    w.tab()
    const old = new FakeSubscription('https://push.example.net/current', SERVER_KEY)
    await expect(w.fire({ oldSubscription: old })).resolves.toBe('resubscribed')
    expect(w.subscribed).toEqual([])
    // Same endpoint as the old one: stored again, not removed.
    expect(routes(w.calls)).toEqual(['GET /api/push/key', 'POST /api/push/subscriptions'])
  })

  it('does nothing when nobody is signed in on this browser', async () => {
    const w = worker({ cookie: false })
    const old = new FakeSubscription('https://push.example.net/old', SERVER_KEY)
    await expect(w.fire({ oldSubscription: old, newSubscription: null })).resolves.toBe('signed-out')
    expect(routes(w.calls)).toEqual(['POST /api/auth/refresh'])
    expect(w.subscribed).toEqual([])
  })

  it('fails the event when the server refuses the subscription (the browser may fire it again)', async () => {
    const w = worker()
    w.tab()
    const bad = new FakeSubscription('http://not-https.example.net/x', SERVER_KEY)
    const origFetch = w.self.fetch
    w.self.fetch = async (url: string, init?: RequestInit) =>
      new URL(url).pathname === '/api/push/subscriptions' && init?.method === 'POST'
        ? new Response(JSON.stringify({ error: { code: 'INVALID', field: 'endpoint' } }), { status: 400 })
        : origFetch(url, init)
    await expect(w.fire({ oldSubscription: null, newSubscription: bad })).rejects.toThrow('POST /api/push/subscriptions: 400')
  })
})
