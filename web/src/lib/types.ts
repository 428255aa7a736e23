// Payload types shared by the REST client, the socket service and every hook.
// Field names mirror the Go domain types in internal/domain (their JSON tags
// are authoritative). Times are RFC 3339 strings in UTC; money is integer
// minor units (cents/paise).

/** Role: staff belong to one vendor and work only their areas' round (today and tomorrow). */
export type Role = 'admin' | 'vendor' | 'staff'
export type UserStatus = 'active' | 'suspended'
export type CustomerStatus = 'active' | 'paused' | 'inactive'
export type DeliveryStatus = 'scheduled' | 'out_for_delivery' | 'delivered' | 'failed' | 'cancelled' | 'skipped'
export type PaymentMethod = 'cash' | 'card' | 'bank_transfer' | 'upi' | 'other'
export type Interval = 'day' | 'week' | 'month'
export type Shift = 'morning' | 'evening'
export type Frequency = 'daily' | 'alternate' | 'weekly' | 'custom'
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'
export type SubscriptionStatus = 'active' | 'paused' | 'ended'
/** Reason says why a delivery failed or was skipped; 'other' needs reasonText. */
export type Reason = 'not_home' | 'refused' | 'no_access' | 'out_of_stock' | 'other'

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
  /** Staff only: the vendor they work for, their areas and shifts. */
  vendorId?: number
  areaIds?: number[]
  shifts?: Shift[]
  lastSeenAt?: string
  createdAt: string
  updatedAt: string
}

export interface UserCreate {
  email: string
  name: string
  role: Role
  password: string
  /** Required for staff (a vendor's own id when a vendor creates them). */
  vendorId?: number
  /** Required for staff: at least one of the vendor's areas. */
  areaIds?: number[]
  /** Staff only; both shifts when omitted. */
  shifts?: Shift[]
}

export interface UserUpdate {
  name?: string
  role?: Role
  status?: UserStatus
  password?: string
  /** Staff only: replaces their areas / shifts. */
  areaIds?: number[]
  shifts?: Shift[]
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
  /** 0 when the customer has no area. */
  areaId: number
  position: number
  note: string
  /** The most the customer may owe (balance_over_limit alert); absent: the business default. */
  creditLimitCents?: number
  /** The latest payment not reversed; on the customers list only, absent when it never paid. */
  lastPaymentAt?: string
}

export interface CustomerCreate {
  name: string
  phone: string
  email: string
  address: string
  status: CustomerStatus
  vendorId: number
  areaId?: number
  position?: number
  note?: string
  /** Admins only; absent: the business default. On update, -1 clears it. */
  creditLimitCents?: number
  /** Refuse (409 CONFLICT, field phone) a phone another customer of the vendor has. */
  uniquePhone?: boolean
}

export interface LedgerEntry {
  id: number
  customerId: number
  /** opening_balance: a balance brought over by an import (refId: the customer). */
  kind: 'delivery' | 'payment' | 'reversal' | 'opening_balance'
  refId: number
  amountCents: number
  balanceCents: number
  createdAt: string
  /** Set on an original that was reversed (the entry itself never changes). */
  reversedAt?: string
  /** The reason, on a reversed original and on the reversal entry. */
  reversalReason?: string
  /** On a reversal entry: the original it reverses. */
  reverses?: LedgerRef
}

export interface LedgerRef {
  kind: 'delivery' | 'payment'
  refId: number
}

/** Reversal corrects a payment or a delivered delivery (issue 13). */
export interface Reversal {
  id: number
  entity: 'payment' | 'delivery'
  entityId: number
  customerId: number
  vendorId: number
  /** The balance movement: +payment amount, or −delivery charge. */
  amountCents: number
  reason: string
  reversedBy: number
  createdAt: string
}

export interface ReversalCreate {
  reason: string
  idempotencyKey?: string
}

/** ReversalResult: reversal is null when an undelivered delivery was cancelled instead. */
export interface ReversalResult {
  reversal: Reversal | null
  customer: CustomerBalance
  payment?: Payment
  delivery?: Delivery
  created: boolean
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
  reversedAt?: string
  reversalReason?: string
  subscriptionId?: number
  shift?: Shift
  productId?: number
  reason?: Reason
  reasonText?: string
}

export interface DeliveryUpdate {
  status?: DeliveryStatus
  note?: string
  idempotencyKey?: string
  reason?: Reason
  reasonText?: string
  /** The status the user saw when making the change (offline commands): 409 CONFLICT with error.current when it no longer holds. */
  expectedStatus?: DeliveryStatus
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
  reversedAt?: string
  reversalReason?: string
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
  /** The customer did not take it that day: outside total, like cancelled. */
  skipped: number
  /** Delivered, then reversed: in neither total nor delivered. */
  reversed: number
}

export interface Stats {
  /** IANA name of the business time zone, e.g. "Asia/Kolkata". */
  timezone: string
  /** The day the figures are for: YYYY-MM-DD in `timezone`. */
  today: string
  activeCustomers: number
  deliveriesToday: DeliveryCounts
  revenueTodayCents: number
  revenueMonthCents: number
  paymentsToday: number
  paymentsTodayCents: number
  outstandingCents: number
  activeVendors: number
  seq: number
  /** The event-log epoch `seq` belongs to (cursor: `${epoch}:${seq}`). */
  epoch: string
  at: string
}

/** The business settings (GET /api/settings; PATCH by admins). */
export interface Settings {
  /** Payments above this amount (minor units) need a confirmation; 0 confirms every payment. */
  confirmAboveCents: number
  /** The business's name on documents (report PDFs); 1 to 100 characters on one line. */
  businessName: string
  /**
   * ISO 4217 code of a currency with two decimals: how the dashboard (₹1,23,456.50,
   * $123,456.50) and documents (Rs. 1,23,456.50) write money.
   */
  currency: string
  /**
   * Read-only here: the credit limit of customers without their own (the
   * balance_over_limit rule's, changed with PATCH /api/alerts/rules).
   */
  defaultCreditLimitCents: number
}

export interface SettingsUpdate {
  confirmAboveCents?: number
  businessName?: string
  currency?: string
}

export interface AnalyticsPoint {
  period: string
  /** What the bucket covers, RFC 3339 with the business zone's offset (end exclusive). */
  start: string
  end: string
  /** The range cuts the period, or it is not over yet. */
  partial: boolean
  revenueCents: number
  paymentsCents: number
  newCustomers: number
  deliveries: number
  delivered: number
  /** paymentsCents / revenueCents (payments over charges); null when nothing was charged. */
  collectionRate: number | null
  /** Customers with a counted subscription delivery scheduled in the bucket. */
  activeSubscribers: number
}

export interface VendorRank {
  vendorId: number
  name: string
  revenueCents: number
  deliveries: number
  customers: number
}

export interface Analytics {
  timezone: string
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

// ---- Products, areas, subscriptions and the round (issue 16) ----

export interface Product {
  id: number
  vendorId: number
  name: string
  unit: string
  /** Price per unit. */
  priceCents: number
  active: boolean
  createdAt: string
  updatedAt: string
}

export interface ProductCreate {
  vendorId?: number
  name: string
  unit: string
  priceCents: number
  active?: boolean
}

export interface CustomerRate {
  customerId: number
  productId: number
  vendorId: number
  priceCents: number
  updatedAt: string
}

export interface Area {
  id: number
  vendorId: number
  name: string
  sortOrder: number
  createdAt: string
  updatedAt: string
}

export interface Pause {
  id: number
  subscriptionId: number
  from: string
  to: string
  createdAt: string
}

export interface Subscription {
  id: number
  customerId: number
  vendorId: number
  productId: number
  productName: string
  unit: string
  quantity: number
  frequency: Frequency
  days: Weekday[]
  shift: Shift
  startsOn: string
  endsOn?: string
  status: SubscriptionStatus
  pauses: Pause[]
  createdAt: string
  updatedAt: string
}

export interface SubscriptionCreate {
  customerId: number
  productId: number
  quantity: number
  frequency: Frequency
  days?: Weekday[]
  shift: Shift
  startsOn: string
  endsOn?: string
}

export interface SubscriptionUpdate {
  quantity?: number
  frequency?: Frequency
  days?: Weekday[]
  shift?: Shift
  /** '' removes the end date. */
  endsOn?: string
  status?: SubscriptionStatus
}

export interface GenerateResult {
  date: string
  created: number
  existing: number
}

export interface RoundStop {
  delivery: Delivery
  areaId: number
  areaName: string
  position: number
  address: string
  phone: string
  balanceCents: number
  customerNote: string
}

export interface ProductQuantity {
  productId: number
  name: string
  unit: string
  quantity: number
}

export interface RoundCounters {
  total: number
  toDo: number
  out: number
  delivered: number
  failed: number
  skipped: number
  cancelled: number
  quantities: ProductQuantity[]
}

export interface Round {
  date: string
  shift?: Shift
  stops: RoundStop[]
  counters: RoundCounters
  seq: number
}

export interface BulkStatus {
  ids: number[]
  status: DeliveryStatus
  reason?: Reason
  reasonText?: string
  idempotencyKey?: string
  /** The status every listed delivery was in when the change was made: an id no longer in it is refused with CONFLICT and error.current. */
  expectedStatus?: DeliveryStatus
}

export interface BulkStatusItem {
  id: number
  ok: boolean
  delivery?: Delivery
  previousStatus?: DeliveryStatus
  error?: ApiErrorBody
}

/** StatementLine is one movement of a monthly statement: + charges, − credits. */
export interface StatementLine {
  entryId: number
  at: string
  date: string
  kind: 'delivery' | 'payment' | 'reversal' | 'opening_balance' | string
  refId: number
  description: string
  amountCents: number
  balanceCents: number
}

/** Statement is GET /api/customers/{id}/statement?month=YYYY-MM. */
export interface Statement {
  customerId: number
  customerName: string
  address: string
  phone: string
  vendorId: number
  month: string
  from: string
  to: string
  timezone: string
  openingBalanceCents: number
  chargesCents: number
  creditsCents: number
  /** Opening balances brought over by an import this month: neither charges nor credits. */
  broughtForwardCents: number
  closingBalanceCents: number
  lines: StatementLine[]
}

export interface BulkStatusResult {
  results: BulkStatusItem[]
  succeeded: number
  failed: number
}

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

export interface ListResponse<T> {
  items: T[]
  total: number
  nextCursor?: string
}

export interface EventsResponse {
  items: LogEvent[]
  lastSeq: number
  /** The event log's epoch; it changes when the database is restored. */
  epoch?: string
  /** "EPOCH:LASTSEQ", the `after` of the next call. */
  cursor?: string
}

export interface ApiErrorBody {
  code: string
  message: string
  field?: string
  /** On a delivery change refused because of its present status (INVALID_TRANSITION, CONFLICT): who made it so, when. */
  current?: DeliveryState
}

/** DeliveryState is a delivery's status now and its last change ("already marked delivered by Priya at 07:12"). */
export interface DeliveryState {
  id: number
  status: DeliveryStatus
  changedById: number
  changedBy: string
  changedAt: string
}

/** AuthResponse is POST /api/auth/login and /api/auth/refresh. */
export interface AuthResponse {
  token: string
  expiresAt?: string
  /** Single-use; absent when the request asked for the refresh cookie (X-Livedesk-Session: cookie), as the dashboard does. */
  refreshToken?: string
  /** The login session; POST /api/auth/logout ends it. */
  sessionId: string
  user: User
}

/** LogoutResponse is POST /api/auth/logout. */
export interface LogoutResponse {
  ok: true
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
export interface PaymentReversed {
  seq: number
  at: string
  reversal: Reversal
  payment: Payment
  customer: CustomerBalance
}
export interface DeliveryReversed {
  seq: number
  at: string
  reversal: Reversal
  delivery: Delivery
  customer: CustomerBalance
}
/** CustomerRemoved: the customer moved away from vendorId; that vendor drops it. */
export interface CustomerRemoved {
  seq: number
  at: string
  customerId: number
  vendorId: number
  reason: string
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
/** The kinds of security:event (admins only; see SECURITY.md). */
export type SecurityEventKind =
  | 'login_failed'
  | 'login_rate_limited'
  | 'token_refused'
  | 'refresh_reuse'
  | 'origin_refused'
  | 'connection_refused'
  | 'password_changed'
  | 'role_changed'
  | 'status_changed'
  | 'user_created'
  | 'sessions_revoked'
/** security:event, and an item of GET /api/security/events. */
export interface SecurityEvent {
  seq: number
  kind: SecurityEventKind
  at: string
  /** The trusted client address ('' for a change made by the system). */
  address: string
  userId?: number
  email?: string
  detail: string
}
/** GET /api/security/events?after=&kind=&limit= */
export interface SecurityEventPage {
  items: SecurityEvent[]
  nextAfter: number
  hasMore: boolean
}
export interface ProductUpdated {
  seq: number
  at: string
  product: Product
  change: 'created' | 'updated'
}
export interface RateUpdated {
  seq: number
  at: string
  rate: CustomerRate
  change: 'set' | 'removed'
}
export interface AreaUpdated {
  seq: number
  at: string
  area: Area
  change: 'created' | 'updated'
}
export interface SubscriptionUpdated {
  seq: number
  at: string
  subscription: Subscription
  change: 'created' | 'updated' | 'paused' | 'pause_cancelled'
}
/** DeliveriesGenerated replaces one delivery:updated per generated delivery: refetch the round. */
export interface DeliveriesGenerated {
  seq: number
  at: string
  date: string
  shift?: Shift
  vendorId: number
  created: number
  deliveryIds: number[]
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

/** Alerts (issue 18): admins only. */
export type AlertRule =
  | 'large_payment'
  | 'balance_over_limit'
  | 'failure_rate'
  | 'dependency_down'
  | 'shift_cutoff'
  | 'socket_errors'
  | 'security_burst'
export type AlertSeverity = 'info' | 'warning' | 'critical'
export type AlertStatus = 'open' | 'acked' | 'resolved'
export interface Alert {
  id: number
  rule: AlertRule
  severity: AlertSeverity
  status: AlertStatus
  /** entity: customer, payment, vendor, user, dependency (id 1 database, 2 Redis), instance (socket_errors) or security (id 1: logins). */
  subject: { entity: string; id: number }
  message: string
  raisedAt: string
  updatedAt: string
  ackedBy?: number
  ackedByName?: string
  ackNote?: string
  ackedAt?: string
  resolvedAt?: string
}
/** GET|PATCH /api/alerts/rules (PATCH takes any part of it). */
export interface AlertRules {
  minDurationSeconds: number
  large_payment: { enabled: boolean; thresholdCents: number }
  balance_over_limit: { enabled: boolean; defaultCreditLimitCents: number }
  failure_rate: { enabled: boolean; percent: number; minAttempts: number }
  dependency_down: { enabled: boolean }
  /** Cut-offs are business-local "HH:MM". */
  shift_cutoff: { enabled: boolean; morningCutoff: string; eveningCutoff: string }
  socket_errors: { enabled: boolean; windowSeconds: number; maxDropped: number; maxErrors: number }
  security_burst: { enabled: boolean; windowMinutes: number; addresses: number; rateLimited: number }
}
/** Payload of alert:raised, alert:updated and alert:resolved. */
export interface AlertEvent {
  seq: number
  at: string
  alert: Alert
}

/** Reports (issue 18): background jobs with live progress. */
export type ReportKind = 'statements' | 'dues-ageing' | 'vendor-settlement'
export type ReportStatus = 'queued' | 'running' | 'ready' | 'failed' | 'cancelled'
export interface ReportParams {
  /** YYYY-MM: statements and vendor-settlement. */
  month?: string
  /** YYYY-MM-DD: dues-ageing (default today). */
  asOf?: string
  /** One vendor's customers only; absent: the whole business (admins). */
  vendorId?: number
}
/** POST /api/reports. */
export interface ReportCreate {
  kind: ReportKind
  params: ReportParams
}
export interface Report {
  id: number
  kind: ReportKind
  params: ReportParams
  /** The report's scope: 0 for the whole business (admins only), else its vendor. */
  vendorId: number
  status: ReportStatus
  done: number
  total: number
  requestedBy: number
  requestedByName: string
  fileName?: string
  bytes: number
  /** Set when ready: /api/reports/{id}/file. */
  url?: string
  error?: string
  attempts: number
  createdAt: string
  startedAt?: string
  finishedAt?: string
  expiresAt?: string
}
/** DELETE /api/reports/{id}. */
export interface ReportDeleted {
  id: number
  result: 'cancelled' | 'removed'
}
/** GET /api/reports. */
export interface ReportsResponse {
  reports: Report[]
}
/** Payload of report:progress (a few per second at most). */
export interface ReportProgress {
  seq: number
  at: string
  id: number
  done: number
  total: number
  /** Seconds left, estimated; null until one item is done. */
  etaSeconds: number | null
}
/** Payload of report:ready. */
export interface ReportReady {
  seq: number
  at: string
  id: number
  url: string
  bytes: number
  report: Report
}
/** Payload of report:failed (also when cancelled: cancelled true). */
export interface ReportFailed {
  seq: number
  at: string
  id: number
  error: string
  cancelled: boolean
  report: Report
}

/** Ack is the answer of every client→server command. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ApiErrorBody }

/** Server→client events and their payloads (one argument each). */
export interface ServerEventMap {
  'stats:updated': StatsUpdated
  'delivery:updated': DeliveryUpdated
  'payment:added': PaymentAdded
  'customer:updated': CustomerUpdated
  'payment:reversed': PaymentReversed
  'delivery:reversed': DeliveryReversed
  'customer:removed': CustomerRemoved
  'activity:updated': ActivityUpdated
  'user:updated': UserUpdated
  'presence:updated': PresenceUpdated
  'security:event': SecurityEvent
  'product:updated': ProductUpdated
  'rate:updated': RateUpdated
  'area:updated': AreaUpdated
  'subscription:updated': SubscriptionUpdated
  'deliveries:generated': DeliveriesGenerated
  'alert:raised': AlertEvent
  'alert:updated': AlertEvent
  'alert:resolved': AlertEvent
  'report:progress': ReportProgress
  'report:ready': ReportReady
  'report:failed': ReportFailed
  error: ServerError
}
export type ServerEventName = keyof ServerEventMap

/** Client→server commands: [payload, ack data]. */
export interface CommandMap {
  'stats:request': [Record<string, never>, Stats]
  ping: [Record<string, never>, { serverTime: string }]
  'delivery:update': [
    { id: number; status: DeliveryStatus; note?: string; idempotencyKey?: string; reason?: Reason; reasonText?: string; expectedStatus?: DeliveryStatus },
    DeliveryChange,
  ]
  'deliveries:status': [BulkStatus, BulkStatusResult]
  'payment:add': [PaymentCreate, PaymentResult]
  'auth:refresh': [{ token: string }, unknown]
  'alert:ack': [{ id: number; note?: string }, Alert]
}
export type CommandName = keyof CommandMap

export type ServerToClientEvents = {
  [K in ServerEventName]: (payload: ServerEventMap[K]) => void
}
export type ClientToServerEvents = {
  [K in CommandName]: (payload: CommandMap[K][0], ack: (res: Ack<CommandMap[K][1]>) => void) => void
}

/** CustomerSort orders GET /api/customers; "-" first for descending. */
export type CustomerSort = 'name' | '-name' | 'balance' | '-balance' | 'lastPayment' | '-lastPayment'

/** ImportRowError is one problem of an import row, naming its column. */
export interface ImportRowError {
  column: string
  message: string
}

/** ImportRow is one data row of POST /api/imports/customers (row: its line; the header is 1). */
export interface ImportRow {
  row: number
  action: 'create' | 'exists' | 'error'
  name: string
  phone: string
  email?: string
  address: string
  area?: string
  newArea?: boolean
  vendorId?: number
  vendorName?: string
  openingBalanceCents: number
  product?: string
  productId?: number
  quantity?: number
  frequency?: Frequency
  days?: string[]
  shift?: Shift
  customerId?: number
  subscriptionId?: number
  errors: ImportRowError[]
}

/** CustomerImport answers POST /api/imports/customers: the preview, or the result when applied. */
export interface CustomerImport {
  applied: boolean
  importIds: number[]
  fileSha256: string
  total: number
  create: number
  exists: number
  errors: number
  subscriptions: number
  openingBalanceCents: number
  newAreas: string[]
  rows: ImportRow[]
}

/** CustomerImported is the payload of a customers.imported activity entry. */
export interface CustomerImported {
  importId: number
  vendorId: number
  created: number
  existing: number
  subscriptions: number
  openingBalanceCents: number
  areasCreated: string[]
  customerIds: number[]
}

/** A kind of Web Push notification (docs/api.md, "Web Push notifications"). */
export type PushKind = 'large_payment' | 'failed_deliveries' | 'alerts' | 'round_changes'

/** GET|PATCH /api/me/notifications: the kinds the caller's role receives, on or off. */
export interface NotificationPrefs {
  kinds: Partial<Record<PushKind, boolean>>
  devices: number
}

export interface NotificationPrefsUpdate {
  kinds: Partial<Record<PushKind, boolean>>
}

/** POST /api/push/subscriptions: PushSubscription.toJSON(). */
export interface PushSubscriptionInput {
  endpoint: string
  keys: PushSubscriptionKeys
  expirationTime?: number | null
}

export interface PushSubscriptionKeys {
  p256dh: string
  auth: string
}

/** A stored subscription of the caller. */
export interface PushSubscription {
  id: number
  endpoint: string
  createdAt: string
}

/** The decrypted payload of a push message, shown by the service worker. */
export interface PushNotification {
  kind: PushKind
  title: string
  body: string
  url: string
  tag: string
  seq: number
}

// ---- Richer analytics (GET /api/analytics/ageing, /products, /areas, /vendors) ----

export type AgeingBucketName = '0-30' | '31-60' | '61-90' | '90+'

export interface AgeingBucket {
  bucket: AgeingBucketName
  minDays: number
  /** null for 90+ */
  maxDays: number | null
  customers: number
  balanceCents: number
}

export interface AgeingCustomer {
  customerId: number
  name: string
  vendorId: number
  balanceCents: number
  /** Day of the oldest charge that payments (oldest charge first) leave unpaid. */
  oldestUnpaidOn: string
  ageDays: number
  bucket: AgeingBucketName
}

export interface DuesAgeing {
  timezone: string
  asOf: string
  vendorId?: number
  totalCents: number
  buckets: AgeingBucket[]
  customers: AgeingCustomer[]
  seq: number
}

export interface BreakdownRow {
  /** null: deliveries without a product (one-offs) or an area of the delivering vendor. */
  id: number | null
  name: string
  vendorId: number
  unit?: string
  revenueCents: number
  quantity: number
  delivered: number
}

export interface Breakdown {
  timezone: string
  from: string
  to: string
  by: 'product' | 'area'
  rows: BreakdownRow[]
  seq: number
}

export interface VendorFigures {
  vendorId: number
  name: string
  status: UserStatus
  revenueCents: number
  paymentsCents: number
  collectionRate: number | null
  deliveries: number
  delivered: number
  failed: number
  quantity: number
  activeSubscribers: number
  activeCustomers: number
  outstandingCents: number
}

export interface VendorComparison {
  timezone: string
  from: string
  to: string
  vendors: VendorFigures[]
  seq: number
}
