import type { AdminSocketService, EventListener, EventMeta, Health } from './socket'
import { SERVER_EVENTS } from './socket'
import type { Ack, CommandMap, CommandName, ServerEventMap, ServerEventName } from './types'

// One connection per browser, not per tab. Tabs of one origin elect a leader
// with the Web Locks API: the tab holding the "livedesk-socket" lock runs the
// AdminSocketService and relays every event, its health and the answers to
// other tabs' commands over a BroadcastChannel. The others queue for the lock,
// so when the leader tab closes the browser hands the lock to the next tab,
// which starts its own service from the last seq it saw and catches up from
// there. Without Web Locks or BroadcastChannel every tab connects on its own.

/** RealtimeClient is what the React layer talks to, whichever tab holds the socket. */
export interface RealtimeClient {
  /** start connects (or joins the tab that is connected); subscribe first. */
  start(): void
  getHealth(): Health
  subscribeHealth(fn: (h: Health) => void): () => void
  on<K extends ServerEventName>(name: K, fn: EventListener<K>): () => void
  request<K extends CommandName>(name: K, payload: CommandMap[K][0], timeoutMs?: number): Promise<Ack<CommandMap[K][1]>>
  isLeader(): boolean
  subscribeLeader(fn: (leader: boolean) => void): () => void
  /**
   * noteServer reports how a REST request of this tab ended (true: the
   * server answered). The leader's socket service uses it to go live at
   * once when the server is back; a follower leaves it to the leader's own
   * requests.
   */
  noteServer?(answered: boolean): void
  stop(): void
}

export interface LockManagerLike {
  request(name: string, options: { mode: 'exclusive' }, callback: () => Promise<void>): Promise<unknown>
}

export interface ChannelLike {
  postMessage(message: unknown): void
  addEventListener(type: 'message', fn: (ev: { data: unknown }) => void): void
  close(): void
}

export type Message =
  | { t: 'hello'; from: string }
  | { t: 'snapshot'; from: string; to: string; health: Health; presence: ServerEventMap['presence:updated'] | null }
  | { t: 'health'; from: string; health: Health }
  | { t: 'event'; from: string; name: ServerEventName; payload: unknown; meta: EventMeta }
  | { t: 'cmd'; from: string; id: string; name: CommandName; payload: unknown; timeoutMs?: number }
  | { t: 'ack'; from: string; to: string; id: string; res: Ack<unknown> }

export interface TabRealtimeDeps {
  /** Makes the socket service this tab runs when it leads, starting after seq. */
  makeService(initialSeq: number): AdminSocketService
  locks?: LockManagerLike | null
  channel?: ChannelLike | null
  tabId?: string
  lockName?: string
}

// How much longer a follower waits than the leader's own ack timeout.
const FOLLOWER_GRACE_MS = 2_000

const initialHealth: Health = {
  state: { kind: 'connecting' },
  transport: null,
  rttMs: null,
  lastSeq: 0,
  lastEventAt: null,
}

/** TabRealtime is the RealtimeClient of one tab: leader (socket) or follower (relay). */
export class TabRealtime implements RealtimeClient {
  private readonly deps: TabRealtimeDeps
  private readonly tabId: string
  private service: AdminSocketService | null = null
  private serviceUnsubs: Array<() => void> = []
  private leader = false
  private stopped = false
  private health: Health = initialHealth
  private presence: ServerEventMap['presence:updated'] | null = null
  private releaseLock: (() => void) | null = null
  private readonly healthListeners = new Set<(h: Health) => void>()
  private readonly leaderListeners = new Set<(l: boolean) => void>()
  private readonly listeners = new Map<ServerEventName, Set<EventListener<ServerEventName>>>()
  private readonly pending = new Map<string, (res: Ack<unknown>) => void>()
  private seq = 0

  constructor(deps: TabRealtimeDeps) {
    this.deps = deps
    this.tabId = deps.tabId ?? Math.random().toString(36).slice(2)
  }

  start(): void {
    const { locks, channel } = this.deps
    if (!locks || !channel) {
      // No way to coordinate: this tab connects on its own.
      this.becomeLeader()
      return
    }
    channel.addEventListener('message', (ev) => this.onMessage(ev.data as Message))
    channel.postMessage({ t: 'hello', from: this.tabId } satisfies Message)
    void locks.request(this.deps.lockName ?? 'livedesk-socket', { mode: 'exclusive' }, () => {
      if (this.stopped) return Promise.resolve()
      this.becomeLeader()
      // Hold the lock until this tab stops or closes.
      return new Promise<void>((resolve) => (this.releaseLock = resolve))
    })
  }

  stop(): void {
    if (this.stopped) return
    this.stopped = true
    this.stopService()
    this.releaseLock?.()
    this.releaseLock = null
    this.deps.channel?.close()
    for (const resolve of this.pending.values()) resolve(unavailable('This tab is closing'))
    this.pending.clear()
  }

  getHealth(): Health {
    return this.health
  }

  subscribeHealth(fn: (h: Health) => void): () => void {
    this.healthListeners.add(fn)
    return () => this.healthListeners.delete(fn)
  }

  isLeader(): boolean {
    return this.leader
  }

  subscribeLeader(fn: (leader: boolean) => void): () => void {
    this.leaderListeners.add(fn)
    return () => this.leaderListeners.delete(fn)
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

  request<K extends CommandName>(name: K, payload: CommandMap[K][0], timeoutMs?: number): Promise<Ack<CommandMap[K][1]>> {
    if (this.service) return this.service.request(name, payload, timeoutMs)
    const channel = this.deps.channel
    if (!channel || this.stopped) return Promise.resolve(unavailable('Not connected'))
    const id = `${this.tabId}:${++this.seq}`
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        resolve(unavailable('The tab holding the connection did not answer'))
      }, (timeoutMs ?? 8_000) + FOLLOWER_GRACE_MS)
      this.pending.set(id, (res) => {
        clearTimeout(timer)
        resolve(res as Ack<CommandMap[K][1]>)
      })
      channel.postMessage({ t: 'cmd', from: this.tabId, id, name, payload, timeoutMs } satisfies Message)
    })
  }

  noteServer(answered: boolean): void {
    this.service?.noteServer(answered)
  }

  private becomeLeader(): void {
    if (this.stopped || this.service) return
    const service = this.deps.makeService(this.health.lastSeq)
    this.service = service
    this.leader = true
    for (const fn of [...this.leaderListeners]) fn(true)
    this.serviceUnsubs.push(
      service.subscribeHealth((h) => {
        this.setHealth(h)
        this.post({ t: 'health', from: this.tabId, health: h })
      }),
    )
    for (const name of SERVER_EVENTS) {
      this.serviceUnsubs.push(
        service.on(name, (payload, meta) => {
          if (name === 'presence:updated') this.presence = payload as ServerEventMap['presence:updated']
          this.emitLocal(name, payload, meta)
          this.post({ t: 'event', from: this.tabId, name, payload, meta })
        }),
      )
    }
    this.setHealth(service.getHealth())
    service.start()
  }

  private stopService(): void {
    for (const u of this.serviceUnsubs) u()
    this.serviceUnsubs = []
    this.service?.stop()
    this.service = null
    if (this.leader) {
      this.leader = false
      for (const fn of [...this.leaderListeners]) fn(false)
    }
  }

  private onMessage(msg: Message): void {
    if (this.stopped || !msg || typeof msg !== 'object' || msg.from === this.tabId) return
    switch (msg.t) {
      case 'hello':
        if (this.service) {
          this.post({ t: 'snapshot', from: this.tabId, to: msg.from, health: this.health, presence: this.presence })
        }
        break
      case 'snapshot':
        if (msg.to !== this.tabId || this.service) return
        this.setHealth(msg.health)
        if (msg.presence) {
          this.presence = msg.presence
          this.emitLocal('presence:updated', msg.presence, { replayed: true })
        }
        break
      case 'health':
        if (!this.service) this.setHealth({ ...msg.health, lastSeq: Math.max(msg.health.lastSeq, this.health.lastSeq) })
        break
      case 'event':
        if (this.service) return
        if (msg.name === 'presence:updated') this.presence = msg.payload as ServerEventMap['presence:updated']
        this.emitLocal(msg.name, msg.payload, msg.meta)
        break
      case 'cmd':
        if (!this.service) return
        void this.service.request(msg.name, msg.payload as never, msg.timeoutMs).then((res) => {
          this.post({ t: 'ack', from: this.tabId, to: msg.from, id: msg.id, res })
        })
        break
      case 'ack':
        if (msg.to !== this.tabId) return
        this.pending.get(msg.id)?.(msg.res)
        this.pending.delete(msg.id)
        break
    }
  }

  private emitLocal(name: ServerEventName, payload: unknown, meta: EventMeta): void {
    const seq = (payload as { seq?: unknown } | null)?.seq
    if (typeof seq === 'number' && seq > this.health.lastSeq) {
      // Followers keep the cursor too, so a follower that takes over resumes here.
      this.health = { ...this.health, lastSeq: seq }
    }
    const set = this.listeners.get(name)
    if (!set) return
    for (const fn of [...set]) fn(payload as never, meta)
  }

  private setHealth(h: Health): void {
    this.health = h
    for (const fn of [...this.healthListeners]) fn(h)
  }

  private post(msg: Message): void {
    if (this.stopped || !this.deps.channel) return
    try {
      this.deps.channel.postMessage(msg)
    } catch {
      // A payload that cannot be cloned is not worth crashing the leader for.
    }
  }
}

function unavailable(message: string): Ack<never> {
  return { ok: false, error: { code: 'UNAVAILABLE', message } }
}

/** browserCoordination returns the Web Locks manager and a BroadcastChannel, when both exist. */
export function browserCoordination(name = 'livedesk'): { locks: LockManagerLike | null; channel: ChannelLike | null } {
  const locks = typeof navigator !== 'undefined' && 'locks' in navigator ? (navigator.locks as unknown as LockManagerLike) : null
  const channel = typeof BroadcastChannel !== 'undefined' ? new BroadcastChannel(name) : null
  if (!locks || !channel) {
    channel?.close()
    return { locks: null, channel: null }
  }
  return { locks, channel }
}
