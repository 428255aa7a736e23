import type { ReactNode } from 'react'
import type { UseQueryResult } from '@tanstack/react-query'
import { Freshness } from '../../components/Freshness'
import { Empty, ErrorState, Loading } from '../../components/States'
import { formatDay, formatMoney, formatMoneyCompact, formatNumber, formatRate } from '../../lib/format'
import type { Breakdown, DuesAgeing, VendorComparison } from '../../lib/types'
import { Chart } from './Chart'
import { ageingLabel, breakdownLabel, shares } from './figures'

// The analytics page's cards beyond the series: each has its own query,
// refetched live (throttled) like the series, and its own live-or-cached
// marker.

/** Card is a titled section with its freshness marker and the query's loading and error states. */
function Card<T>({
  id,
  title,
  sub,
  q,
  wide = false,
  children,
}: {
  id: string
  title: string
  sub?: ReactNode
  q: UseQueryResult<T>
  wide?: boolean
  children: (data: T) => ReactNode
}) {
  return (
    <section className={wide ? 'card card-wide' : 'card'} aria-labelledby={`${id}-title`} data-testid={id}>
      <div className="card-head">
        <div>
          <h2 id={`${id}-title`}>{title}</h2>
          {sub ? <p className="muted">{sub}</p> : null}
        </div>
        <Freshness updatedAt={q.dataUpdatedAt} failed={q.isError} />
      </div>
      {q.data !== undefined ? children(q.data) : q.isError ? <ErrorState error={q.error} retry={() => void q.refetch()} /> : <Loading rows={4} />}
    </section>
  )
}

const OLDEST = 8

export function AgeingCard({ q, asOf }: { q: UseQueryResult<DuesAgeing>; asOf: string }) {
  return (
    <Card id="ageing" title="Dues ageing" sub={<>What customers owe on {formatDay(asOf)}, by their oldest unpaid charge</>} q={q}>
      {(d) =>
        d.customers.length === 0 ? (
          <Empty title="Nobody owes anything" />
        ) : (
          <>
            <Chart
              label={`Dues by age of the oldest unpaid charge on ${formatDay(d.asOf)}`}
              labels={d.buckets.map((b) => ageingLabel(b.bucket))}
              series={[{ name: 'Owed', className: 's1' }]}
              values={[d.buckets.map((b) => b.balanceCents)]}
              format={formatMoneyCompact}
            />
            <p className="muted" data-testid="ageing-total">
              {formatMoney(d.totalCents)} owed by {formatNumber(d.customers.length)} customers
            </p>
            <table className="table table-compact">
              <caption className="sr-only">Customers with the oldest unpaid charges</caption>
              <thead>
                <tr>
                  <th scope="col">Customer</th>
                  <th scope="col" className="hide-sm">Oldest unpaid</th>
                  <th scope="col" className="num">Days</th>
                  <th scope="col" className="num">Owed</th>
                </tr>
              </thead>
              <tbody>
                {d.customers.slice(0, OLDEST).map((c) => (
                  <tr key={c.customerId}>
                    <td>{c.name}</td>
                    <td className="hide-sm">{formatDay(c.oldestUnpaidOn)}</td>
                    <td className="num">{formatNumber(c.ageDays)}</td>
                    <td className="num">{formatMoney(c.balanceCents)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )
      }
    </Card>
  )
}

export function BreakdownCard({ q, by }: { q: UseQueryResult<Breakdown>; by: 'product' | 'area' }) {
  const title = by === 'product' ? 'By product' : 'By area'
  return (
    <Card id={`by-${by}`} title={title} sub="Revenue and quantity delivered in the range" q={q}>
      {(d) => {
        if (d.rows.length === 0) return <Empty title="Nothing delivered in this range" />
        const share = shares(d.rows)
        return (
          <table className="table table-compact">
            <thead>
              <tr>
                <th scope="col">{by === 'product' ? 'Product' : 'Area'}</th>
                <th scope="col" className="num">Quantity</th>
                <th scope="col" className="num">Revenue</th>
              </tr>
            </thead>
            <tbody>
              {d.rows.map((r, i) => (
                <tr key={r.id ?? 'none'}>
                  <td>
                    {breakdownLabel(r, by)}
                    <span className="share" role="img" aria-label={`${formatRate(share[i])} of revenue`}>
                      <span style={{ width: `${(share[i] ?? 0) * 100}%` }} />
                    </span>
                  </td>
                  <td className="num">
                    {formatNumber(r.quantity)}
                    {r.unit ? ` ${r.unit}` : ''}
                  </td>
                  <td className="num">{formatMoney(r.revenueCents)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      }}
    </Card>
  )
}

export function VendorComparisonCard({ q }: { q: UseQueryResult<VendorComparison> }) {
  return (
    <Card id="vendor-comparison" title="Vendors compared" sub="Over the range; owed as of now" q={q} wide>
      {(d) =>
        d.vendors.length === 0 ? (
          <Empty title="No vendors yet" />
        ) : (
          // Focusable so that keyboard users can scroll it sideways on a phone.
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Vendors compared, scrollable">
            <table className="table table-compact">
              <thead>
                <tr>
                  <th scope="col">Vendor</th>
                  <th scope="col" className="num">Revenue</th>
                  <th scope="col" className="num">Collected</th>
                  <th scope="col" className="num hide-sm">Delivered</th>
                  <th scope="col" className="num hide-sm">Failed</th>
                  <th scope="col" className="num hide-sm">Subscribers</th>
                  <th scope="col" className="num">Owed now</th>
                </tr>
              </thead>
              <tbody>
                {d.vendors.map((v) => (
                  <tr key={v.vendorId}>
                    <td>
                      {v.name}
                      {v.status !== 'active' ? <span className="muted"> (suspended)</span> : null}
                    </td>
                    <td className="num">{formatMoney(v.revenueCents)}</td>
                    <td className="num" title={`${formatMoney(v.paymentsCents)} received`}>
                      {formatRate(v.collectionRate)}
                    </td>
                    <td className="num hide-sm">
                      {formatNumber(v.delivered)} / {formatNumber(v.deliveries)}
                    </td>
                    <td className="num hide-sm">{formatNumber(v.failed)}</td>
                    <td className="num hide-sm">{formatNumber(v.activeSubscribers)}</td>
                    <td className="num">{formatMoney(v.outstandingCents)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      }
    </Card>
  )
}
