import { useState } from 'react'
import { Freshness } from '../../components/Freshness'
import { Badge, Empty, ErrorState, Loading } from '../../components/States'
import { formatDateTime } from '../../lib/format'
import { useSession } from '../../lib/services'
import type { SecurityEvent, SecurityEventKind } from '../../lib/types'
import { useSecurityEvents } from './queries'

export const SECURITY_KINDS: Array<{ kind: SecurityEventKind; label: string }> = [
  { kind: 'login_failed', label: 'Failed login' },
  { kind: 'login_rate_limited', label: 'Login rate-limited' },
  { kind: 'token_refused', label: 'Token refused' },
  { kind: 'refresh_reuse', label: 'Refresh token reused' },
  { kind: 'origin_refused', label: 'Origin refused' },
  { kind: 'connection_refused', label: 'Connection refused' },
  { kind: 'password_changed', label: 'Password changed' },
  { kind: 'role_changed', label: 'Role changed' },
  { kind: 'status_changed', label: 'Status changed' },
  { kind: 'user_created', label: 'User created' },
  { kind: 'sessions_revoked', label: 'Sessions ended' },
]
const labelOf = (k: string) => SECURITY_KINDS.find((s) => s.kind === k)?.label ?? k

/** SecurityPage lists security events live, newest first (admins only). */
export function SecurityPage() {
  const session = useSession()
  if (session?.user.role !== 'admin') {
    return (
      <div className="page">
        <Empty title="Admins only">Security events are shown to administrators.</Empty>
      </div>
    )
  }
  return <SecurityList />
}

function SecurityList() {
  const [kind, setKind] = useState<SecurityEventKind | ''>('')
  const events = useSecurityEvents(kind)
  const items = events.data ?? []
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Security</h1>
          <p className="muted">Failed and refused logins, refused tokens and connections, and account changes, as they happen.</p>
        </div>
        <div className="head-actions">
          <Freshness updatedAt={events.dataUpdatedAt} failed={events.isError} />
        </div>
      </div>
      <section className="card" aria-labelledby="security-title">
        <div className="card-head">
          <h2 id="security-title">Events</h2>
          <label className="field field-inline">
            <span className="sr-only">Kind</span>
            <select value={kind} onChange={(e) => setKind(e.target.value as SecurityEventKind | '')} aria-label="Kind">
              <option value="">All kinds</option>
              {SECURITY_KINDS.map((k) => (
                <option key={k.kind} value={k.kind}>
                  {k.label}
                </option>
              ))}
            </select>
          </label>
        </div>
        {events.isPending ? (
          <div className="pad">
            <Loading rows={5} />
          </div>
        ) : events.isError && !events.data ? (
          <ErrorState error={events.error} retry={() => void events.refetch()} />
        ) : items.length === 0 ? (
          <Empty title="No security events">{kind ? 'None of this kind yet.' : 'Nothing recorded yet.'}</Empty>
        ) : (
          // Wider than a phone: focusable, so that the keyboard can scroll it too.
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Security events, scrollable">
            <table className="table" data-testid="security-table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Account</th>
                  <th scope="col" className="hide-sm">Address</th>
                  <th scope="col" className="hide-sm">Detail</th>
                </tr>
              </thead>
              <tbody>
                {items.map((e) => (
                  <Row key={`${e.seq}-${e.kind}-${e.userId ?? 0}-${e.detail}`} e={e} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  )
}

function Row({ e }: { e: SecurityEvent }) {
  return (
    <tr data-kind={e.kind}>
      <td>{formatDateTime(e.at)}</td>
      <td>
        <Badge value={e.kind} label={labelOf(e.kind)} />
      </td>
      <td>{e.email || (e.userId ? `user ${e.userId}` : '—')}</td>
      <td className="hide-sm">{e.address || '—'}</td>
      <td className="hide-sm">{e.detail}</td>
    </tr>
  )
}
