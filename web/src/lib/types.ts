// Payload types shared by the REST client, the socket service and every hook.
// Field names mirror the Go domain types in internal/domain (their JSON tags
// are authoritative). Times are RFC 3339 strings in UTC; money is integer
// minor units (cents/paise).
//
// This is the one entry point: the types live by domain in lib/types/, and
// everything imports them from here. web/types_test.go checks the interfaces
// of every file of lib/types/ against the Go types the server encodes.

export type * from './types/common'
export type * from './types/users'
export type * from './types/settings'
export type * from './types/push'
export type * from './types/customers'
export type * from './types/ledger'
export type * from './types/payments'
export type * from './types/deliveries'
export type * from './types/catalog'
export type * from './types/analytics'
export type * from './types/activity'
export type * from './types/alerts'
export type * from './types/reports'
export type * from './types/events'
