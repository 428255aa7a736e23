import { afterEach, describe, expect, it } from 'vitest'
import { FakeChannelHub, FakeLocks } from '../test/fakes'
import { AuthClient, SESSION_HEADER } from './auth'
import { SessionStore } from './session'

// cookieServer plays the server's side of the dashboard's cookie flow as
// strictly as the real one: the refresh cookie is HttpOnly (only the
// "browser" below holds it, never the page), single-use and rotated, and a
// spent one coming back ends the session. One browser's tabs share its jar.
function cookieServer() {
  const jar: { refresh: string | null } = { refresh: null }
  let live: string | null = null
  let n = 0
  let revoked = false
  const calls: Array<{ path: string; headers: Record<string, string>; credentials?: RequestCredentials }> = []
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status })
  const user = { id: 1, email: 'a@example.com', name: 'Ann', role: 'admin', status: 'active', createdAt: '', updatedAt: '' }
  const grant = () => {
    n += 1
    live = `r${n}`
    jar.refresh = live
    return json(200, { token: `access-${n}`, expiresAt: '2026-12-01T10:00:00Z', sessionId: 's1', user })
  }
  const fetch = async (url: string, init?: RequestInit): Promise<Response> => {
    const headers = (init?.headers ?? {}) as Record<string, string>
    calls.push({ path: url, headers, credentials: init?.credentials })
    await new Promise((r) => setTimeout(r, 5)) // the network: requests overlap
    if (headers[SESSION_HEADER] !== 'cookie') return json(400, { error: { code: 'INVALID', message: 'no cookie mode' } })
    switch (url) {
      case '/api/auth/login':
        revoked = false
        return grant()
      case '/api/auth/refresh':
        if (revoked || jar.refresh === null) return json(401, { error: { code: 'SESSION_REVOKED', message: 'ended' } })
        if (jar.refresh !== live) {
          revoked = true // a spent token: the family ends
          return json(401, { error: { code: 'SESSION_REVOKED', message: 'reused' } })
        }
        return grant()
      case '/api/auth/logout':
        revoked = true
        jar.refresh = null
        return json(200, { ok: true })
    }
    return json(404, { error: { code: 'NOT_FOUND', message: url } })
  }
  return {
    fetch: fetch as unknown as typeof globalThis.fetch,
    calls,
    jar,
    refreshes: () => calls.filter((c) => c.path === '/api/auth/refresh').length,
    isRevoked: () => revoked,
  }
}

function browser() {
  const server = cookieServer()
  const locks = new FakeLocks()
  const hub = new FakeChannelHub()
  const remoteLogouts: Array<string | null> = []
  const tab = (id: string) => {
    const session = new SessionStore({ restoring: true })
    const auth = new AuthClient({ session, fetch: server.fetch, locks, channel: hub.open(), tabId: id, askTimeoutMs: 30, onRemoteLogout: (r) => remoteLogouts.push(r) })
    return { session, auth }
  }
  return { server, tab, remoteLogouts }
}

afterEach(() => {
  localStorage.clear()
  sessionStorage.clear()
})

describe('AuthClient (the dashboard cookie flow)', () => {
  it('logs in in cookie mode and keeps no token anywhere a script could find it later', async () => {
    const b = browser()
    const a = b.tab('a')
    const res = await a.auth.login('a@example.com', 'pw')
    const login = b.server.calls[0]!
    expect(login.headers[SESSION_HEADER]).toBe('cookie')
    expect(login.credentials).toBe('same-origin')
    expect(res.refreshToken).toBeUndefined()
    expect(a.session.token()).toBe('access-1')
    expect(JSON.stringify(a.session.get())).not.toContain('r1')
    expect(localStorage.length + sessionStorage.length).toBe(0)
  })

  it('hands the session to new tabs without spending the refresh cookie', async () => {
    const b = browser()
    const a = b.tab('a')
    await a.auth.login('a@example.com', 'pw')
    const t2 = b.tab('b')
    const t3 = b.tab('c')
    await Promise.all([t2.auth.restore(), t3.auth.restore()])
    expect([t2.session.token(), t3.session.token()]).toEqual(['access-1', 'access-1'])
    expect(b.server.refreshes()).toBe(0)
  })

  it('a lone new tab restores the session with the cookie', async () => {
    const b = browser()
    await b.tab('a').auth.login('a@example.com', 'pw')
    // The first tab is gone (closed); its cookie remains.
    const lone = new SessionStore({ restoring: true })
    const auth = new AuthClient({ session: lone, fetch: b.server.fetch, locks: new FakeLocks(), channel: new FakeChannelHub().open(), askTimeoutMs: 20 })
    expect(lone.isRestoring()).toBe(true)
    await auth.restore()
    expect(lone.token()).toBe('access-2')
    expect(b.server.refreshes()).toBe(1)
    expect(b.server.isRevoked()).toBe(false)
  })

  it('three tabs refreshing at once spend the cookie once and share the new token', async () => {
    const b = browser()
    const tabs = [b.tab('a'), b.tab('b'), b.tab('c')]
    await tabs[0]!.auth.login('a@example.com', 'pw')
    await Promise.all(tabs.slice(1).map((t) => t.auth.restore()))
    const tokens = await Promise.all(tabs.map((t) => t.auth.refresh()))
    expect(b.server.refreshes()).toBe(1)
    expect(b.server.isRevoked()).toBe(false)
    expect(tokens).toEqual(['access-2', 'access-2', 'access-2'])
    expect(tabs.map((t) => t.session.token())).toEqual(['access-2', 'access-2', 'access-2'])
    // And again later: still one refresh per round, the session alive.
    await Promise.all(tabs.map((t) => t.auth.refresh()))
    expect(b.server.refreshes()).toBe(2)
    expect(b.server.isRevoked()).toBe(false)
  })

  it('a logout in one tab ends the session on the server and in every tab', async () => {
    const b = browser()
    const [a, t2] = [b.tab('a'), b.tab('b')]
    await a.auth.login('a@example.com', 'pw')
    await t2.auth.restore()
    await a.auth.logout()
    const out = b.server.calls.find((c) => c.path === '/api/auth/logout')
    expect(out?.headers.Authorization).toBe('Bearer access-1')
    expect([a.session.get(), t2.session.get()]).toEqual([null, null])
    expect(b.remoteLogouts).toEqual([null])
    expect(b.server.jar.refresh).toBeNull()
  })

  it('without a live cookie, restoring ends logged out', async () => {
    const b = browser()
    const a = b.tab('a')
    await a.auth.restore()
    expect(a.session.get()).toBeNull()
    expect(a.session.isRestoring()).toBe(false)
    await expect(a.auth.refresh()).rejects.toMatchObject({ status: 401, code: 'SESSION_REVOKED' })
  })

  it('keeps restoring while the server cannot be reached, then finds the session', async () => {
    const b = browser()
    await b.tab('a').auth.login('a@example.com', 'pw')
    let down = 2
    const flaky = (async (url: string, init?: RequestInit) => {
      if (down > 0) {
        down -= 1
        throw new TypeError('fetch failed')
      }
      return b.server.fetch(url, init)
    }) as unknown as typeof fetch
    const lone = new SessionStore({ restoring: true })
    const auth = new AuthClient({ session: lone, fetch: flaky, locks: new FakeLocks(), askTimeoutMs: 5, restoreRetryMs: [5, 5, 5] })
    await auth.restore()
    expect(lone.token()).toBe('access-2')
  })

  it('opens an offline session for the kept user at once when the server cannot be reached, and the real one when it can', async () => {
    const b = browser()
    await b.tab('a').auth.login('a@example.com', 'pw')
    let online = false
    const net = (async (url: string, init?: RequestInit) => {
      if (!online) throw new TypeError('fetch failed')
      return b.server.fetch(url, init)
    }) as unknown as typeof fetch
    let wake: () => void = () => undefined
    const lone = new SessionStore({ restoring: true })
    const kept = { id: 1, email: 'a@example.com', name: 'Ann', role: 'staff' as const, status: 'active' as const, createdAt: '', updatedAt: '' }
    const auth = new AuthClient({
      session: lone,
      fetch: net,
      locks: new FakeLocks(),
      askTimeoutMs: 5,
      restoreRetryMs: [60_000],
      offlineUser: async () => kept,
      waitOnline: () => new Promise<void>((r) => (wake = r)),
    })
    await auth.restore()
    expect(lone.get()).toEqual({ token: '', user: kept, offline: true })
    online = true
    wake()
    for (let i = 0; i < 50 && lone.get()?.offline; i++) await new Promise((r) => setTimeout(r, 5))
    expect(lone.get()?.offline).toBeUndefined()
    expect(lone.token()).toBe('access-2')
  })

  it('without kept data, a server that cannot be reached is not an offline session', async () => {
    const lone = new SessionStore({ restoring: true })
    const down = (async () => {
      throw new TypeError('fetch failed')
    }) as unknown as typeof fetch
    const auth = new AuthClient({ session: lone, fetch: down, askTimeoutMs: 5, restoreRetryMs: [5], offlineUser: async () => null })
    await auth.restore()
    expect(lone.get()).toBeNull()
  })
})
