import { describe, expect, it } from 'vitest'
import { eventToServerEvents } from '../../lib/socketModel'
import { keepLive, type ReportRow } from './queries'
import type { LogEvent } from '../../lib/types'

const base = { seq: 40, at: '2026-12-01T10:00:00Z', actorId: 0, actorName: 'system', entity: 'report', entityId: 7, vendorId: 2, summary: '' }
const report = { id: 7, kind: 'statements', status: 'ready', url: '/api/reports/7/file', bytes: 2048, error: '' }

// The polling fallback turns the log's report entries into the socket's events.
describe('report events from the log', () => {
  it('turns progress into report:progress alone (progress is not activity)', () => {
    const e = { ...base, action: 'report.progress', payload: { progress: { id: 7, done: 3, total: 10, etaSeconds: 2 } } } as LogEvent
    expect(eventToServerEvents(e)).toEqual([['report:progress', { id: 7, done: 3, total: 10, etaSeconds: 2, seq: 40, at: base.at }]])
  })
  it('turns ready into report:ready with the download, then activity', () => {
    const e = { ...base, action: 'report.ready', payload: { report } } as LogEvent
    const out = eventToServerEvents(e)
    expect(out.map(([n]) => n)).toEqual(['report:ready', 'activity:updated'])
    expect(out[0]?.[1]).toMatchObject({ id: 7, url: '/api/reports/7/file', bytes: 2048, report })
  })
  it('turns a cancellation into report:failed with cancelled: true', () => {
    const e = { ...base, action: 'report.cancelled', payload: { report: { ...report, status: 'cancelled', error: 'cancelled by Ada' } } } as LogEvent
    expect(eventToServerEvents(e)[0]).toEqual(['report:failed', expect.objectContaining({ id: 7, error: 'cancelled by Ada', cancelled: true })])
  })
})

// A refetch answered with rows read before the last progress event must not move a bar back.
describe('keepLive', () => {
  const row = (over: Partial<ReportRow>): ReportRow =>
    ({ id: 7, kind: 'statements', params: { month: '2026-11' }, vendorId: 0, status: 'running', done: 0, total: 10, requestedBy: 1, requestedByName: 'A', bytes: 0, attempts: 1, createdAt: '', ...over }) as ReportRow
  it('keeps the newer live progress of a running report', () => {
    expect(keepLive([row({ done: 2 })], [row({ done: 5, etaSeconds: 3 })])[0]).toMatchObject({ done: 5, etaSeconds: 3 })
  })
  it('keeps it also when the cached row came from the POST answer (attempts 0, then patched by progress)', () => {
    expect(keepLive([row({ done: 2, attempts: 1 })], [row({ done: 5, attempts: 0 })])[0]?.done).toBe(5)
  })
  it('takes the fetched row when it is ahead, finished, or queued again after a restart', () => {
    expect(keepLive([row({ done: 6 })], [row({ done: 5 })])[0]?.done).toBe(6)
    expect(keepLive([row({ status: 'ready', done: 10 })], [row({ done: 5 })])[0]?.status).toBe('ready')
    expect(keepLive([row({ status: 'queued', done: 0, attempts: 1 })], [row({ done: 5 })])[0]?.status).toBe('queued')
  })
})
