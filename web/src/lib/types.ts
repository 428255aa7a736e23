// Payload types shared by the REST client, the socket service and every hook.
// Field names mirror the Go domain types in internal/domain (their JSON tags
// are authoritative). Times are RFC 3339 strings in UTC; money is integer
// minor units (cents/paise).

export type Role = 'admin' | 'vendor'
export type UserStatus = 'active' | 'suspended'
export type CustomerStatus = 'active' | 'paused' | 'inactive'
export type DeliveryStatus = 'scheduled' | 'out_for_delivery' | 'delivered' | 'failed' | 'cancelled'
export type PaymentMethod = 'cash' | 'card' | 'bank_transfer' | 'upi' | 'other'
export type Interval = 'day' | 'week' | 'month'

export interface Actor {
  id: number
  name: string
  role: Role
}

export interface User {
  id: number
  email: string
  name: string
  role: Role
  status: UserStatus
  lastSeenAt?: string
  createdAt: string
  updatedAt: string
}

export interface UserCreate {
  email: string
  name: string
  role: Role
  password: string
}

export interface UserUpdate {
  name?: string
  role?: Role
  status?: UserStatus
  password?: string
}

export interface Customer {
  id: number
  name: string
  phone: string
  email: string
  address: string
  status: CustomerStatus
  vendorId: number
  balanceCents: number
  createdAt: string
  updatedAt: string
}

export interface CustomerCreate {
  name: string
  phone: string
  email: string
  address: string
  status: CustomerStatus
  vendorId: number
}

export interface LedgerEntry {
  id: number
  customerId: number
  kind: 'delivery' | 'payment'
  refId: number
  amountCents: number
  balanceCents: number
  createdAt: string
}

export interface Delivery {
  id: number
  customerId: number
  customerName?: string
  vendorId: number
  scheduledFor: string
  items: string
  quantity: number
  amountCents: number
  status: DeliveryStatus
  note: string
  deliveredAt?: string
  createdAt: string
  updatedAt: string
}

export interface DeliveryUpdate {
  status?: DeliveryStatus
  note?: string
  idempotencyKey?: string
}

export interface DeliveryChange {
  delivery: Delivery
  previousStatus: DeliveryStatus | ''
}

export interface Payment {
  id: number
  customerId: number
  vendorId: number
  amountCents: number
  method: PaymentMethod
  reference: string
  idempotencyKey?: string
  recordedBy: number
  createdAt: string
}

export interface PaymentCreate {
  customerId: number
  amountCents: number
  method: PaymentMethod
  reference?: string
  idempotencyKey: string
}

export interface CustomerBalance {
  id: number
  balanceCents: number
}

export interface PaymentResult {
  payment: Payment
  customer: CustomerBalance
  created: boolean
}

export interface DeliveryCounts {
  total: number
  scheduled: number
  outForDelivery: number
  delivered: number
  failed: number
  cancelled: number
}

export interface Stats {
  activeCustomers: number
  deliveriesToday: DeliveryCounts
  revenueTodayCents: number
  revenueMonthCents: number
  paymentsToday: number
  paymentsTodayCents: number
  outstandingCents: number
  activeVendors: number
  seq: number
  at: string
}

export interface AnalyticsPoint {
  period: string
  revenueCents: number
  paymentsCents: number
  newCustomers: number
  deliveries: number
  delivered: number
}

export interface VendorRank {
  vendorId: number
  name: string
  revenueCents: number
  deliveries: number
  customers: number
}

export interface Analytics {
  from: string
  to: string
  interval: Interval
  series: AnalyticsPoint[]
  topVendors: VendorRank[]
  seq: number
}

export interface VendorMetrics {
  vendorId: number
  customers: number
  activeCustomers: number
  deliveries30d: number
  delivered30d: number
  revenueCents30d: number
  outstandingCents: number
}

export type EventAction =
  | 'customer.created'
  | 'customer.updated'
  | 'customer.status'
  | 'delivery.created'
  | 'delivery.updated'
  | 'payment.added'
  | 'user.created'
  | 'user.updated'

export type EventEntity = 'customer' | 'delivery' | 'payment' | 'user'

/** ActivityEntry is an event-log entry without its payload (the feed's row). */
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
}

/** LogEvent is one entry of the durable event log (GET /api/events). */
export interface LogEvent extends ActivityEntry {
  payload?: unknown
}

export interface ListResponse<T> {
  items: T[]
  total: number
  nextCursor?: string
}

export interface EventsResponse {
  items: LogEvent[]
  lastSeq: number
}

export interface ApiErrorBody {
  code: string
  message: string
  field?: string
}

export interface AuthResponse {
  token: string
  expiresAt?: string
  refreshToken?: string
  user: User
}

/** ActivityResponse is GET /api/activity: newest first, no total. */
export interface ActivityResponse {
  items: ActivityEntry[]
  total?: number
}

// ---- Real-time contract (issue 5) ----

export type CustomerChange = 'created' | 'updated' | 'status'

export interface StatsUpdated {
  stats: Stats
  at: string
}
export interface DeliveryUpdated {
  seq: number
  at: string
  delivery: Delivery
  previousStatus: DeliveryStatus | ''
}
export interface PaymentAdded {
  seq: number
  at: string
  payment: Payment
  customer: CustomerBalance
}
export interface CustomerUpdated {
  seq: number
  at: string
  customer: Customer
  change: CustomerChange
}
export interface ActivityUpdated {
  seq: number
  at: string
  entry: ActivityEntry
}
export interface UserUpdated {
  seq: number
  at: string
  user: User
}
export interface PresenceAdmin {
  id: number
  name: string
  since: string
}
export interface PresenceUpdated {
  admins: PresenceAdmin[]
}
export interface ServerError {
  code: string
  message: string
}

/** Ack is the answer of every client→server command. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ApiErrorBody }

/** Server→client events and their payloads (one argument each). */
export interface ServerEventMap {
  'stats:updated': StatsUpdated
  'delivery:updated': DeliveryUpdated
  'payment:added': PaymentAdded
  'customer:updated': CustomerUpdated
  'activity:updated': ActivityUpdated
  'user:updated': UserUpdated
  'presence:updated': PresenceUpdated
  error: ServerError
}
export type ServerEventName = keyof ServerEventMap

/** Client→server commands: [payload, ack data]. */
export interface CommandMap {
  'stats:request': [Record<string, never>, Stats]
  ping: [Record<string, never>, { serverTime: string }]
  'delivery:update': [{ id: number; status: DeliveryStatus; note?: string; idempotencyKey?: string }, DeliveryChange]
  'payment:add': [PaymentCreate, PaymentResult]
  'auth:refresh': [{ token: string }, unknown]
}
export type CommandName = keyof CommandMap

export type ServerToClientEvents = {
  [K in ServerEventName]: (payload: ServerEventMap[K]) => void
}
export type ClientToServerEvents = {
  [K in CommandName]: (payload: CommandMap[K][0], ack: (res: Ack<CommandMap[K][1]>) => void) => void
}
