// The event log and the activity feed.

export type EventAction =
  | 'customer.created'
  | 'customer.updated'
  | 'customer.status'
  | 'delivery.created'
  | 'delivery.updated'
  | 'payment.added'
  | 'payment.reversed'
  | 'delivery.reversed'
  | 'customer.removed'
  | 'user.created'
  | 'user.updated'
  | 'product.created'
  | 'product.updated'
  | 'rate.set'
  | 'rate.removed'
  | 'area.created'
  | 'area.updated'
  | 'subscription.created'
  | 'subscription.updated'
  | 'deliveries.generated'
  | 'settings.updated'
  | 'customers.imported'

export type EventEntity = 'customer' | 'delivery' | 'payment' | 'user' | 'product' | 'rate' | 'area' | 'subscription' | 'round' | 'security' | 'settings' | 'import'

/** ActivityEntry is an event-log entry, the feed's row; the dashboard writes it from its payload. */
export interface ActivityEntry {
  seq: number
  at: string
  actorId: number
  actorName: string
  action: EventAction | string
  entity: EventEntity | string
  entityId: number
  vendorId: number
  summary: string
  /** The event's payload (as in GET /api/events), by action; see docs/events.md. */
  payload?: unknown
}

/** LogEvent is one entry of the durable event log (GET /api/events). */
export interface LogEvent extends ActivityEntry {
  payload?: unknown
}

export interface EventsResponse {
  items: LogEvent[]
  lastSeq: number
  /** The event log's epoch; it changes when the database is restored. */
  epoch?: string
  /** "EPOCH:LASTSEQ", the `after` of the next call. */
  cursor?: string
}

/** ActivityResponse is GET /api/activity: newest first, no total. */
export interface ActivityResponse {
  items: ActivityEntry[]
  total?: number
}
