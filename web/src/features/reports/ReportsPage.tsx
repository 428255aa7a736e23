import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useRef, useState, type FormEvent } from 'react'
import { Badge, Empty, ErrorState, Loading } from '../../components/States'
import { ApiError, newIdempotencyKey } from '../../lib/api'
import { DayInput } from '../../components/DateInput'
import { MonthSelect } from '../../components/MonthSelect'
import { DAY_INPUT_ERROR, formatDateTime, formatDay, formatMonth, formatNumber, parseDayInput } from '../../lib/format'
import { useApi, useServices, useSession } from '../../lib/services'
import type { Report, ReportCreate, ReportDeleted, ReportKind } from '../../lib/types'
import { userQueries } from '../users/queries'
import { reportKeys, saveBlob, useReports, type ReportRow } from './queries'

export const REPORT_KINDS: Array<{ kind: ReportKind; label: string; hint: string }> = [
  { kind: 'statements', label: 'Statements', hint: 'One PDF statement per customer for the month, and a CSV summary (ZIP).' },
  { kind: 'dues-ageing', label: 'Dues ageing', hint: 'Balances by the age of the oldest unpaid charge: 0–30, 31–60, 61–90, 90+ days (CSV and PDF).' },
  { kind: 'vendor-settlement', label: 'Vendor settlement', hint: 'Per vendor for the month: deliveries, revenue, collections and reversals (CSV and PDF).' },
]
const kindLabel = (k: string) => REPORT_KINDS.find((r) => r.kind === k)?.label ?? k

const pad = (n: number) => String(n).padStart(2, '0')
const thisMonth = () => {
  const d = new Date()
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}`
}
const today = () => {
  const d = new Date()
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** ReportsPage starts reports and follows them live (admins and vendors). */
export function ReportsPage() {
  const session = useSession()
  if (!session || session.user.role === 'staff') {
    return (
      <div className="page">
        <Empty title="Not available">Reports are for administrators and vendors.</Empty>
      </div>
    )
  }
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Reports</h1>
          <p className="muted">Statements, dues ageing and vendor settlements, built in the background. Progress shows live; files are kept for 7 days.</p>
        </div>
      </div>
      <NewReport isAdmin={session.user.role === 'admin'} />
      <ReportList />
    </div>
  )
}

function NewReport({ isAdmin }: { isAdmin: boolean }) {
  const api = useApi()
  const qc = useQueryClient()
  const { toasts } = useServices()
  const [kind, setKind] = useState<ReportKind>('statements')
  const [month, setMonth] = useState(thisMonth)
  const [asOf, setAsOf] = useState(today)
  const [vendorId, setVendorId] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<{ message: string; field?: string } | null>(null)
  // One key per report asked for: the client's retries and a second click
  // after a lost answer start it once.
  const key = useRef<string | null>(null)
  const vendors = useQuery({ ...userQueries.list(api, { role: 'vendor' }), enabled: isAdmin })
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (kind === 'dues-ageing' && parseDayInput(asOf) !== asOf) {
      setError({ message: DAY_INPUT_ERROR, field: 'params.asOf' })
      return
    }
    setBusy(true)
    setError(null)
    key.current ??= newIdempotencyKey()
    const body: ReportCreate = {
      kind,
      params: { ...(kind === 'dues-ageing' ? { asOf } : { month }), ...(vendorId ? { vendorId: Number(vendorId) } : {}) },
    }
    try {
      const r = await api.post<Report>('/api/reports', body, { idempotencyKey: key.current })
      key.current = null
      qc.setQueryData<ReportRow[]>(reportKeys.all(), (old) => (old?.some((x) => x.id === r.id) ? old : [r, ...(old ?? [])]))
      toasts.push({ kind: 'success', title: `${kindLabel(r.kind)} report started` })
    } catch (err) {
      setError(err instanceof ApiError ? { message: err.message, field: err.field } : { message: 'Could not start the report. Try again.' })
    } finally {
      setBusy(false)
    }
  }
  const change = (fn: () => void) => {
    fn()
    key.current = null // another request: another key
  }
  const fieldError = (f: string) =>
    error?.field === f ? (
      <span className="form-error" role="alert">
        {error.message}
      </span>
    ) : null
  return (
    <form className="card" onSubmit={submit} aria-label="New report" noValidate>
      <h2>New report</h2>
      <div className="form-grid">
        <label className="field">
          <span>Report</span>
          <select value={kind} onChange={(e) => change(() => setKind(e.target.value as ReportKind))} aria-invalid={error?.field === 'kind'}>
            {REPORT_KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
          {fieldError('kind')}
        </label>
        {kind === 'dues-ageing' ? (
          <label className="field">
            <span>As of</span>
            <DayInput value={asOf} onChange={(d) => change(() => setAsOf(d))} aria-invalid={error?.field === 'params.asOf'} />
            {fieldError('params.asOf')}
          </label>
        ) : (
          <label className="field">
            <span>Month</span>
            <MonthSelect value={month} latest={thisMonth()} onChange={(m) => change(() => setMonth(m))} aria-invalid={error?.field === 'params.month'} />
            {fieldError('params.month')}
          </label>
        )}
        {isAdmin && (
          <label className="field">
            <span>Vendor</span>
            <select value={vendorId} onChange={(e) => change(() => setVendorId(e.target.value))} aria-invalid={error?.field === 'params.vendorId'}>
              <option value="">All vendors (the whole business)</option>
              {(vendors.data?.items ?? []).map((v) => (
                <option key={v.id} value={v.id}>
                  {v.name}
                </option>
              ))}
            </select>
            {fieldError('params.vendorId')}
          </label>
        )}
      </div>
      <p className="muted">{REPORT_KINDS.find((k) => k.kind === kind)?.hint}</p>
      {error && !error.field && (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Starting…' : 'Start report'}
        </button>
      </div>
    </form>
  )
}

function ReportList() {
  const reports = useReports()
  if (reports.isPending) return <Loading label="Loading reports…" />
  if (reports.isError) return <ErrorState error={reports.error} retry={() => void reports.refetch()} />
  const rows = reports.data
  return (
    <section className="card" aria-labelledby="reports-title">
      <div className="card-head">
        <h2 id="reports-title">Reports</h2>
      </div>
      {rows.length === 0 ? (
        <Empty title="No reports yet">Start one above; it appears here with its progress.</Empty>
      ) : (
        <ul className="list report-list">
          {rows.map((r) => (
            <ReportItem key={r.id} r={r} />
          ))}
        </ul>
      )}
    </section>
  )
}

/** describe names a report in the list: "Statements November 2026", "Dues ageing as of 2 Dec 2026". */
export function describe(r: Pick<Report, 'kind' | 'params'>): string {
  const p = r.params
  const when = p.month ? formatMonth(p.month) : p.asOf ? `as of ${formatDay(p.asOf)}` : ''
  return `${kindLabel(r.kind)} ${when}`.trim()
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}

function ReportItem({ r }: { r: ReportRow }) {
  const api = useApi()
  const qc = useQueryClient()
  const { toasts } = useServices()
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const active = r.status === 'queued' || r.status === 'running'
  const pct = r.total > 0 ? Math.round((r.done / r.total) * 100) : 0
  const download = async () => {
    setBusy(true)
    try {
      if (!api.blob) throw new Error('downloads are not available')
      saveBlob(await api.blob(r.url ?? `/api/reports/${r.id}/file`), r.fileName ?? `report-${r.id}.zip`)
    } catch (err) {
      toasts.push({ kind: 'error', title: 'Could not download the report', body: err instanceof ApiError ? err.message : 'Try again.' })
    } finally {
      setBusy(false)
    }
  }
  const remove = async () => {
    setBusy(true)
    try {
      if (!api.del) throw new Error('deleting is not available')
      const res = await api.del<ReportDeleted>(`/api/reports/${r.id}`)
      setConfirming(false)
      toasts.push({ kind: 'success', title: res.result === 'cancelled' ? 'Report cancelled' : 'Report removed' })
      await qc.invalidateQueries({ queryKey: reportKeys.all() })
    } catch (err) {
      toasts.push({ kind: 'error', title: active ? 'Could not cancel the report' : 'Could not remove the report', body: err instanceof ApiError ? err.message : 'Try again.' })
    } finally {
      setBusy(false)
    }
  }
  const what = describe(r)
  return (
    <li className="list-row report-row" data-report-id={r.id} data-status={r.status}>
      <div className="report-main">
        <div className="report-title">
          <strong>{what}</strong> <Badge value={r.status} />
        </div>
        <div className="muted report-meta">
          #{r.id} · requested by {r.requestedByName} · {formatDateTime(r.createdAt)}
          {r.status === 'ready' && ` · ${formatBytes(r.bytes)}`}
          {r.attempts > 1 && active && ` · restarted (attempt ${r.attempts})`}
        </div>
        {active && (
          <div className="report-progress">
            <div
              className="progress"
              role="progressbar"
              aria-label={`Progress of ${what}`}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={pct}
              aria-valuetext={r.total > 0 ? `${formatNumber(r.done)} of ${formatNumber(r.total)}` : 'waiting to start'}
            >
              <div className="progress-bar" style={{ width: `${pct}%` }} />
            </div>
            <span className="muted">
              {r.status === 'queued' ? 'Waiting to start' : `${formatNumber(r.done)} of ${formatNumber(r.total)}`}
              {r.etaSeconds != null && r.etaSeconds > 0 && ` · about ${r.etaSeconds} s left`}
            </span>
          </div>
        )}
        {(r.status === 'failed' || r.status === 'cancelled') && r.error && (
          <p className={r.status === 'failed' ? 'form-error' : 'muted'} role={r.status === 'failed' ? 'alert' : undefined}>
            {r.status === 'failed' ? `Failed: ${r.error}` : `Cancelled: ${r.error.replace(/^cancelled /, '')}`}
          </p>
        )}
      </div>
      <div className="report-actions">
        {r.status === 'ready' && (
          <button type="button" className="btn btn-primary" onClick={() => void download()} disabled={busy} aria-label={`Download ${what}`}>
            Download
          </button>
        )}
        {confirming ? (
          <span className="report-confirm" role="group" aria-label={active ? 'Confirm cancelling' : 'Confirm removing'}>
            <span>{active ? 'Cancel this report?' : 'Remove this report and its file?'}</span>
            <button type="button" className="btn btn-danger" onClick={() => void remove()} disabled={busy}>
              {active ? 'Yes, cancel it' : 'Yes, remove it'}
            </button>
            <button type="button" className="btn btn-ghost" onClick={() => setConfirming(false)} disabled={busy}>
              Keep it
            </button>
          </span>
        ) : (
          <button type="button" className="btn btn-secondary" onClick={() => setConfirming(true)} aria-label={`${active ? 'Cancel' : 'Remove'} ${what}`}>
            {active ? 'Cancel' : 'Remove'}
          </button>
        )}
      </div>
    </li>
  )
}
