import { Freshness } from '../../components/Freshness'
import { Empty, ErrorState, Loading } from '../../components/States'
import { formatMoney, formatNumber, formatTime } from '../../lib/format'
import { useSocketHealth } from '../../lib/realtime'
import { useSession } from '../../lib/services'
import type { ActivityEntry, Stats } from '../../lib/types'
import { usePresence, useRealtimeActivity, useRealtimeStats } from './hooks'

export function DashboardPage() {
  const session = useSession()
  const stats = useRealtimeStats()
  const activity = useRealtimeActivity(30)
  const isAdmin = session?.user.role === 'admin'
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Dashboard</h1>
          <p className="muted">{isAdmin ? 'Today across the whole business' : 'Today for your customers'}</p>
        </div>
        <Freshness updatedAt={stats.dataUpdatedAt} failed={stats.isError} />
      </div>

      {stats.isPending ? (
        <div className="cards">
          {Array.from({ length: 4 }, (_, i) => (
            <div key={i} className="card stat">
              <Loading rows={2} />
            </div>
          ))}
        </div>
      ) : stats.isError && !stats.data ? (
        <ErrorState error={stats.error} retry={() => void stats.refetch()} />
      ) : stats.data ? (
        <StatCards s={stats.data} showVendors={isAdmin} />
      ) : null}

      <div className="grid-2">
        <section className="card" aria-labelledby="feed-title">
          <div className="card-head">
            <h2 id="feed-title">Live activity</h2>
            <Freshness updatedAt={activity.dataUpdatedAt} failed={activity.isError} />
          </div>
          {activity.isPending ? (
            <Loading rows={6} />
          ) : activity.isError && !activity.data ? (
            <ErrorState error={activity.error} retry={() => void activity.refetch()} />
          ) : activity.data && activity.data.items.length > 0 ? (
            <ol className="feed" data-testid="activity-feed">
              {activity.data.items.map((e) => (
                <FeedItem key={e.seq} e={e} />
              ))}
            </ol>
          ) : (
            <Empty title="No activity yet">Deliveries, payments and customer changes appear here as they happen.</Empty>
          )}
        </section>
        <div className="stack">
          <DeliveriesToday s={stats.data} />
          {isAdmin && <OnlineAdmins meId={session?.user.id} />}
        </div>
      </div>
    </div>
  )
}

function StatCards({ s, showVendors }: { s: Stats; showVendors: boolean }) {
  const d = s.deliveriesToday
  return (
    <div className="cards" data-testid="stat-cards">
      <StatCard label="Revenue today" value={formatMoney(s.revenueTodayCents)} sub={`${formatMoney(s.revenueMonthCents)} this month`} testId="stat-revenue-today" />
      <StatCard
        label="Payments today"
        value={formatMoney(s.paymentsTodayCents)}
        sub={`${formatNumber(s.paymentsToday)} payment${s.paymentsToday === 1 ? '' : 's'}`}
        testId="stat-payments-today"
      />
      <StatCard label="Deliveries today" value={`${formatNumber(d.delivered)} / ${formatNumber(d.total)}`} sub={`${formatNumber(d.outForDelivery)} out for delivery`} testId="stat-deliveries" />
      <StatCard label="Outstanding" value={formatMoney(s.outstandingCents)} sub={`${formatNumber(s.activeCustomers)} active customers${showVendors ? ` · ${s.activeVendors} vendors` : ''}`} testId="stat-outstanding" />
    </div>
  )
}

function StatCard({ label, value, sub, testId }: { label: string; value: string; sub: string; testId: string }) {
  return (
    <div className="card stat" data-testid={testId}>
      <div className="stat-label">{label}</div>
      <div className="stat-value" key={value}>
        {value}
      </div>
      <div className="stat-sub">{sub}</div>
    </div>
  )
}

const icons: Record<string, string> = { payment: '₹', delivery: '⇢', customer: '◎', user: '☺' }

function FeedItem({ e }: { e: ActivityEntry }) {
  return (
    <li className={`feed-item feed-${e.entity}`}>
      <span className="feed-icon" aria-hidden="true">
        {icons[e.entity] ?? '•'}
      </span>
      <div className="feed-text">
        <span className="feed-summary">{e.summary}</span>
        <span className="feed-meta">
          {e.actorName || 'System'} · <time dateTime={e.at}>{formatTime(e.at)}</time>
        </span>
      </div>
    </li>
  )
}

function DeliveriesToday({ s }: { s: Stats | undefined }) {
  const d = s?.deliveriesToday
  const rows: Array<[string, number, string]> = d
    ? [
        ['Scheduled', d.scheduled, 'scheduled'],
        ['Out for delivery', d.outForDelivery, 'out_for_delivery'],
        ['Delivered', d.delivered, 'delivered'],
        ['Failed', d.failed, 'failed'],
        ['Cancelled', d.cancelled, 'cancelled'],
      ]
    : []
  const total = d?.total || 1
  return (
    <section className="card" aria-labelledby="today-title">
      <div className="card-head">
        <h2 id="today-title">Deliveries today</h2>
      </div>
      {!d ? (
        <Loading rows={4} />
      ) : (
        <ul className="bars">
          {rows.map(([label, n, key]) => (
            <li key={key}>
              <span className="bars-label">{label}</span>
              <span className="bars-track">
                <span className={`bars-fill fill-${key}`} style={{ width: `${(n / total) * 100}%` }} />
              </span>
              <span className="bars-value">{formatNumber(n)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

function OnlineAdmins({ meId }: { meId: number | undefined }) {
  const presence = usePresence()
  const { state } = useSocketHealth()
  const live = state.kind === 'live'
  const admins = live ? (presence.data?.admins ?? []) : []
  return (
    <section className="card" aria-labelledby="online-title">
      <div className="card-head">
        <h2 id="online-title">Online now</h2>
        <span className="muted small">{admins.length} admin{admins.length === 1 ? '' : 's'}</span>
      </div>
      {admins.length === 0 ? (
        <p className="muted small">{live ? 'Nobody else is online.' : 'Who is online shows again once the live connection is back.'}</p>
      ) : (
        <ul className="people" data-testid="presence">
          {admins.map((a) => (
            <li key={a.id}>
              <span className="avatar" aria-hidden="true">
                {initials(a.name)}
              </span>
              <span>
                {a.name}
                {a.id === meId && <span className="muted"> (you)</span>}
              </span>
              <span className="muted small">since {formatTime(a.since)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

export function initials(name: string): string {
  return (
    name
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((w) => w[0]?.toUpperCase())
      .join('') || '?'
  )
}
