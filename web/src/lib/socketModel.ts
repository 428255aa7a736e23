import type { LogEvent, ServerEventMap, ServerEventName } from './types'

// The vocabulary of the real-time layer: connection states, the injected
// clock and socket, and the pure helpers of AdminSocketService (socket.ts).

export type Transport = 'websocket' | 'polling'

export type ConnectionState =
  | { kind: 'connecting' }
  | { kind: 'live' }
  | { kind: 'reconnecting'; attempt: number; maxAttempts: number }
  | { kind: 'polling'; intervalMs: number }
  /**
   * network: the browser has no network; unreachable: it has, but neither
   * the socket nor REST reach the server; stopped: logged out; auth: the
   * session was refused.
   */
  | { kind: 'offline'; reason: 'network' | 'unreachable' | 'stopped' | 'auth' }

export interface Health {
  state: ConnectionState
  transport: Transport | null
  rttMs: number | null
  lastSeq: number
  /** Epoch ms of the last server event or successful poll. */
  lastEventAt: number | null
}

export interface EventMeta {
  /** True for events fetched over REST (catch-up or polling), not pushed live. */
  replayed: boolean
}

export type EventListener<K extends ServerEventName> = (payload: ServerEventMap[K], meta: EventMeta) => void

export interface Clock {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
}

/** SocketHandle is the part of a Socket.IO client socket the service uses. */
export interface SocketHandle {
  readonly connected: boolean
  readonly recovered: boolean
  connect(): void
  disconnect(): void
  on(event: string, fn: (...args: never[]) => void): void
  removeAllListeners(): void
  emit(event: string, payload: unknown, ack: (res: unknown) => void): void
  transport(): Transport | null
  onTransportChange(fn: (t: Transport) => void): void
}

export interface SocketOptions {
  /** Called before every connection attempt, so reconnects use the newest token. */
  auth: (cb: (data: Record<string, unknown>) => void) => void
}

export type SocketFactory = (opts: SocketOptions) => SocketHandle

export interface NetworkStatus {
  isOnline(): boolean
  subscribe(fn: (online: boolean) => void): () => void
}

const BASE_DELAY_MS = 1_000
const MAX_DELAY_MS = 16_000

export const SERVER_EVENTS: ServerEventName[] = [
  'stats:updated',
  'delivery:updated',
  'payment:added',
  'customer:updated',
  'customer:removed',
  'payment:reversed',
  'delivery:reversed',
  'activity:updated',
  'user:updated',
  'presence:updated',
  'security:event',
  'alert:raised',
  'alert:updated',
  'alert:resolved',
  'deliveries:generated',
  'area:updated',
  'report:progress',
  'report:ready',
  'report:failed',
  // The customer drawer follows standing orders, products and rates live.
  'subscription:updated',
  'product:updated',
  'rate:updated',
  'error',
]

/** backoffDelay is the wait before reconnection attempt n (1-based), ±20 % jitter. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(BASE_DELAY_MS * 2 ** (attempt - 1), MAX_DELAY_MS)
  return Math.round(base * (0.8 + 0.4 * random()))
}

/** eventToServerEvents turns an event-log entry into the socket events it stands for. */
export function eventToServerEvents(e: LogEvent): Array<[ServerEventName, unknown]> {
  const { payload, ...entry } = e
  const out: Array<[ServerEventName, unknown]> = []
  const p = (payload ?? {}) as Record<string, unknown>
  const base = { seq: e.seq, at: e.at }
  if (e.action === 'customer.removed') {
    out.push(['customer:removed', { ...base, customerId: p.customerId, vendorId: e.vendorId, reason: p.reason ?? 'moved' }])
  } else if (e.action === 'payment.reversed' && p.payment) {
    out.push(['payment:reversed', { ...base, reversal: p.reversal, payment: p.payment, customer: p.customer }])
  } else if (e.action === 'delivery.reversed' && p.delivery) {
    out.push(['delivery:reversed', { ...base, reversal: p.reversal, delivery: p.delivery, customer: p.customer }])
  } else if (e.action.startsWith('customer.') && p.customer) {
    out.push(['customer:updated', { ...base, customer: p.customer, change: p.change ?? 'updated' }])
  } else if (e.action.startsWith('delivery.') && p.delivery) {
    out.push(['delivery:updated', { ...base, delivery: p.delivery, previousStatus: p.previousStatus ?? '' }])
  } else if (e.action === 'payment.added' && p.payment) {
    out.push(['payment:added', { ...base, payment: p.payment, customer: p.customer }])
  } else if (e.action.startsWith('user.') && p.user) {
    out.push(['user:updated', { ...base, user: p.user }])
  } else if (['alert.raised', 'alert.updated', 'alert.resolved'].includes(e.action) && p.alert) {
    out.push([`alert:${e.action.slice('alert.'.length)}` as ServerEventName, { ...base, alert: p.alert }])
  } else if (e.action === 'deliveries.generated' && p.generated) {
    out.push(['deliveries:generated', { ...base, ...(p.generated as object) }])
  } else if (e.action.startsWith('area.') && p.area) {
    out.push(['area:updated', { ...base, area: p.area, change: p.change ?? 'updated' }])
  } else if (e.action === 'report.progress' && p.progress) {
    // Progress is not activity: no activity:updated (as the server's socket).
    return [['report:progress', { ...(p.progress as object), ...base, id: e.entityId }]]
  } else if (e.action === 'report.ready' && p.report) {
    const r = p.report as { url?: string; bytes?: number }
    out.push(['report:ready', { ...base, id: e.entityId, url: r.url, bytes: r.bytes, report: p.report }])
  } else if ((e.action === 'report.failed' || e.action === 'report.cancelled') && p.report) {
    const r = p.report as { error?: string }
    out.push(['report:failed', { ...base, id: e.entityId, error: r.error ?? '', cancelled: e.action === 'report.cancelled', report: p.report }])
  } else if (e.action.startsWith('subscription.') && p.subscription) {
    out.push(['subscription:updated', { ...base, subscription: p.subscription, change: p.change ?? 'updated' }])
  } else if (e.action.startsWith('product.') && p.product) {
    out.push(['product:updated', { ...base, product: p.product, change: p.change ?? 'updated' }])
  } else if (e.action.startsWith('rate.') && p.rate) {
    out.push(['rate:updated', { ...base, rate: p.rate, change: p.change ?? 'set' }])
  }
  // Security events: a security.event entry's, or those an account change
  // carries (admins only, like the entries).
  if (Array.isArray(p.security)) {
    for (const s of p.security as Array<Record<string, unknown>>) out.push(['security:event', { ...s, seq: e.seq }])
  }
  // A security happening that is no change (action security.event) is not
  // in the activity feed: the Security page shows it (docs/events.md).
  if (e.action !== 'security.event') out.push(['activity:updated', { ...base, entry }])
  return out
}

