import { useEffect, useMemo, useRef, useState } from 'react'
import { useLocation } from '../../app/router'
import { Freshness } from '../../components/Freshness'
import { Empty, ErrorState, Loading } from '../../components/States'
import { DateInput } from '../../components/DateInput'
import { formatDayRange, formatMoney, formatMoneyCompact, formatNumber, formatPeriod, formatRate, formatTime } from '../../lib/format'
import type { AnalyticsParams } from '../../lib/queryKeys'
import { useSession } from '../../lib/services'
import type { Interval } from '../../lib/types'
import { AgeingCard, BreakdownCard, VendorComparisonCard } from './Cards'
import { Chart } from './Chart'
import { ageingAsOf, rangeCollectionRate } from './figures'
import { PRESETS, presetOf, presetRange, type PresetId } from './presets'
import { useAnalytics, useBreakdown, useDuesAgeing, useVendorComparison } from './queries'
import { useRealtimeStats } from '../dashboard/hooks'

export function AnalyticsPage() {
  const today = useRealtimeStats().data?.today
  const isAdmin = useSession()?.user.role === 'admin'
  // ?range= picks the first preset (the dashboard's Revenue card opens this month).
  const asked = useLocation().search.get('range')
  const first = PRESETS.find((p) => p.id === asked) ?? PRESETS.find((p) => p.id === '30d')!
  const [params, setParams] = useState<AnalyticsParams>(() => ({ ...presetRange(first.id, today), interval: first.interval }))
  // Until the user picks dates, the preset follows the business's today.
  const preset = useRef<PresetId | null>(first.id)
  useEffect(() => {
    if (today && preset.current !== null) {
      const id = preset.current
      setParams((p) => ({ ...p, ...presetRange(id, today) }))
    }
  }, [today])
  const pick = (next: AnalyticsParams, id: PresetId | null) => {
    preset.current = id
    setParams(next)
  }
  const pressed = presetOf(params, today)
  const q = useAnalytics(params)
  const invalid = params.from > params.to
  const range = { from: params.from, to: params.to }
  const asOf = ageingAsOf(params.to, today)
  const ageing = useDuesAgeing(asOf, !invalid)
  const byProduct = useBreakdown('product', range, !invalid)
  const byArea = useBreakdown('area', range, !invalid)
  const vendors = useVendorComparison(range, isAdmin && !invalid)
  const data = q.data
  // A partial bucket (cut by the range, or not over yet) is marked with *.
  const labels = useMemo(
    () => (data ? data.series.map((p) => formatPeriod(p.period, data.interval) + (p.partial ? '*' : '')) : []),
    [data],
  )
  const totals = useMemo(() => {
    const t = { revenue: 0, payments: 0, customers: 0, deliveries: 0, delivered: 0, rate: rangeCollectionRate(data?.series ?? []) }
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
            {data ? <> · {formatDayRange(data.from, data.to)}</> : null}
            {data?.timezone ? <> · days in {data.timezone}; * marks a partial period</> : null}
          </p>
        </div>
        <Freshness updatedAt={q.dataUpdatedAt} failed={q.isError} />
      </div>

      <div className="filters">
        <div className="segmented" role="group" aria-label="Quick ranges">
          {PRESETS.map((p) => (
            <button
              key={p.id}
              type="button"
              className="btn btn-secondary"
              aria-pressed={pressed === p.id}
              onClick={() => pick({ ...presetRange(p.id, today), interval: p.interval }, p.id)}
            >
              {p.label}
            </button>
          ))}
        </div>
        <DateInput label="From" value={params.from} max={params.to} onChange={(from) => pick({ ...params, from }, null)} />
        <DateInput label="To" value={params.to} min={params.from} onChange={(to) => pick({ ...params, to }, null)} />
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
            <Total label="Collection rate" value={formatRate(totals.rate)} testId="collection-total" />
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
            <section className="card" aria-labelledby="rate-title" data-testid="collection-rate">
              <div className="card-head">
                <h2 id="rate-title">Collection rate</h2>
                <Freshness updatedAt={q.dataUpdatedAt} failed={q.isError} />
              </div>
              <Chart
                kind="line"
                label="Collection rate per period: payments over charges"
                labels={labels}
                series={[{ name: 'Payments / charges', className: 's1' }]}
                values={[data.series.map((p) => p.collectionRate)]}
                format={formatRate}
              />
            </section>
            <section className="card" aria-labelledby="subs-title" data-testid="active-subscribers">
              <div className="card-head">
                <h2 id="subs-title">Active subscribers</h2>
                <Freshness updatedAt={q.dataUpdatedAt} failed={q.isError} />
              </div>
              <Chart
                kind="line"
                label="Active subscribers per period"
                labels={labels}
                series={[{ name: 'Subscribers with a delivery', className: 's3' }]}
                values={[data.series.map((p) => p.activeSubscribers)]}
                format={formatNumber}
                integer
              />
            </section>
            <AgeingCard q={ageing} asOf={asOf} />
            <BreakdownCard q={byProduct} by="product" />
            <BreakdownCard q={byArea} by="area" />
            {isAdmin ? <VendorComparisonCard q={vendors} /> : null}
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

function Total({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="card stat" data-testid={testId}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
    </div>
  )
}
