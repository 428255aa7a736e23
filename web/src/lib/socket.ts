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
//
// Every socket failure also asks REST (the event log) whether the server
// answers at all. When it does not, the state is offline/unreachable (red),
// whatever the socket's attempt count: "polling" is only shown when REST
// works and the socket does not. While unreachable, a probe runs every
// PROBE_INTERVAL_MS, and any successful request of the app (noteServer)
// counts as one: the first answer from the server tries the socket at once,
// so the app is live again within a second or two of the server's return
// instead of after the next background retry.

export interface SocketServiceDeps {
  socketFactory: SocketFactory
  getToken(): string | null
  /** Gets a fresh token over REST (POST /api/auth/refresh) and stores it. */
  refreshToken(): Promise<string>
  /** The session is over (token invalid and not refreshable): log out. */
  onAuthFailure(reason: string): void
  /** GET /api/events?after=CURSOR&limit=N; CURSOR is EPOCH:SEQ, or a bare SEQ before the epoch is known. */
  fetchEvents(after: string | number, limit: number): Promise<EventsResponse>
  /**
   * The head of the event log (GET /api/stats: its seq and epoch), to start
   * again from after RESYNC_REQUIRED when the socket is not connected.
   */
  fetchHead?(): Promise<{ seq: number; epoch: string }>
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
/** How often an unreachable server is asked again over REST. */
export const PROBE_INTERVAL_MS = 5_000
const PING_INTERVAL_MS = 20_000
const COMMAND_TIMEOUT_MS = 8_000
const REFRESH_LEAD_MS = 60_000
const CATCH_UP_PAGE = 500
const CATCH_UP_MAX_PAGES = 10
const SEEN_WINDOW = 5_000

class AckTimeout extends Error {}

/**
 * answeredWith says whether a failed REST call still reached the server: an
 * HTTP error (staff may not read the event log: 403) is an answer; a
 * network failure (status 0) or a gateway's 502/504 is not.
 */
function answeredWith(err: unknown): boolean {
  const status = (err as { status?: unknown } | null)?.status
  return typeof status === 'number' && status > 0 && status !== 502 && status !== 504
}

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
  private catchingUp: Promise<void> | null = null
  private probeTimer: unknown = null
  /** Whether the server answered the last REST request (null: not asked since the last change). */
  private reachable: boolean | null = null
  private unsubscribeNetwork: (() => void) | null = null
  private readonly pendingAcks = new Set<() => void>()
  /** The event log's epoch of lastSeq, once the server named it. */
  private epoch: string | null = null

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
    } catch (err) {
      this.noteServer(answeredWith(err))
      return
    }
    this.noteServer(true)
  }

  /**
   * noteServer tells the service how a REST request ended: true when the
   * server answered (any HTTP status), false when it could not be reached.
   * An answer while the socket is down tries the socket at once; a network
   * failure while it is down shows offline/unreachable. While the socket is
   * live, it is the judge and a failed request changes nothing.
   */
  noteServer(answered: boolean): void {
    if (this.stopped) return
    const kind = this.health.state.kind
    if (kind === 'live' || this.isHardOffline()) return
    if (!answered) {
      this.reachable = false
      this.clearPoll()
      this.setState({ kind: 'offline', reason: 'unreachable' })
      this.scheduleProbe()
      return
    }
    const was = this.reachable
    this.reachable = true
    this.clearProbe()
    if (kind === 'offline' || kind === 'polling' || was === false) {
      // The API answers again, so the socket probably will too: try now
      // (a connect() while an attempt is under way is a no-op).
      if (kind === 'offline') {
        this.setState(
          this.attempt >= MAX_ATTEMPTS ? { kind: 'reconnecting', attempt: MAX_ATTEMPTS, maxAttempts: MAX_ATTEMPTS } : { kind: 'reconnecting', attempt: Math.max(this.attempt, 1), maxAttempts: MAX_ATTEMPTS },
        )
      }
      this.clearReconnect()
      this.tryConnect()
    }
  }

  // --- connection lifecycle ---

  private onConnect(): void {
    const socket = this.socket
    if (!socket) return
    const wasDown = this.health.state.kind !== 'live'
    this.attempt = 0
    this.reachable = true
    this.clearProbe()
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
    // SESSION_REVOKED: the login session ended (logout, new password, reactivation, reused refresh token).
    if (code === 'AUTH_REQUIRED' || code === 'TOKEN_INVALID' || code === 'TOKEN_EXPIRED' || code === 'UNAUTHORIZED' || code === 'SESSION_REVOKED') {
      this.authFailed(code)
      return
    }
    this.failure()
  }

  private onDisconnect(reason: string): void {
    this.stopPing()
    if (this.stopped || reason === 'io client disconnect') return
    if (this.isHardOffline()) return
    this.setHealth({ transport: null, rttMs: null })
    this.failure()
  }

  private failure(): void {
    if (this.stopped || this.isHardOffline()) return
    this.clearReconnect()
    if (this.health.state.kind === 'polling') {
      this.reconnectTimer = this.clock.setTimeout(() => this.tryConnect(), Math.round(BACKGROUND_RETRY_MS * (0.8 + 0.4 * this.random())))
      return
    }
    if (this.attempt >= MAX_ATTEMPTS) {
      if (this.reachable === false) {
        // Neither the socket nor REST: stay offline, keep trying both.
        this.reconnectTimer = this.clock.setTimeout(() => this.tryConnect(), backoffDelay(MAX_ATTEMPTS, this.random))
        this.scheduleProbe()
        return
      }
      this.enterPolling()
      return
    }
    this.attempt += 1
    if (this.reachable === false) this.setState({ kind: 'offline', reason: 'unreachable' })
    else this.setState({ kind: 'reconnecting', attempt: this.attempt, maxAttempts: MAX_ATTEMPTS })
    this.reconnectTimer = this.clock.setTimeout(() => this.tryConnect(), backoffDelay(this.attempt, this.random))
    // Is it the socket or the server? REST tells (and catches up
    // meanwhile). Not on the first failure: a blip the server's session
    // recovery covers needs no REST at all.
    if (this.attempt >= 2 && this.probeTimer === null) this.probe()
  }

  /** probe asks REST whether the server answers, catching up on events when it does. */
  private probe(): void {
    this.clearProbe()
    this.catchUp().then(
      () => this.noteServer(true),
      (err: unknown) => this.noteServer(answeredWith(err)),
    )
  }

  private scheduleProbe(): void {
    if (this.probeTimer !== null || this.stopped) return
    this.probeTimer = this.clock.setTimeout(() => {
      this.probeTimer = null
      this.probe()
    }, PROBE_INTERVAL_MS)
  }

  private clearProbe(): void {
    if (this.probeTimer !== null) this.clock.clearTimeout(this.probeTimer)
    this.probeTimer = null
  }

  /** isHardOffline: no network, logged out or refused; nothing to retry until that changes. */
  private isHardOffline(): boolean {
    const s = this.health.state
    return s.kind === 'offline' && s.reason !== 'unreachable'
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
    this.reachable = null
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
    this.clearProbe()
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
      case 'SESSION_REVOKED':
        // The session is over everywhere: no reconnect, back to the login.
        this.authFailed('SESSION_REVOKED')
        break
      case 'RESYNC_REQUIRED':
        this.deps.onResync()
        void this.request('stats:request', {}).then((res) => {
          // After a restore the log's head may be below our cursor: take it as it is.
          if (res.ok) this.restartFrom(res.data.seq, res.data.epoch)
        })
        break
      default:
        this.deps.onNotice?.({ code: err?.code ?? 'ERROR', message: err?.message ?? 'Server error' })
    }
    // Listeners see every error too (for example to show it in the header).
    const set = this.listeners.get('error')
    if (set) for (const fn of [...set]) fn(err as never, { replayed: false })
  }

  /**
   * restartFrom moves the cursor to the log position the server named after
   * a resync: the seqs seen before may name other events in a restored log,
   * so they are forgotten too.
   */
  private restartFrom(seq: number, epoch: string | undefined): void {
    this.seen.clear()
    this.epoch = epoch || null
    this.setHealth({ lastSeq: seq })
  }

  /** catchUp fetches every event after the cursor over REST and dispatches it. */
  private catchUp(): Promise<void> {
    // One at a time; a second caller waits for (and learns from) the first.
    this.catchingUp ??= this.catchUpOnce().finally(() => {
      this.catchingUp = null
    })
    return this.catchingUp
  }

  private async catchUpOnce(): Promise<void> {
    {
      for (let page = 0; page < CATCH_UP_MAX_PAGES; page++) {
        const after = this.epoch ? `${this.epoch}:${this.health.lastSeq}` : this.health.lastSeq
        let res: EventsResponse
        try {
          res = await this.deps.fetchEvents(after, CATCH_UP_PAGE)
        } catch (err) {
          if ((err as { code?: string } | null)?.code !== 'RESYNC_REQUIRED') throw err
          // The database was restored (or its log rewound) since our cursor:
          // reload everything and follow the log from its head.
          this.deps.onResync()
          const head = await this.deps.fetchHead?.()
          this.restartFrom(head?.seq ?? 0, head?.epoch)
          return
        }
        if (this.stopped) return
        if (res.epoch) this.epoch = res.epoch
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
    this.clearProbe()
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
