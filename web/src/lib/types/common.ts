// The scalar unions every payload shares, lists and the REST error body.
// Field names mirror the Go domain types in internal/domain (their JSON tags
// are authoritative). Times are RFC 3339 strings in UTC; money is integer
// minor units (cents/paise). Import from '../types' (lib/types.ts), which
// re-exports every module of this folder.

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

export interface ListResponse<T> {
  items: T[]
  total: number
  nextCursor?: string
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
