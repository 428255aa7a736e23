// Users, their sessions (login, refresh, logout) and the security log.

import type { Role, Shift, UserStatus } from './common'

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
