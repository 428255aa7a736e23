import type { Ack, CommandMap, CommandName, ServerEventMap, ServerEventName } from '../types'
import {
  backoffDelay,
  SERVER_EVENTS,
  systemClock,
  type Clock,
  type ConnectionState,
  type EventListener,
  type Health,
  type SocketHandle,
} from '../socketModel'
import { PendingAcks, settle } from './acks'
import { RestFallback } from './fallback'
import { Listeners, SeenEvents } from './listeners'
import { BACKGROUND_RETRY_MS, COMMAND_TIMEOUT_MS, MAX_ATTEMPTS, POLL_INTERVAL_MS, type SocketServiceDeps } from './options'
import { Pinger } from './ping'
import { EventLogReplay } from './replay'
import { TokenRefresher } from './tokens'

// AdminSocketService, the connection state machine of the real-time client:
// socket.ts (the entry point) draws its states and says why it runs its own
// reconnection loop; this folder holds its parts.

export class AdminSocketService {
  private readonly deps: SocketServiceDeps
  private readonly clock: Clock
  private readonly random: () => number
  private socket: SocketHandle | null = null
  private health: Health
  private readonly healthListeners = new Set<(h: Health) => void>()
  private readonly listeners = new Listeners()
  private readonly seen = new SeenEvents()
  private readonly acks: PendingAcks
  private readonly tokens: TokenRefresher
  private readonly replay: EventLogReplay
  private readonly fallback: RestFallback
  private readonly pinger: Pinger
  private attempt = 0
  private reconnectTimer: unknown = null
  private stopped = true
  private authRetried = false
  /** Whether the server answered the last REST request (null: not asked since the last change). */
  private reachable: boolean | null = null
  private unsubscribeNetwork: (() => void) | null = null

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
    this.acks = new PendingAcks(this.clock)
    this.tokens = new TokenRefresher(deps, this.clock, {
      isStopped: () => this.stopped,
      sendToken: (token) => {
        const socket = this.socket
        return socket?.connected ? this.acks.emit(socket, 'auth:refresh', { token }, COMMAND_TIMEOUT_MS).catch(() => undefined) : null
      },
    })
    this.replay = new EventLogReplay(deps, {
      isStopped: () => this.stopped,
      lastSeq: () => this.health.lastSeq,
      deliver: (name, payload) => this.dispatch(name, payload, true),
      pageDone: (lastSeq) => {
        if (typeof lastSeq === 'number' && lastSeq > this.health.lastSeq) this.health = { ...this.health, lastSeq }
        this.setHealth({ lastEventAt: this.clock.now() })
      },
      restart: (seq) => {
        this.seen.clear()
        this.setHealth({ lastSeq: seq })
      },
    })
    this.fallback = new RestFallback(this.clock, {
      isStopped: () => this.stopped,
      catchUp: () => this.replay.catchUp(),
      noteServer: (answered) => this.noteServer(answered),
    })
    this.pinger = new Pinger(this.clock, this.acks, {
      socket: () => this.socket,
      rtt: (ms) => this.setHealth({ rttMs: ms }),
    })
  }

  getHealth(): Health {
    return this.health
  }

  subscribeHealth(fn: (h: Health) => void): () => void {
    this.healthListeners.add(fn)
    return () => this.healthListeners.delete(fn)
  }

  on<K extends ServerEventName>(name: K, fn: EventListener<K>): () => void {
    return this.listeners.on(name, fn)
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
    this.tokens.schedule()
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
  request<K extends CommandName>(name: K, payload: CommandMap[K][0], timeoutMs = COMMAND_TIMEOUT_MS): Promise<Ack<CommandMap[K][1]>> {
    const socket = this.socket
    if (!socket || !socket.connected) {
      return Promise.resolve({ ok: false, error: { code: 'UNAVAILABLE', message: 'Not connected' } })
    }
    return settle<CommandMap[K][1]>(this.acks.emit(socket, name, payload, timeoutMs))
  }

  /** ping measures the round-trip time and records it in health. */
  ping(): Promise<number | null> {
    return this.pinger.ping()
  }

  /** pollNow fetches missed events over REST (used by the polling timer and tests). */
  pollNow(): Promise<void> {
    return this.fallback.pollNow()
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
      this.fallback.stopPolling()
      this.setState({ kind: 'offline', reason: 'unreachable' })
      this.fallback.scheduleProbe()
      return
    }
    const was = this.reachable
    this.reachable = true
    this.fallback.cancelProbe()
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
    this.fallback.cancelProbe()
    this.authRetried = false
    this.clearReconnect()
    this.fallback.stopPolling()
    this.setHealth({ state: { kind: 'live' }, transport: socket.transport() })
    this.pinger.start()
    if (wasDown && !socket.recovered) {
      if (this.health.lastSeq > 0) {
        // The server could not replay what we missed; fetch it over REST.
        void this.replay.catchUp().catch(() => this.deps.onResync())
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
    this.pinger.stop()
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
        this.fallback.scheduleProbe()
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
    if (this.attempt >= 2 && !this.fallback.probing) this.fallback.probe()
  }

  /** isHardOffline: no network, logged out or refused; nothing to retry until that changes. */
  private isHardOffline(): boolean {
    const s = this.health.state
    return s.kind === 'offline' && s.reason !== 'unreachable'
  }

  private enterPolling(): void {
    this.setState({ kind: 'polling', intervalMs: POLL_INTERVAL_MS })
    this.fallback.startPolling()
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
      this.pinger.start()
      return
    }
    this.setState({ kind: 'connecting' })
    this.tryConnect()
  }

  private onOffline(): void {
    if (this.stopped) return
    this.clearReconnect()
    this.fallback.stopPolling()
    this.fallback.cancelProbe()
    this.pinger.stop()
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
    this.tokens.schedule()
  }

  /** refreshNow renews the token over REST and hands it to the live socket. */
  refreshNow(): Promise<void> {
    return this.tokens.refreshNow()
  }

  // --- events ---

  private dispatch(name: ServerEventName, payload: unknown, replayed: boolean): void {
    if (name === 'error') {
      this.onServerError(payload as ServerEventMap['error'])
      return
    }
    const seq = (payload as { seq?: unknown } | null)?.seq
    if (typeof seq === 'number') {
      if (!this.seen.first(name, seq, this.health.lastSeq)) return
      if (seq > this.health.lastSeq) this.health = { ...this.health, lastSeq: seq }
    }
    this.setHealth({ lastEventAt: this.clock.now() })
    this.listeners.emit(name, payload, { replayed })
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
          if (res.ok) this.replay.restartFrom(res.data.seq, res.data.epoch)
        })
        break
      default:
        this.deps.onNotice?.({ code: err?.code ?? 'ERROR', message: err?.message ?? 'Server error' })
    }
    // Listeners see every error too (for example to show it in the header).
    this.listeners.emit('error', err, { replayed: false })
  }

  // --- plumbing ---

  private clearReconnect(): void {
    if (this.reconnectTimer !== null) this.clock.clearTimeout(this.reconnectTimer)
    this.reconnectTimer = null
  }

  private clearTimers(): void {
    this.clearReconnect()
    this.fallback.stopPolling()
    this.fallback.cancelProbe()
    this.pinger.stop()
    this.tokens.cancel()
    this.acks.cancelAll()
  }

  private setState(state: ConnectionState): void {
    this.setHealth({ state })
  }

  private setHealth(patch: Partial<Health>): void {
    this.health = { ...this.health, ...patch }
    for (const fn of [...this.healthListeners]) fn(this.health)
  }
}
