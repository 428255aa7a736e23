import { describe, expect, it } from 'vitest'
import type { Alert, AlertRules } from '../../lib/types'
import { bellCount, bellLabel, foldAlert, fromDraft, overLimitCustomers, subjectLink, toDraft } from './model'

const alert = (id: number, patch: Partial<Alert> = {}): Alert => ({
  id, rule: 'balance_over_limit', severity: 'warning', status: 'open', subject: { entity: 'customer', id: 40 + id },
  message: `m${id}`, raisedAt: '2026-11-25T05:00:00Z', updatedAt: '2026-11-25T05:00:00Z', ...patch,
})

const rules: AlertRules = {
  minDurationSeconds: 60,
  large_payment: { enabled: true, thresholdCents: 5_000_000 },
  balance_over_limit: { enabled: true, defaultCreditLimitCents: 500_050 },
  failure_rate: { enabled: false, percent: 20, minAttempts: 10 },
  dependency_down: { enabled: true },
  shift_cutoff: { enabled: true, morningCutoff: '07:00', eveningCutoff: '19:00' },
  socket_errors: { enabled: true, windowSeconds: 300, maxDropped: 5, maxErrors: 100 },
  security_burst: { enabled: true, windowMinutes: 15, addresses: 3, rateLimited: 10 },
}

describe('foldAlert', () => {
  it('adds a raised alert to the open list, newest first, and moves it as it is acked and resolved', () => {
    let open = [alert(1)]
    let acked: Alert[] = []
    let all = [alert(1)]
    const raised = alert(2)
    open = foldAlert(open, raised, 'open')
    all = foldAlert(all, raised, '')
    expect(open.map((a) => a.id)).toEqual([2, 1])
    const ack = alert(2, { status: 'acked', ackedByName: 'Ada', updatedAt: '2026-11-25T05:01:00Z' })
    open = foldAlert(open, ack, 'open')
    acked = foldAlert(acked, ack, 'acked')
    all = foldAlert(all, ack, '')
    expect(open.map((a) => a.id)).toEqual([1])
    expect(acked[0]?.ackedByName).toBe('Ada')
    expect(all.find((a) => a.id === 2)?.status).toBe('acked')
    const resolved = alert(2, { status: 'resolved', updatedAt: '2026-11-25T05:02:00Z', resolvedAt: '2026-11-25T05:02:00Z' })
    acked = foldAlert(acked, resolved, 'acked')
    expect(acked).toEqual([])
  })

  it('ignores a replayed older state of an alert it already has', () => {
    const acked = alert(3, { status: 'acked', updatedAt: '2026-11-25T05:01:00Z' })
    const all = foldAlert([acked], alert(3), '')
    expect(all[0]?.status).toBe('acked')
    const updated = alert(3, { status: 'acked', message: 'newer', updatedAt: '2026-11-25T05:03:00Z' })
    expect(foldAlert(all, updated, '')[0]?.message).toBe('newer')
    // A list an alert does not belong to is returned as it was.
    const open = [alert(1)]
    expect(foldAlert(open, acked, 'open')).toBe(open)
  })
})

describe('the bell', () => {
  it('counts open alerts', () => {
    expect(bellCount(0)).toBe('')
    expect(bellCount(7)).toBe('7')
    expect(bellCount(140)).toBe('99+')
    expect(bellLabel(null)).toBe('Alerts')
    expect(bellLabel(0)).toBe('Alerts: none open')
    expect(bellLabel(3)).toBe('Alerts: 3 open')
  })
})

describe('subjects', () => {
  it('leads a customer alert to its drawer and marks the customer over its limit while not resolved', () => {
    expect(subjectLink(alert(1))?.to).toBe('/customers/41')
    expect(subjectLink(alert(1, { rule: 'failure_rate', subject: { entity: 'vendor', id: 2 } }))?.to).toBe('/users')
    expect(subjectLink(alert(1, { rule: 'security_burst', subject: { entity: 'security', id: 1 } }))?.to).toBe('/security')
    expect(subjectLink(alert(1, { rule: 'dependency_down', subject: { entity: 'dependency', id: 2 } }))).toBeNull()
    const marked = overLimitCustomers([alert(1), alert(2, { status: 'acked' }), alert(3, { status: 'resolved' }), alert(4, { rule: 'large_payment', subject: { entity: 'payment', id: 9 } })])
    expect([...marked].sort()).toEqual([41, 42])
  })
})

describe('the rules form', () => {
  it('round-trips the rules in force', () => {
    const d = toDraft(rules)
    expect(d['balance_over_limit.defaultCreditLimitCents']).toBe('5000.50')
    expect(d['large_payment.thresholdCents']).toBe('50000')
    expect(d['failure_rate.enabled']).toBe(false)
    const out = fromDraft(d)
    expect('patch' in out && out.patch).toEqual(rules)
  })

  it('validates like the server, naming each field', () => {
    const d = {
      ...toDraft(rules),
      'failure_rate.percent': '101',
      'shift_cutoff.morningCutoff': '7am',
      'large_payment.thresholdCents': '0',
      'socket_errors.windowSeconds': '5',
      'security_burst.addresses': '1',
      minDurationSeconds: '1.5',
    }
    const out = fromDraft(d)
    expect('errors' in out && Object.keys(out.errors).sort()).toEqual([
      'failure_rate.percent', 'large_payment.thresholdCents', 'minDurationSeconds', 'security_burst.addresses',
      'shift_cutoff.morningCutoff', 'socket_errors.windowSeconds',
    ])
    const zero = fromDraft({ ...toDraft(rules), 'balance_over_limit.defaultCreditLimitCents': '0' })
    expect('patch' in zero && zero.patch.balance_over_limit.defaultCreditLimitCents).toBe(0)
  })
})
