import { useState } from 'react'
import { Link } from '../../app/router'
import { Freshness } from '../../components/Freshness'
import { activityLink, activityText } from '../../lib/activity'
import { Empty, ErrorState, Loading } from '../../components/States'
import { formatDay, formatMoney, formatNumber, formatWhen } from '../../lib/format'
import { useNow, useSocketHealth } from '../../lib/realtime'
import { useApi, useSession } from '../../lib/services'
import type { ActivityEntry, ActivityResponse, Stats } from '../../lib/types'

const FEED_PAGE = 30
/** The Revenue card opens this month's analytics: its revenue is the card's month figure, today's included. */
const REVENUE_LINK = '/analytics?range=this-month'
import { PopupSettings } from './PopupSettings'
import { TodayDrawer, type TodayList } from './TodayDrawer'
import { usePresence, useRealtimeActivity, useRealtimeStats } from './hooks'
import { OUTSTANDING_LINK } from '../customers/listParams'

export function DashboardPage() {
  const session = useSession()
  const stats = useRealtimeStats()
  const activity = useRealtimeActivity(30)
  const items = activity.data?.items
  const older = useOlderActivity(items && items.length > 0 ? items[items.length - 1]!.seq : undefined)
  const now = useNow(30_000)
  const isAdmin = session?.user.role === 'admin'
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Dashboard</h1>
          <p className="muted">
            {isAdmin ? 'Today across the whole business' : 'Today for your customers'}
            {stats.data?.today ? (
              <span data-testid="business-day">
                {' '}
                · {formatDay(stats.data.today)} ({stats.data.timezone})
              </span>
            ) : null}
          </p>
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
            <div className="head-actions">
              <PopupSettings />
              <Freshness updatedAt={activity.dataUpdatedAt} failed={activity.isError} />
            </div>
          </div>
          {activity.isPending ? (
            <Loading rows={6} />
          ) : activity.isError && !activity.data ? (
            <ErrorState error={activity.error} retry={() => void activity.refetch()} />
          ) : activity.data && activity.data.items.length > 0 ? (
            <>
              <ol className="feed" data-testid="activity-feed">
                {activity.data.items.map((e) => (
                  <FeedItem key={e.seq} e={e} now={now} />
                ))}
                {older.older.map((e) => (
                  <FeedItem key={e.seq} e={e} now={now} />
                ))}
              </ol>
              <div className="feed-more">
                {older.canLoad ? (
                  <button type="button" className="btn btn-secondary" onClick={() => void older.load()} disabled={older.state === 'loading'} data-testid="feed-older">
                    {older.state === 'loading' ? 'Loading…' : older.state === 'error' ? 'Could not load; try again' : 'Load older activity'}
                  </button>
                ) : (
                  <span className="muted small">That is everything.</span>
                )}
              </div>
            </>
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
  const [open, setOpen] = useState<TodayList | null>(null)
  return (
    <div className="cards" data-testid="stat-cards">
      <StatCard label="Revenue today" value={formatMoney(s.revenueTodayCents)} sub={`${formatMoney(s.revenueMonthCents)} this month`} testId="stat-revenue-today" to={REVENUE_LINK} />
      <StatCard
        label="Payments today"
        value={formatMoney(s.paymentsTodayCents)}
        sub={`${formatNumber(s.paymentsToday)} payment${s.paymentsToday === 1 ? '' : 's'}`}
        testId="stat-payments-today"
        onOpen={() => setOpen('payments')}
      />
      <StatCard
        label="Deliveries today"
        value={`${formatNumber(d.delivered)} / ${formatNumber(d.total)}`}
        sub={`${formatNumber(d.outForDelivery)} out for delivery`}
        testId="stat-deliveries"
        onOpen={() => setOpen('deliveries')}
      />
      <StatCard
        label="Outstanding"
        value={formatMoney(s.outstandingCents)}
        sub={`${formatNumber(s.activeCustomers)} active customers${showVendors ? ` · ${s.activeVendors} vendors` : ''}`}
        testId="stat-outstanding"
        to={OUTSTANDING_LINK}
      />
      {open && <TodayDrawer list={open} today={s.today} onClose={() => setOpen(null)} />}
    </div>
  )
}

/** StatCard opens what it counts: a page (to) or a list (onOpen). */
function StatCard({ label, value, sub, testId, to, onOpen }: { label: string; value: string; sub: string; testId: string; to?: string; onOpen?: () => void }) {
  const inner = (
    <>
      <span className="stat-label">{label}</span>
      <span className="stat-value" key={value}>
        {value}
      </span>
      <span className="stat-sub">{sub}</span>
    </>
  )
  return to ? (
    <Link to={to} className="card stat stat-link" data-testid={testId}>
      {inner}
    </Link>
  ) : (
    <button type="button" className="card stat stat-link" data-testid={testId} onClick={onOpen} aria-haspopup="dialog">
      {inner}
    </button>
  )
}

const icons: Record<string, string> = { payment: '₹', delivery: '⇢', customer: '◎', user: '☺', settings: '⚙' }

function FeedItem({ e, now }: { e: ActivityEntry; now: number }) {
  const to = activityLink(e)
  const body = (
    <>
      <span className="feed-icon" aria-hidden="true">
        {icons[e.entity] ?? '•'}
      </span>
      <div className="feed-text">
        <span className="feed-summary">{activityText(e)}</span>
        <span className="feed-meta">
          {e.actorName || 'System'} · <time dateTime={e.at}>{formatWhen(e.at, now)}</time>
        </span>
      </div>
    </>
  )
  return (
    <li className={`feed-item feed-${e.entity}`} data-seq={e.seq}>
      {to ? (
        <Link to={to} className="feed-link">
          {body}
        </Link>
      ) : (
        <div className="feed-link">{body}</div>
      )}
    </li>
  )
}

/** useOlderActivity pages the feed back in time with GET /api/activity?before=SEQ. */
function useOlderActivity(oldestShown: number | undefined) {
  const api = useApi()
  const [older, setOlder] = useState<ActivityEntry[]>([])
  const [state, setState] = useState<'idle' | 'loading' | 'done' | 'error'>('idle')
  const before = older.length > 0 ? older[older.length - 1]!.seq : oldestShown
  async function load() {
    if (!before || state === 'loading') return
    setState('loading')
    try {
      const res = await api.get<ActivityResponse>('/api/activity', { before, limit: FEED_PAGE })
      setOlder((o) => [...o, ...res.items.filter((x) => x.seq < before)])
      setState(res.items.length < FEED_PAGE ? 'done' : 'idle')
    } catch {
      setState('error')
    }
  }
  return { older, state, load, canLoad: !!before && state !== 'done' }
}

function DeliveriesToday({ s }: { s: Stats | undefined }) {
  const d = s?.deliveriesToday
  const rows: Array<[string, number, string]> = d
    ? [
        ['Scheduled', d.scheduled, 'scheduled'],
        ['Out for delivery', d.outForDelivery, 'out_for_delivery'],
        ['Delivered', d.delivered, 'delivered'],
        ['Failed', d.failed, 'failed'],
        // Outside the total (docs/api.md: "deliveries today"), shown for reference.
        ['Cancelled', d.cancelled, 'cancelled'],
        ...(d.reversed > 0 ? [['Reversed', d.reversed, 'reversed'] as [string, number, string]] : []),
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
                <span className={`bars-fill fill-${key}`} style={{ width: `${Math.min(100, (n / total) * 100)}%` }} />
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
              <span className="muted small">since {formatWhen(a.since)}</span>
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
