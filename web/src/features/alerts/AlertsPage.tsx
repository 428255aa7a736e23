import { useState, type FormEvent } from 'react'
import { Link } from '../../app/router'
import { Freshness } from '../../components/Freshness'
import { Badge, Empty, ErrorState, Loading } from '../../components/States'
import { ApiError } from '../../lib/api'
import { formatDateTime } from '../../lib/format'
import { useSession } from '../../lib/services'
import type { Alert } from '../../lib/types'
import { RULE_TITLES, subjectLink, type StatusFilter } from './model'
import { useAckAlert, useAlerts } from './queries'
import { RulesForm } from './RulesForm'
import './alerts.css'

const TABS: Array<{ status: StatusFilter; label: string }> = [
  { status: 'open', label: 'Open' },
  { status: 'acked', label: 'Acknowledged' },
  { status: 'resolved', label: 'Resolved' },
  { status: '', label: 'All' },
]

/** AlertsPage lists alerts by status, live, with acknowledgement and the rules (admins only). */
export function AlertsPage() {
  const session = useSession()
  if (session?.user.role !== 'admin') {
    return (
      <div className="page">
        <Empty title="Admins only">Alerts are shown to administrators.</Empty>
      </div>
    )
  }
  return <AlertsList />
}

function AlertsList() {
  const [status, setStatus] = useState<StatusFilter>('open')
  const alerts = useAlerts(status)
  const items = alerts.data ?? []
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Alerts</h1>
          <p className="muted">Raised by the rules below as conditions start; resolved when they end. Every admin sees who acknowledged.</p>
        </div>
        <div className="head-actions">
          <Freshness updatedAt={alerts.dataUpdatedAt} failed={alerts.isError} />
        </div>
      </div>
      <section className="card" aria-labelledby="alerts-title">
        <div className="card-head">
          <h2 id="alerts-title">{TABS.find((t) => t.status === status)?.label} alerts</h2>
          <div className="alert-tabs" role="group" aria-label="Status">
            {TABS.map((t) => (
              <button
                key={t.label}
                type="button"
                className={`btn ${t.status === status ? 'btn-primary' : 'btn-secondary'}`}
                aria-pressed={t.status === status}
                onClick={() => setStatus(t.status)}
              >
                {t.label}
              </button>
            ))}
          </div>
        </div>
        {alerts.isPending ? (
          <div className="pad">
            <Loading rows={3} />
          </div>
        ) : alerts.isError && !alerts.data ? (
          <ErrorState error={alerts.error} retry={() => void alerts.refetch()} />
        ) : items.length === 0 ? (
          <Empty title={status === 'open' ? 'No open alerts' : 'No alerts here'}>
            {status === 'open' ? 'All quiet. New alerts appear here and on the bell as they are raised.' : 'Nothing with this status.'}
          </Empty>
        ) : (
          <ul className="alert-list" data-testid="alerts-list">
            {items.map((a) => (
              <AlertItem key={a.id} a={a} />
            ))}
          </ul>
        )}
      </section>
      <section className="card" aria-labelledby="rules-title">
        <div className="card-head">
          <h2 id="rules-title">Rules</h2>
        </div>
        <RulesForm />
      </section>
    </div>
  )
}

function AlertItem({ a }: { a: Alert }) {
  const link = subjectLink(a)
  const [acking, setAcking] = useState(false)
  return (
    <li className="alert-item" data-testid={`alert-${a.id}`} data-status={a.status} data-rule={a.rule}>
      <div className="alert-head">
        <Badge value={a.severity} />
        <strong>{RULE_TITLES[a.rule] ?? a.rule}</strong>
        <Badge value={a.status} label={a.status === 'acked' ? 'Acknowledged' : undefined} />
        <span className="muted small">raised {formatDateTime(a.raisedAt)}</span>
      </div>
      <p className="alert-message">{a.message}</p>
      {a.ackedByName && (
        <p className="muted small" data-testid="acked-by">
          Acknowledged by {a.ackedByName}
          {a.ackedAt ? ` at ${formatDateTime(a.ackedAt)}` : ''}
          {a.ackNote ? `: “${a.ackNote}”` : ''}
        </p>
      )}
      {a.resolvedAt && <p className="muted small">Resolved {formatDateTime(a.resolvedAt)}</p>}
      <div className="alert-actions">
        {link && (
          <Link to={link.to} className="btn btn-ghost">
            {link.label}
          </Link>
        )}
        {a.status === 'open' && !acking && (
          <button type="button" className="btn btn-secondary" onClick={() => setAcking(true)}>
            Acknowledge
          </button>
        )}
      </div>
      {a.status === 'open' && acking && <AckForm id={a.id} onDone={() => setAcking(false)} />}
    </li>
  )
}

function AckForm({ id, onDone }: { id: number; onDone: () => void }) {
  const ack = useAckAlert()
  const [note, setNote] = useState('')
  const [error, setError] = useState<string | null>(null)
  async function submit(e: FormEvent) {
    e.preventDefault()
    if (note.trim().length > 500) {
      setError('Keep the note to 500 characters.')
      return
    }
    setError(null)
    try {
      await ack.mutateAsync({ id, note })
      onDone()
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Could not acknowledge. Try again.')
    }
  }
  return (
    <form className="ack-form" onSubmit={submit} noValidate aria-label="Acknowledge alert">
      <label className="field">
        <span>Note (optional)</span>
        <textarea
          value={note}
          maxLength={500}
          onChange={(e) => setNote(e.target.value)}
          aria-invalid={!!error}
          placeholder="What you are doing about it"
          data-testid="ack-note"
        />
      </label>
      <div className="alert-actions">
        <button type="submit" className="btn btn-primary" disabled={ack.isPending}>
          {ack.isPending ? 'Acknowledging…' : 'Acknowledge'}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onDone}>
          Cancel
        </button>
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  )
}
