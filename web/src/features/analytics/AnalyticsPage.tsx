import { useMemo, useState } from 'react'
import { Freshness } from '../../components/Freshness'
import { Empty, ErrorState, Loading } from '../../components/States'
import { formatMoney, formatMoneyCompact, formatNumber, formatTime, isoDay } from '../../lib/format'
import type { AnalyticsParams } from '../../lib/queryKeys'
import type { Interval } from '../../lib/types'
import { Chart } from './Chart'
import { useAnalytics } from './queries'

const PRESETS: Array<[string, number, Interval]> = [
  ['7 days', 7, 'day'],
  ['30 days', 30, 'day'],
  ['90 days', 90, 'week'],
  ['12 months', 365, 'month'],
]

export function rangeFor(days: number, today = new Date()): { from: string; to: string } {
  const from = new Date(today.getTime() - (days - 1) * 86_400_000)
  return { from: isoDay(from), to: isoDay(today) }
}

const shortDay = new Intl.DateTimeFormat('en-IN', { day: 'numeric', month: 'short', timeZone: 'UTC' })
const monthFmt = new Intl.DateTimeFormat('en-IN', { month: 'short', year: '2-digit', timeZone: 'UTC' })

function periodLabel(period: string, interval: Interval): string {
  const d = new Date(`${period}T00:00:00Z`)
  if (Number.isNaN(d.getTime())) return period
  return interval === 'month' ? monthFmt.format(d) : shortDay.format(d)
}

export function AnalyticsPage() {
  const [params, setParams] = useState<AnalyticsParams>(() => ({ ...rangeFor(30), interval: 'day' }))
  const q = useAnalytics(params)
  const invalid = params.from > params.to
  const data = q.data
  const labels = useMemo(() => (data ? data.series.map((p) => periodLabel(p.period, data.interval)) : []), [data])
  const totals = useMemo(() => {
    const t = { revenue: 0, payments: 0, customers: 0, deliveries: 0, delivered: 0 }
    for (const p of data?.series ?? []) {
      t.revenue += p.revenueCents
      t.payments += p.paymentsCents
      t.customers += p.newCustomers
      t.deliveries += p.deliveries
      t.delivered += p.delivered
    }
    return t
  }, [data])

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Analytics</h1>
          <p className="muted">
            {q.dataUpdatedAt ? <>Last updated {formatTime(q.dataUpdatedAt)}</> : 'Revenue, customers and deliveries over time'}
          </p>
        </div>
        <Freshness updatedAt={q.dataUpdatedAt} failed={q.isError} />
      </div>

      <div className="filters">
        <div className="segmented" role="group" aria-label="Quick ranges">
          {PRESETS.map(([label, days, interval]) => (
            <button key={label} type="button" className="btn btn-secondary" onClick={() => setParams({ ...rangeFor(days), interval })}>
              {label}
            </button>
          ))}
        </div>
        <label className="field field-inline">
          <span>From</span>
          <input type="date" value={params.from} max={params.to} onChange={(e) => e.target.value && setParams({ ...params, from: e.target.value })} />
        </label>
        <label className="field field-inline">
          <span>To</span>
          <input type="date" value={params.to} min={params.from} onChange={(e) => e.target.value && setParams({ ...params, to: e.target.value })} />
        </label>
        <label className="field field-inline">
          <span>Interval</span>
          <select value={params.interval} onChange={(e) => setParams({ ...params, interval: e.target.value as Interval })}>
            <option value="day">Day</option>
            <option value="week">Week</option>
            <option value="month">Month</option>
          </select>
        </label>
      </div>

      {invalid ? (
        <Empty title="The start date is after the end date">Pick a start date on or before the end date.</Empty>
      ) : q.isPending ? (
        <div className="card">
          <Loading rows={6} />
        </div>
      ) : q.isError && !data ? (
        <ErrorState error={q.error} retry={() => void q.refetch()} />
      ) : data && data.series.length > 0 ? (
        <>
          <div className="cards" data-testid="analytics-totals">
            <Total label="Revenue" value={formatMoney(totals.revenue)} />
            <Total label="Payments received" value={formatMoney(totals.payments)} />
            <Total label="New customers" value={formatNumber(totals.customers)} />
            <Total label="Deliveries delivered" value={`${formatNumber(totals.delivered)} / ${formatNumber(totals.deliveries)}`} />
          </div>
          <div className="grid-2">
            <section className="card" aria-labelledby="rev-title">
              <div className="card-head">
                <h2 id="rev-title">Revenue and payments</h2>
              </div>
              <Chart
                label="Revenue and payments per period"
                labels={labels}
                series={[
                  { name: 'Revenue', className: 's1' },
                  { name: 'Payments', className: 's2' },
                ]}
                values={[data.series.map((p) => p.revenueCents), data.series.map((p) => p.paymentsCents)]}
                format={formatMoneyCompact}
              />
            </section>
            <section className="card" aria-labelledby="del-title">
              <div className="card-head">
                <h2 id="del-title">Deliveries</h2>
              </div>
              <Chart
                label="Deliveries scheduled and delivered per period"
                labels={labels}
                series={[
                  { name: 'Scheduled', className: 's3' },
                  { name: 'Delivered', className: 's1' },
                ]}
                values={[data.series.map((p) => p.deliveries), data.series.map((p) => p.delivered)]}
                format={formatNumber}
                integer
              />
            </section>
            <section className="card" aria-labelledby="cust-title">
              <div className="card-head">
                <h2 id="cust-title">New customers</h2>
              </div>
              <Chart
                kind="line"
                label="New customers per period"
                labels={labels}
                series={[{ name: 'New customers', className: 's2' }]}
                values={[data.series.map((p) => p.newCustomers)]}
                format={formatNumber}
                integer
              />
            </section>
            <section className="card" aria-labelledby="top-title">
              <div className="card-head">
                <h2 id="top-title">Top vendors</h2>
              </div>
              {data.topVendors.length === 0 ? (
                <Empty title="No vendor activity in this range" />
              ) : (
                <table className="table table-compact">
                  <thead>
                    <tr>
                      <th scope="col">Vendor</th>
                      <th scope="col" className="num">Revenue</th>
                      <th scope="col" className="num hide-sm">Deliveries</th>
                      <th scope="col" className="num">Customers</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.topVendors.map((v) => (
                      <tr key={v.vendorId}>
                        <td>{v.name}</td>
                        <td className="num">{formatMoney(v.revenueCents)}</td>
                        <td className="num hide-sm">{formatNumber(v.deliveries)}</td>
                        <td className="num">{formatNumber(v.customers)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          </div>
        </>
      ) : (
        <Empty title="No data in this range">Pick a wider date range.</Empty>
      )}
    </div>
  )
}

function Total({ label, value }: { label: string; value: string }) {
  return (
    <div className="card stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
    </div>
  )
}
