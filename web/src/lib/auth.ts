import { ApiError } from './api'
import { SessionStore, toSession, type Session } from './session'
import type { ChannelLike, LockManagerLike } from './tabs'
import type { ApiErrorBody, AuthResponse, User } from './types'

// The dashboard's side of the session. The refresh token lives in an
// HttpOnly, SameSite=Strict cookie that only POST /api/auth/refresh
// receives; the access token lives in memory. The server spends a refresh
// token once and ends the whole session when a spent one comes back, so the
// tabs of a browser must never refresh at the same time with the same
// cookie: refreshes run one at a time under a Web Lock, and every new
// session is handed to the other tabs over a BroadcastChannel, so that a
// tab that was waiting for the lock finds a fresh token and does not spend
// the cookie again. A new tab first asks the others for the session and
// only refreshes when none answers.

/** The header that asks the server for the refresh cookie (and proves a same-origin script sent the request). */
export const SESSION_HEADER = 'X-Livedesk-Session'

export type AuthMessage =
  | { t: 'want'; from: string }
  | { t: 'session'; from: string; session: Session }
  | { t: 'logout'; from: string; reason: string | null }

export interface AuthDeps {
  session: SessionStore
  fetch?: typeof fetch
  baseUrl?: string
  locks?: LockManagerLike | null
  channel?: ChannelLike | null
  tabId?: string
  /** Another tab logged out, or its session was refused: this tab is logged out too. */
  onRemoteLogout?(reason: string | null): void
  /** How long a new tab waits for another tab's session before refreshing (default 150 ms). */
  askTimeoutMs?: number
  /** Delays between attempts to restore the session while the server cannot be reached (default 1, 2, 4, 8 s). */
  restoreRetryMs?: number[]
  /**
   * The user whose data this browser kept for offline use (the service
   * worker's copy of GET /api/me), or null. When the server cannot be
   * reached at page load, the tab opens an offline session for that user
   * at once and keeps trying to restore the real one (issue 17).
   */
  offlineUser?(): Promise<User | null>
  /** Resolves when the browser reports it is online again (or after ms). */
  waitOnline?(ms: number): Promise<void>
}

export class AuthClient {
  private readonly deps: AuthDeps
  private readonly tabId: string
  private readonly doFetch: typeof fetch
  private refreshing: Promise<string> | null = null

  constructor(deps: AuthDeps) {
    this.deps = deps
    this.tabId = deps.tabId ?? Math.random().toString(36).slice(2)
    this.doFetch = deps.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args))
    deps.channel?.addEventListener('message', (ev) => this.onMessage(ev.data as AuthMessage))
  }

  /** login signs in; the refresh token comes back as a cookie only. */
  async login(email: string, password: string): Promise<AuthResponse> {
    const res = await this.post<AuthResponse>('/api/auth/login', { email, password })
    this.adopt(toSession(res))
    return res
  }

  /**
   * restore finds the session this browser may have at page load: from
   * another tab, else by spending the refresh cookie. It resolves with null
   * (and leaves the tab logged out) when there is none.
   */
  async restore(): Promise<Session | null> {
    const { channel, askTimeoutMs = 150 } = this.deps
    // Another tab may have handed its session over already (answering a
    // third tab's question).
    if (this.deps.session.get()) return this.deps.session.get()
    if (channel) {
      const got = new Promise<boolean>((resolve) => {
        const unsubscribe = this.deps.session.subscribe((s) => {
          unsubscribe()
          resolve(s !== null)
        })
        setTimeout(() => {
          unsubscribe()
          resolve(this.deps.session.get() !== null)
        }, askTimeoutMs)
      })
      channel.postMessage({ t: 'want', from: this.tabId } satisfies AuthMessage)
      if (await got) return this.deps.session.get()
    }
    // A server that cannot be reached (or fails) at page load is not a
    // logout: retry for a while before showing the login page.
    const delays = this.deps.restoreRetryMs ?? [1_000, 2_000, 4_000, 8_000]
    for (let attempt = 0; ; attempt++) {
      try {
        await this.refresh()
        return this.deps.session.get()
      } catch (err) {
        const transient = err instanceof ApiError && (err.status === 0 || err.status >= 500)
        if (transient && attempt === 0 && (await this.openOffline())) return this.deps.session.get()
        if (!transient || attempt >= delays.length || this.deps.session.get()) break
        await new Promise((r) => setTimeout(r, delays[attempt]))
        if (this.deps.session.get()) return this.deps.session.get() // another tab found it meanwhile
      }
    }
    if (!this.deps.session.get()) this.deps.session.set(null)
    return this.deps.session.get()
  }

  /**
   * openOffline opens an offline session for the user whose data this
   * browser kept, and keeps trying to restore the real session behind it:
   * every few seconds and whenever the browser is back online.
   */
  private async openOffline(): Promise<boolean> {
    const user = await this.deps.offlineUser?.().catch(() => null)
    if (!user || this.deps.session.get()) return false
    this.deps.session.set({ token: '', user, offline: true })
    void this.keepRestoring()
    return true
  }

  private async keepRestoring(): Promise<void> {
    const wait = this.deps.waitOnline ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
    for (let attempt = 0; ; attempt++) {
      await wait(Math.min(1_000 * 2 ** attempt, 10_000))
      const s = this.deps.session.get()
      if (!s?.offline) return // signed out, or another tab handed a session over
      try {
        await this.refresh()
        return
      } catch (err) {
        const transient = err instanceof ApiError && (err.status === 0 || err.status >= 500)
        if (!transient) {
          // The server answered: there is no session to restore (signed out
          // elsewhere, expired). The kept changes wait for the next sign-in.
          this.deps.session.set(null)
          return
        }
      }
    }
  }

  /** refresh renews the access token (one at a time per browser) and returns it. */
  refresh(): Promise<string> {
    this.refreshing ??= this.refreshOnce().finally(() => {
      this.refreshing = null
    })
    return this.refreshing
  }

  /** logout ends the session on the server (best effort) and in every tab. */
  async logout(reason: string | null = null): Promise<void> {
    const token = this.deps.session.token()
    this.deps.session.set(null)
    this.deps.channel?.postMessage({ t: 'logout', from: this.tabId, reason } satisfies AuthMessage)
    if (token && reason === null) {
      try {
        await this.post('/api/auth/logout', undefined, token)
      } catch {
        // Offline: the session ends by itself when its tokens expire; this
        // tab has forgotten it already.
      }
    }
  }

  private async refreshOnce(): Promise<string> {
    const before = this.deps.session.token()
    const run = async (): Promise<string> => {
      // Another tab may have refreshed while this one waited for the lock.
      const now = this.deps.session.token()
      if (now && now !== before) return now
      const res = await this.post<AuthResponse>('/api/auth/refresh', undefined)
      this.adopt(toSession(res))
      return res.token
    }
    const locks = this.deps.locks
    if (!locks) return run()
    return new Promise<string>((resolve, reject) => {
      void locks.request('livedesk-refresh', { mode: 'exclusive' }, async () => {
        try {
          resolve(await run())
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)))
        }
      })
    })
  }

  /** adopt makes s this tab's session and hands it to the other tabs. */
  private adopt(s: Session): void {
    this.deps.session.set(s)
    this.deps.channel?.postMessage({ t: 'session', from: this.tabId, session: s } satisfies AuthMessage)
  }

  private onMessage(msg: AuthMessage): void {
    if (!msg || typeof msg !== 'object' || msg.from === this.tabId) return
    switch (msg.t) {
      case 'want': {
        const s = this.deps.session.get()
        // An offline session has no token to hand over.
        if (s && !s.offline) this.deps.channel?.postMessage({ t: 'session', from: this.tabId, session: s } satisfies AuthMessage)
        break
      }
      case 'session':
        if (msg.session?.token && msg.session.token !== this.deps.session.token()) this.deps.session.set(msg.session)
        break
      case 'logout':
        if (this.deps.session.get() !== null || this.deps.session.isRestoring()) {
          this.deps.session.set(null)
          this.deps.onRemoteLogout?.(msg.reason)
        }
        break
    }
  }

  private async post<T>(path: string, body: unknown, bearer?: string): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json', [SESSION_HEADER]: 'cookie' }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    if (bearer) headers.Authorization = `Bearer ${bearer}`
    let res: Response
    try {
      res = await this.doFetch((this.deps.baseUrl ?? '') + path, {
        method: 'POST',
        headers,
        credentials: 'same-origin',
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    } catch {
      throw new ApiError(0, { code: 'NETWORK', message: 'Cannot reach the server. Check your connection.' })
    }
    const text = await res.text()
    let data: unknown
    try {
      data = text ? JSON.parse(text) : undefined
    } catch {
      data = undefined
    }
    if (res.ok) return data as T
    const e = (data as { error?: ApiErrorBody } | undefined)?.error
    throw new ApiError(res.status, {
      code: e?.code ?? (res.status >= 500 ? 'INTERNAL' : 'HTTP_' + res.status),
      message: e?.message ?? (res.statusText || `Request failed (${res.status})`),
      field: e?.field,
    })
  }
}
