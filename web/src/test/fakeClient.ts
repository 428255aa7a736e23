import type { EventListener, EventMeta, Health } from '../lib/socket'
import type { RealtimeClient } from '../lib/tabs'
import type { Ack, CommandMap, CommandName, ServerEventMap, ServerEventName } from '../lib/types'

/** FakeRealtimeClient lets a test push events and set the connection state. */
export class FakeRealtimeClient implements RealtimeClient {
  health: Health = { state: { kind: 'live' }, transport: 'websocket', rttMs: 12, lastSeq: 0, lastEventAt: null }
  stopped = false
  requests: Array<{ name: string; payload: unknown }> = []
  answer: (name: string, payload: unknown) => Ack<unknown> = () => ({ ok: false, error: { code: 'UNAVAILABLE', message: 'x' } })
  private listeners = new Map<string, Set<EventListener<ServerEventName>>>()
  private healthFns = new Set<(h: Health) => void>()

  started = false
  start(): void {
    this.started = true
  }
  getHealth(): Health {
    return this.health
  }
  subscribeHealth(fn: (h: Health) => void): () => void {
    this.healthFns.add(fn)
    return () => this.healthFns.delete(fn)
  }
  on<K extends ServerEventName>(name: K, fn: EventListener<K>): () => void {
    const set = this.listeners.get(name) ?? new Set()
    set.add(fn as EventListener<ServerEventName>)
    this.listeners.set(name, set)
    return () => set.delete(fn as EventListener<ServerEventName>)
  }
  request<K extends CommandName>(name: K, payload: CommandMap[K][0]): Promise<Ack<CommandMap[K][1]>> {
    this.requests.push({ name, payload })
    return Promise.resolve(this.answer(name, payload) as Ack<CommandMap[K][1]>)
  }
  isLeader(): boolean {
    return true
  }
  subscribeLeader(): () => void {
    return () => undefined
  }
  stop(): void {
    this.stopped = true
  }
  emit<K extends ServerEventName>(name: K, payload: ServerEventMap[K], meta: EventMeta = { replayed: false }): void {
    for (const fn of [...(this.listeners.get(name) ?? [])]) fn(payload as never, meta)
  }
  setState(state: Health['state']): void {
    this.health = { ...this.health, state }
    for (const fn of [...this.healthFns]) fn(this.health)
  }
  listenerCount(): number {
    let n = 0
    for (const s of this.listeners.values()) n += s.size
    return n
  }
}
