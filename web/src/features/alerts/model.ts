import { parseMoney } from '../../lib/format'
import type { Alert, AlertRule, AlertRules, AlertStatus } from '../../lib/types'

// The Alerts page's and the bell's logic, free of React: folding alert
// events into lists, where an alert leads, and the rules form's fields and
// validation (the same ranges as the server's AlertRules.Validate).

/** The most alerts a list keeps (GET /api/alerts allows 500). */
export const ALERTS_MAX = 500

export type StatusFilter = AlertStatus | ''

const rank: Record<AlertStatus, number> = { open: 0, acked: 1, resolved: 2 }

/** isStale says whether b is an older state of the same alert than a (a replay of what a list already has). */
export function isStale(a: Alert, b: Alert): boolean {
  if (rank[b.status] !== rank[a.status]) return rank[b.status] < rank[a.status]
  return Date.parse(b.updatedAt) < Date.parse(a.updatedAt)
}

/**
 * foldAlert applies an alert as it now reads (from alert:raised, alert:updated
 * or alert:resolved) to the list of one status filter ('' for all), newest
 * first: added, replaced, or removed when it no longer has the list's status.
 * A replayed older state never overwrites a newer one.
 */
export function foldAlert(list: Alert[], a: Alert, filter: StatusFilter, max = ALERTS_MAX): Alert[] {
  const old = list.find((x) => x.id === a.id)
  if (old && isStale(old, a)) return list
  const rest = list.filter((x) => x.id !== a.id)
  if (filter !== '' && a.status !== filter) return old ? rest : list
  return [a, ...rest].sort((x, y) => y.id - x.id).slice(0, max)
}

/** bellLabel is the bell's accessible name. */
export function bellLabel(open: number | null): string {
  if (open === null) return 'Alerts'
  if (open === 0) return 'Alerts: none open'
  return `Alerts: ${open >= ALERTS_MAX ? `${ALERTS_MAX}+` : open} open`
}

/** bellCount is what the bell shows: nothing at 0, "99+" past 99. */
export function bellCount(open: number): string {
  return open <= 0 ? '' : open > 99 ? '99+' : String(open)
}

/** subjectLink is where an alert leads: a customer opens its drawer; vendors and accounts the Users page. */
export function subjectLink(a: Alert): { to: string; label: string } | null {
  switch (a.subject.entity) {
    case 'customer':
      return { to: `/customers/${a.subject.id}`, label: 'Open customer' }
    case 'vendor':
      return { to: '/users', label: 'Open vendors' }
    case 'user':
      return { to: '/users', label: 'Open users' }
    case 'security':
      return { to: '/security', label: 'Open security' }
  }
  return null
}

export const RULE_TITLES: Record<AlertRule, string> = {
  large_payment: 'Large payment',
  balance_over_limit: 'Balance over credit limit',
  failure_rate: 'Failed deliveries',
  dependency_down: 'Database or Redis down',
  shift_cutoff: 'Shift cut-off passed',
  socket_errors: 'Socket errors',
  security_burst: 'Security burst',
}

/** overLimitCustomers is the customers with a balance_over_limit alert not resolved. */
export function overLimitCustomers(alerts: Alert[]): Set<number> {
  const out = new Set<number>()
  for (const a of alerts) {
    if (a.rule === 'balance_over_limit' && a.status !== 'resolved' && a.subject.entity === 'customer') out.add(a.subject.id)
  }
  return out
}

// ---- The rules form ----

const MAX_AMOUNT_CENTS = 100_000_000_000

export type FieldKind = 'int' | 'money' | 'clock'

export interface FieldSpec {
  /** The server's field name in errors, e.g. "failure_rate.percent". */
  path: string
  label: string
  kind: FieldKind
  min: number
  max: number
  hint?: string
}

export interface RuleSpec {
  id: AlertRule
  description: string
  fields: FieldSpec[]
}

export const MIN_DURATION: FieldSpec = {
  path: 'minDurationSeconds', label: 'Minimum duration (seconds)', kind: 'int', min: 0, max: 3600,
  hint: 'Failed deliveries, dependencies and socket errors must last this long before an alert, and be gone this long before it resolves.',
}

export const RULE_SPECS: RuleSpec[] = [
  { id: 'large_payment', description: 'A payment above an amount: a possible typo.', fields: [
    { path: 'large_payment.thresholdCents', label: 'Payments above', kind: 'money', min: 1, max: MAX_AMOUNT_CENTS },
  ] },
  { id: 'balance_over_limit', description: "A customer's balance above its credit limit (or the business default).", fields: [
    { path: 'balance_over_limit.defaultCreditLimitCents', label: 'Default credit limit', kind: 'money', min: 0, max: MAX_AMOUNT_CENTS },
  ] },
  { id: 'failure_rate', description: "A vendor's failed deliveries today above a share of its finished ones.", fields: [
    { path: 'failure_rate.percent', label: 'Failed above (%)', kind: 'int', min: 1, max: 100 },
    { path: 'failure_rate.minAttempts', label: 'After at least (attempts)', kind: 'int', min: 1, max: 100000 },
  ] },
  { id: 'shift_cutoff', description: 'Deliveries of a shift still not out after its cut-off (business time).', fields: [
    { path: 'shift_cutoff.morningCutoff', label: 'Morning cut-off', kind: 'clock', min: 0, max: 0 },
    { path: 'shift_cutoff.eveningCutoff', label: 'Evening cut-off', kind: 'clock', min: 0, max: 0 },
  ] },
  { id: 'dependency_down', description: 'The database or Redis not ready (critical).', fields: [] },
  { id: 'socket_errors', description: 'Slow consumers dropped or socket errors above a rate, per instance.', fields: [
    { path: 'socket_errors.windowSeconds', label: 'Window (seconds)', kind: 'int', min: 10, max: 3600 },
    { path: 'socket_errors.maxDropped', label: 'Dropped above', kind: 'int', min: 0, max: 1000000 },
    { path: 'socket_errors.maxErrors', label: 'Errors above', kind: 'int', min: 0, max: 1000000 },
  ] },
  { id: 'security_burst', description: 'Failed logins for one account from several addresses, or many rate-limited logins.', fields: [
    { path: 'security_burst.windowMinutes', label: 'Window (minutes)', kind: 'int', min: 1, max: 1440 },
    { path: 'security_burst.addresses', label: 'Addresses per account', kind: 'int', min: 2, max: 1000 },
    { path: 'security_burst.rateLimited', label: 'Rate-limited logins', kind: 'int', min: 1, max: 100000 },
  ] },
]

/** Draft is the form's typed text by field path, and each rule's enabled box by "<rule>.enabled". */
export type Draft = Record<string, string | boolean>

function get(rules: AlertRules, path: string): unknown {
  let v: unknown = rules
  for (const p of path.split('.')) v = (v as Record<string, unknown> | undefined)?.[p]
  return v
}

function set(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.')
  let o = obj
  for (const p of parts.slice(0, -1)) o = (o[p] ??= {}) as Record<string, unknown>
  o[parts.at(-1) as string] = value
}

/** centsText writes cents as the form shows them ("5000", "12.50"). */
export function centsText(cents: number): string {
  return cents % 100 === 0 ? String(cents / 100) : (cents / 100).toFixed(2)
}

/** toDraft is the form's initial state from the rules in force. */
export function toDraft(rules: AlertRules): Draft {
  const d: Draft = { [MIN_DURATION.path]: String(rules.minDurationSeconds) }
  for (const r of RULE_SPECS) {
    d[`${r.id}.enabled`] = Boolean(get(rules, `${r.id}.enabled`))
    for (const f of r.fields) {
      const v = get(rules, f.path)
      d[f.path] = f.kind === 'money' ? centsText(Number(v)) : String(v ?? '')
    }
  }
  return d
}

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/

/** parseField checks one field's text as the server would; value or error. */
export function parseField(f: FieldSpec, text: string): { value: number | string } | { error: string } {
  const s = text.trim()
  if (f.kind === 'clock') return CLOCK.test(s) ? { value: s } : { error: 'Enter a time HH:MM, e.g. 07:00.' }
  if (f.kind === 'money') {
    const cents = s === '0' ? 0 : parseMoney(s)
    if (cents === null || cents < f.min || cents > f.max) return { error: f.min > 0 ? 'Enter an amount above 0.' : 'Enter an amount (0 or more).' }
    return { value: cents }
  }
  if (!/^\d+$/.test(s)) return { error: `Enter a whole number from ${f.min} to ${f.max}.` }
  const n = Number(s)
  if (n < f.min || n > f.max) return { error: `Enter a whole number from ${f.min} to ${f.max}.` }
  return { value: n }
}

/** fromDraft turns the form into the PATCH body, or the errors by field path. */
export function fromDraft(d: Draft): { patch: AlertRules } | { errors: Record<string, string> } {
  const out: Record<string, unknown> = {}
  const errors: Record<string, string> = {}
  for (const f of [MIN_DURATION, ...RULE_SPECS.flatMap((r) => r.fields)]) {
    const r = parseField(f, String(d[f.path] ?? ''))
    if ('error' in r) errors[f.path] = r.error
    else set(out, f.path, r.value)
  }
  for (const r of RULE_SPECS) set(out, `${r.id}.enabled`, Boolean(d[`${r.id}.enabled`]))
  return Object.keys(errors).length > 0 ? { errors } : { patch: out as unknown as AlertRules }
}
