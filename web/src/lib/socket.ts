import type { Ack, CommandMap, CommandName, EventsResponse, ServerEventMap, ServerEventName } from './types'
import {
  backoffDelay,
  eventToServerEvents,
  SERVER_EVENTS,
  systemClock,
  type Clock,
  type ConnectionState,
  type EventListener,
  type Health,
  type NetworkStatus,
  type SocketFactory,
  type SocketHandle,
} from './socketModel'

export * from './socketModel'

// AdminSocketService owns the one Socket.IO connection of this browser (see
// tabs.ts for how tabs share it). It runs its own reconnection loop instead of
// Socket.IO's so that the states the header shows are exact and so that the
// whole machine can be driven by a fake socket and a fake clock in tests:
//
//   connecting ──connect──▶ live ──disconnect──▶ reconnecting 1/5 … 5/5
//        ▲                    ▲                        │ 5th failure
//        │                    └──────connect───────────┤
//        └─ online ◀─ offline (browser offline)        ▼
//                                              polling (REST every 60 s,
//                                              reconnecting in the background)

export interface SocketServiceDeps {
  socketFactory: SocketFactory
  getToken(): string | null
  /** Gets a fresh token over REST (POST /api/auth/refresh) and stores it. */
  refreshToken(): Promise<string>
  /** The session is over (token invalid and not refreshable): log out. */
  onAuthFailure(reason: string): void
  /** GET /api/events?after=SEQ&limit=N */
  fetchEvents(after: number, limit: number): Promise<EventsResponse>
  /** The client missed too much: every cached query must be refetched. */
  onResync(): void
  /** An asynchronous problem the user should hear about (rate limit, shutdown). */
  onNotice?(notice: { code: string; message: string }): void
  /** Epoch ms at which the token expires, or null when unknown. */
  tokenExpiresAt?(token: string): number | null
  clock?: Clock
  random?: () => number
  network?: NetworkStatus
  initialSeq?: number
}

export const MAX_ATTEMPTS = 5
export const POLL_INTERVAL_MS = 60_000
const BACKGROUND_RETRY_MS = 30_000
const PING_INTERVAL_MS = 20_000
const COMMAND_TIMEOUT_MS = 8_000
const REFRESH_LEAD_MS = 60_000
const CATCH_UP_PAGE = 500
const CATCH_UP_MAX_PAGES = 10
const SEEN_WINDOW = 5_000

class AckTimeout extends Error {}

export class AdminSocketService {
  private readonly deps: SocketServiceDeps
  private readonly clock: Clock
  private readonly random: () => number
  private socket: SocketHandle | null = null
  private health: Health
  private readonly healthListeners = new Set<(h: Health) => void>()
  private readonly listeners = new Map<ServerEventName, Set<EventListener<ServerEventName>>>()
  private readonly seen = new Set<string>()
  private attempt = 0
  private reconnectTimer: unknown = null
  private pollTimer: unknown = null
  private pingTimer: unknown = null
  private refreshTimer: unknown = null
  private stopped = true
  private authRetried = false
  private catchingUp = false
  private unsubscribeNetwork: (() => void) | null = null
  private readonly pendingAcks = new Set<() => void>()

  constructor(deps: SocketServiceDeps) {
    this.deps = deps
    this.clock = deps.clock ?? systemClock
    this.random = deps.random ?? Math.random
    this.health = {
      state: { kind: 'connecting' },
      transport: null,
      rttMs: null,
      lastSeq: deps.initialSeq ?? 0,
      lastEventAt: null,
    }
  }

  getHealth(): Health {
    return this.health
  }

  subscribeHealth(fn: (h: Health) => void): () => void {
    this.healthListeners.add(fn)
    return () => this.healthListeners.delete(fn)
  }

  on<K extends ServerEventName>(name: K, fn: EventListener<K>): () => void {
    let set = this.listeners.get(name)
    if (!set) {
      set = new Set()
      this.listeners.set(name, set)
    }
    set.add(fn as EventListener<ServerEventName>)
    return () => set.delete(fn as EventListener<ServerEventName>)
  }

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    const socket = this.deps.socketFactory({
      auth: (cb) => cb({ token: this.deps.getToken() ?? '' }),
    })
    this.socket = socket
    socket.on('connect', () => this.onConnect())
    socket.on('connect_error', (err: { message?: string; data?: { code?: string } }) => this.onConnectError(err))
    socket.on('disconnect', (reason: string) => this.onDisconnect(reason))
    for (const name of SERVER_EVENTS) {
      socket.on(name, (payload: never) => this.dispatch(name, payload, false))
    }
    socket.onTransportChange((t) => this.setHealth({ transport: t }))
    if (this.deps.network) {
      this.unsubscribeNetwork = this.deps.network.subscribe((online) => (online ? this.onOnline() : this.onOffline()))
      if (!this.deps.network.isOnline()) {
        this.setState({ kind: 'offline', reason: 'network' })
        return
      }
    }
    this.setState({ kind: 'connecting' })
    socket.connect()
    this.scheduleRefresh()
  }

  stop(): void {
    if (this.stopped) return
    this.stopped = true
    this.clearTimers()
    this.unsubscribeNetwork?.()
    this.unsubscribeNetwork = null
    const socket = this.socket
    this.socket = null
    if (socket) {
      socket.removeAllListeners()
      socket.disconnect()
    }
    this.setState({ kind: 'offline', reason: 'stopped' })
  }

  /** request sends a command and resolves with its ack; never rejects. */
  request<K extends CommandName>(
    name: K,
    payload: CommandMap[K][0],
    timeoutMs = COMMAND_TIMEOUT_MS,
  ): Promise<Ack<CommandMap[K][1]>> {
    const socket = this.socket
    if (!socket || !socket.connected) {
      return Promise.resolve({ ok: false, error: { code: 'UNAVAILABLE', message: 'Not connected' } })
    }
    return this.emitWithAck(socket, name, payload, timeoutMs).then(
      (res) => res as Ack<CommandMap[K][1]>,
      (err: unknown) => ({
        ok: false as const,
        error: err instanceof AckTimeout
          ? { code: 'TIMEOUT', message: 'The server did not answer in time' }
          : { code: 'UNAVAILABLE', message: String(err) },
      }),
    )
  }

  /** ping measures the round-trip time and records it in health. */
  async ping(): Promise<number | null> {
    const socket = this.socket
    if (!socket?.connected) return null
    const t0 = this.clock.now()
    try {
      const res = (await this.emitWithAck(socket, 'ping', {}, 5_000)) as Ack<unknown>
      if (!res || !res.ok) return null
      const rtt = this.clock.now() - t0
      this.setHealth({ rttMs: rtt })
      return rtt
    } catch {
      return null
    }
  }

  /** pollNow fetches missed events over REST (used by the polling timer and tests). */
  async pollNow(): Promise<void> {
    try {
      await this.catchUp()
      if (this.health.state.kind === 'polling') {
        // The API answers again, so the socket probably will too: try now
        // (a connect() while an attempt is under way is a no-op).
        this.clearReconnect()
        this.tryConnect()
      }
    } catch {
      // The server is unreachable; the next poll tries again.
    }
  }

  // --- connection lifecycle ---

  private onConnect(): void {
    const socket = this.socket
    if (!socket) return
    const wasDown = this.health.state.kind !== 'live'
    this.attempt = 0
    this.authRetried = false
    this.clearReconnect()
    this.clearPoll()
    this.setHealth({ state: { kind: 'live' }, transport: socket.transport() })
    this.startPing()
    if (wasDown && !socket.recovered) {
      if (this.health.lastSeq > 0) {
        // The server could not replay what we missed; fetch it over REST.
        void this.catchUp().catch(() => this.deps.onResync())
      } else {
        // No cursor yet: whatever was fetched before the socket came up may
        // have missed changes made in between, so refetch it.
        this.deps.onResync()
      }
    }
  }

  private onConnectError(err: { message?: string; data?: { code?: string } }): void {
    if (this.stopped) return
    const code = err?.data?.code
    if (code === 'TOKEN_EXPIRED' && !this.authRetried) {
      this.authRetried = true
      void this.refreshAndReconnect()
      return
    }
    // UNAUTHORIZED: the account was suspended (or deleted) since the token was issued.
    if (code === 'AUTH_REQUIRED' || code === 'TOKEN_INVALID' || code === 'TOKEN_EXPIRED' || code === 'UNAUTHORIZED') {
      this.authFailed(code)
      return
    }
    this.failure()
  }

  private onDisconnect(reason: string): void {
    this.stopPing()
    if (this.stopped || reason === 'io client disconnect') return
    if (this.health.state.kind === 'offline') return
    this.setHealth({ transport: null, rttMs: null })
    this.failure()
  }

  private failure(): void {
    if (this.stopped || this.health.state.kind === 'offline') return
    this.clearReconnect()
    if (this.health.state.kind === 'polling') {
      this.reconnectTimer = this.clock.setTimeout(() => this.tryConnect(), Math.round(BACKGROUND_RETRY_MS * (0.8 + 0.4 * this.random())))
      return
    }
    if (this.attempt >= MAX_ATTEMPTS) {
      this.enterPolling()
      return
    }
    this.attempt += 1
    this.setState({ kind: 'reconnecting', attempt: this.attempt, maxAttempts: MAX_ATTEMPTS })
    this.reconnectTimer = this.clock.setTimeout(() => this.tryConnect(), backoffDelay(this.attempt, this.random))
  }

  private enterPolling(): void {
    this.setState({ kind: 'polling', intervalMs: POLL_INTERVAL_MS })
    const tick = () => {
      this.pollTimer = this.clock.setTimeout(tick, POLL_INTERVAL_MS)
      void this.pollNow()
    }
    this.clearPoll()
    tick()
    this.clearReconnect()
    this.reconnectTimer = this.clock.setTimeout(() => this.tryConnect(), Math.round(BACKGROUND_RETRY_MS * (0.8 + 0.4 * this.random())))
  }

  private tryConnect(): void {
    this.reconnectTimer = null
    if (this.stopped || !this.socket || this.socket.connected) return
    this.socket.connect()
  }

  private onOnline(): void {
    if (this.stopped) return
    this.attempt = 0
    if (this.socket?.connected) {
      // The connection outlived the outage (the browser closes it lazily).
      this.setHealth({ state: { kind: 'live' }, transport: this.socket.transport() })
      this.startPing()
      return
    }
    this.setState({ kind: 'connecting' })
    this.tryConnect()
  }

  private onOffline(): void {
    if (this.stopped) return
    this.clearReconnect()
    this.clearPoll()
    this.stopPing()
    this.setHealth({ state: { kind: 'offline', reason: 'network' }, transport: null, rttMs: null })
  }

  private authFailed(code: string): void {
    this.clearTimers()
    this.socket?.disconnect()
    this.setState({ kind: 'offline', reason: 'auth' })
    this.deps.onAuthFailure(code)
  }

  // --- tokens ---

  private async refreshAndReconnect(): Promise<void> {
    try {
      await this.deps.refreshToken()
    } catch {
      this.authFailed('TOKEN_EXPIRED')
      return
    }
    if (this.stopped) return
    this.socket?.disconnect()
    this.tryConnect()
    this.scheduleRefresh()
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer !== null) this.clock.clearTimeout(this.refreshTimer)
    this.refreshTimer = null
    const token = this.deps.getToken()
    const exp = token && this.deps.tokenExpiresAt ? this.deps.tokenExpiresAt(token) : null
    if (exp === null) return
    const wait = Math.max(exp - REFRESH_LEAD_MS - this.clock.now(), 5_000)
    this.refreshTimer = this.clock.setTimeout(() => void this.refreshNow(), wait)
  }

  /** refreshNow renews the token over REST and hands it to the live socket. */
  async refreshNow(): Promise<void> {
    this.refreshTimer = null
    let token: string
    try {
      token = await this.deps.refreshToken()
    } catch {
      // A 401 has already logged the user out (fetch wrapper); anything else
      // is transient: try again shortly.
      if (!this.stopped) this.refreshTimer = this.clock.setTimeout(() => void this.refreshNow(), 15_000)
      return
    }
    if (this.stopped) return
    const socket = this.socket
    if (socket?.connected) {
      await this.emitWithAck(socket, 'auth:refresh', { token }, COMMAND_TIMEOUT_MS).catch(() => undefined)
    }
    this.scheduleRefresh()
  }

  // --- events ---

  private dispatch(name: ServerEventName, payload: unknown, replayed: boolean): void {
    if (name === 'error') {
      this.onServerError(payload as ServerEventMap['error'])
      return
    }
    const seq = (payload as { seq?: unknown } | null)?.seq
    if (typeof seq === 'number') {
      const key = `${name}:${seq}`
      if (this.seen.has(key)) return
      this.seen.add(key)
      if (this.seen.size > SEEN_WINDOW * 2) this.pruneSeen()
      if (seq > this.health.lastSeq) this.health = { ...this.health, lastSeq: seq }
    }
    this.setHealth({ lastEventAt: this.clock.now() })
    const set = this.listeners.get(name)
    if (!set) return
    for (const fn of [...set]) fn(payload as never, { replayed })
  }

  private pruneSeen(): void {
    const floor = this.health.lastSeq - SEEN_WINDOW
    for (const key of this.seen) {
      if (Number(key.slice(key.lastIndexOf(':') + 1)) < floor) this.seen.delete(key)
    }
  }

  private onServerError(err: ServerEventMap['error']): void {
    switch (err?.code) {
      case 'TOKEN_EXPIRED':
        void this.refreshAndReconnect()
        break
      case 'RESYNC_REQUIRED':
        this.deps.onResync()
        void this.request('stats:request', {}).then((res) => {
          if (res.ok && res.data.seq > this.health.lastSeq) this.setHealth({ lastSeq: res.data.seq })
        })
        break
      default:
        this.deps.onNotice?.({ code: err?.code ?? 'ERROR', message: err?.message ?? 'Server error' })
    }
    // Listeners see every error too (for example to show it in the header).
    const set = this.listeners.get('error')
    if (set) for (const fn of [...set]) fn(err as never, { replayed: false })
  }

  /** catchUp fetches every event after the cursor over REST and dispatches it. */
  private async catchUp(): Promise<void> {
    if (this.catchingUp) return
    this.catchingUp = true
    try {
      for (let page = 0; page < CATCH_UP_MAX_PAGES; page++) {
        const after = this.health.lastSeq
        const res = await this.deps.fetchEvents(after, CATCH_UP_PAGE)
        if (this.stopped) return
        for (const e of res.items) {
          for (const [name, payload] of eventToServerEvents(e)) this.dispatch(name, payload, true)
        }
        // A short page means nothing visible to us lies before lastSeq, even
        // when events in between belong to others: the cursor may jump there.
        if (typeof res.lastSeq === 'number' && res.lastSeq > this.health.lastSeq) this.health = { ...this.health, lastSeq: res.lastSeq }
        this.setHealth({ lastEventAt: this.clock.now() })
        if (res.items.length < CATCH_UP_PAGE) return
      }
      // Too far behind to replay event by event: refetch everything instead.
      this.deps.onResync()
    } finally {
      this.catchingUp = false
    }
  }

  // --- ping ---

  private startPing(): void {
    this.stopPing()
    const tick = () => {
      this.pingTimer = this.clock.setTimeout(tick, PING_INTERVAL_MS)
      void this.ping()
    }
    tick()
  }

  private stopPing(): void {
    if (this.pingTimer !== null) this.clock.clearTimeout(this.pingTimer)
    this.pingTimer = null
  }

  private emitWithAck(socket: SocketHandle, name: string, payload: unknown, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const cancel = () => {
        this.clock.clearTimeout(timer)
        this.pendingAcks.delete(cancel)
        reject(new AckTimeout(name))
      }
      const timer = this.clock.setTimeout(cancel, timeoutMs)
      this.pendingAcks.add(cancel)
      socket.emit(name, payload, (res: unknown) => {
        this.clock.clearTimeout(timer)
        this.pendingAcks.delete(cancel)
        resolve(res)
      })
    })
  }

  // --- plumbing ---

  private clearReconnect(): void {
    if (this.reconnectTimer !== null) this.clock.clearTimeout(this.reconnectTimer)
    this.reconnectTimer = null
  }

  private clearPoll(): void {
    if (this.pollTimer !== null) this.clock.clearTimeout(this.pollTimer)
    this.pollTimer = null
  }

  private clearTimers(): void {
    this.clearReconnect()
    this.clearPoll()
    this.stopPing()
    if (this.refreshTimer !== null) this.clock.clearTimeout(this.refreshTimer)
    this.refreshTimer = null
    for (const cancel of [...this.pendingAcks]) cancel()
  }

  private setState(state: ConnectionState): void {
    this.setHealth({ state })
  }

  private setHealth(patch: Partial<Health>): void {
    this.health = { ...this.health, ...patch }
    for (const fn of [...this.healthListeners]) fn(this.health)
  }
}
