import type { Clock, SocketHandle, Transport } from '../lib/socket'
import type { ChannelLike, LockManagerLike } from '../lib/tabs'

/** FakeClock runs timers only when the test advances time. */
export class FakeClock implements Clock {
  private t = 1_000_000
  private nextId = 1
  private timers = new Map<number, { at: number; fn: () => void }>()

  now(): number {
    return this.t
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++
    this.timers.set(id, { at: this.t + ms, fn })
    return id
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number)
  }
  /** advance moves time forward, running due timers in order. */
  advance(ms: number): void {
    const end = this.t + ms
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | null = null
      for (const e of this.timers) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e
      if (!next) break
      this.timers.delete(next[0])
      this.t = next[1].at
      next[1].fn()
    }
    this.t = end
  }
  pending(): number {
    return this.timers.size
  }
}

type Handler = (...args: never[]) => void

/** FakeSocket stands in for a Socket.IO client socket; the test plays the server. */
export class FakeSocket implements SocketHandle {
  connected = false
  recovered = false
  connectCalls = 0
  auth: Record<string, unknown> | null = null
  private handlers = new Map<string, Handler[]>()
  private transportFns: Array<(t: Transport) => void> = []
  emitted: Array<{ event: string; payload: unknown; ack: (res: unknown) => void }> = []
  /** Answers commands automatically when set. */
  responder: ((event: string, payload: unknown) => unknown) | null = null
  private readonly authFn: (cb: (d: Record<string, unknown>) => void) => void

  constructor(auth: (cb: (d: Record<string, unknown>) => void) => void) {
    this.authFn = auth
  }

  connect(): void {
    this.connectCalls++
    this.authFn((d) => (this.auth = d))
  }
  disconnect(): void {
    if (!this.connected) return
    this.connected = false
    this.fire('disconnect', 'io client disconnect')
  }
  on(event: string, fn: Handler): void {
    const list = this.handlers.get(event) ?? []
    list.push(fn)
    this.handlers.set(event, list)
  }
  removeAllListeners(): void {
    this.handlers.clear()
  }
  emit(event: string, payload: unknown, ack: (res: unknown) => void): void {
    this.emitted.push({ event, payload, ack })
    if (this.responder) {
      const res = this.responder(event, payload)
      if (res !== undefined) ack(res)
    }
  }
  transport(): Transport | null {
    return this.connected ? 'websocket' : null
  }
  onTransportChange(fn: (t: Transport) => void): void {
    this.transportFns.push(fn)
  }
  listenerCount(): number {
    let n = 0
    for (const l of this.handlers.values()) n += l.length
    return n
  }

  // --- the server's side ---
  serverAccept(recovered = false): void {
    this.connected = true
    this.recovered = recovered
    this.fire('connect')
  }
  serverRefuse(code?: string): void {
    this.fire('connect_error', { message: code ?? 'xhr poll error', data: code ? { code } : undefined })
  }
  serverDrop(reason = 'transport close'): void {
    this.connected = false
    this.fire('disconnect', reason)
  }
  serverEmit(event: string, payload: unknown): void {
    this.fire(event, payload)
  }
  private fire(event: string, ...args: unknown[]): void {
    for (const fn of [...(this.handlers.get(event) ?? [])]) (fn as (...a: unknown[]) => void)(...args)
  }
}

/** FakeLocks is an in-memory Web Locks manager shared by fake tabs. */
export class FakeLocks implements LockManagerLike {
  private held = new Map<string, boolean>()
  private queues = new Map<string, Array<() => void>>()

  request(name: string, _options: { mode: 'exclusive' }, callback: () => Promise<void>): Promise<unknown> {
    return new Promise((resolve) => {
      const run = () => {
        this.held.set(name, true)
        void callback().then(() => {
          this.held.set(name, false)
          resolve(undefined)
          const next = this.queues.get(name)?.shift()
          next?.()
        })
      }
      if (!this.held.get(name)) run()
      else {
        const q = this.queues.get(name) ?? []
        q.push(run)
        this.queues.set(name, q)
      }
    })
  }
}

/** FakeChannelHub delivers messages between fake BroadcastChannels synchronously. */
export class FakeChannelHub {
  private members = new Set<FakeChannel>()
  open(): FakeChannel {
    const c = new FakeChannel(this)
    this.members.add(c)
    return c
  }
  deliver(from: FakeChannel, data: unknown): void {
    // Structured clone, as the real channel does.
    const copy = JSON.parse(JSON.stringify(data)) as unknown
    for (const m of [...this.members]) if (m !== from) m.receive(copy)
  }
  leave(c: FakeChannel): void {
    this.members.delete(c)
  }
}

export class FakeChannel implements ChannelLike {
  private fns: Array<(ev: { data: unknown }) => void> = []
  private readonly hub: FakeChannelHub
  constructor(hub: FakeChannelHub) {
    this.hub = hub
  }
  postMessage(message: unknown): void {
    this.hub.deliver(this, message)
  }
  addEventListener(_type: 'message', fn: (ev: { data: unknown }) => void): void {
    this.fns.push(fn)
  }
  close(): void {
    this.hub.leave(this)
  }
  receive(data: unknown): void {
    for (const fn of this.fns) fn({ data })
  }
}
