// Alerts (issue 18): admins only.

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
