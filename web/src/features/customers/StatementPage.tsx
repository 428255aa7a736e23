// The printable monthly statement (/customers/:id/statement?month=YYYY-MM):
// GET /api/customers/{id}/statement as a page that the browser's Print →
// Save as PDF turns into a clean bill (customers.css hides the app's chrome
// in print). Accessible names: "Month", "Print", "Download CSV".
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { Link, navigate, useLocation } from '../../app/router'
import { ErrorState, Loading } from '../../components/States'
import { formatBalance, formatDay, formatMoney, formatMonth, isoDay } from '../../lib/format'
import { useServices, useSession } from '../../lib/services'
import { useSettings } from '../../lib/settings'
import type { Statement } from '../../lib/types'
import { drawerQueries, useLiveDrawer } from './drawerData'
import { customerQueries } from './queries'
import './customers.css'
import { MonthSelect } from '../../components/MonthSelect'

const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/

export function StatementPage({ customerId }: { customerId: number }) {
  const { api, session: store } = useServices()
  const session = useSession()
  const { search } = useLocation()
  const param = search.get('month') ?? ''
  const month = MONTH_RE.test(param) ? param : isoDay(new Date()).slice(0, 7)
  const q = useQuery(drawerQueries.statement(api, customerId, month))
  const st = q.data
  useLiveDrawer(customerId, st?.vendorId)
  const isAdmin = session?.user.role === 'admin'
  const vendors = useQuery({ ...customerQueries.vendors(api), enabled: isAdmin })
  // The business's name (settings), and the vendor that serves the customer.
  const settings = useSettings()
  const vendorName =
    session?.user.role === 'vendor' ? session.user.name : (vendors.data?.items.find((v) => v.id === st?.vendorId)?.name ?? '')
  const [csvError, setCsvError] = useState<string | null>(null)

  async function downloadCsv() {
    setCsvError(null)
    try {
      // A plain link would not carry the bearer token: fetch, then save the blob.
      const res = await fetch(`/api/customers/${customerId}/statement?month=${month}`, {
        headers: { Accept: 'text/csv', Authorization: `Bearer ${store.token() ?? ''}` },
      })
      if (!res.ok) throw new Error(`The server answered ${res.status}.`)
      const url = URL.createObjectURL(await res.blob())
      const a = document.createElement('a')
      a.href = url
      a.download = `statement-${customerId}-${month}.csv`
      document.body.append(a)
      a.click()
      a.remove()
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
    } catch (err) {
      setCsvError(`Could not download the CSV: ${err instanceof Error ? err.message : 'try again'}`)
    }
  }

  return (
    <div className="page st-page">
      <div className="st-controls no-print">
        <Link to={`/customers/${customerId}`} className="btn btn-ghost tap">
          ← Customer
        </Link>
        <label className="field">
          <span>Month</span>
          <MonthSelect
            value={month}
            latest={isoDay(new Date()).slice(0, 7)}
            onChange={(m) => MONTH_RE.test(m) && navigate(`/customers/${customerId}/statement?month=${m}`, { replace: true })}
          />
        </label>
        <button type="button" className="btn btn-primary tap" onClick={() => window.print()} disabled={!st}>
          Print
        </button>
        <button type="button" className="btn btn-secondary tap" onClick={() => void downloadCsv()}>
          Download CSV
        </button>
      </div>
      {csvError && (
        <p className="form-error no-print" role="alert">
          {csvError}
        </p>
      )}
      {q.isPending ? (
        <Loading rows={6} />
      ) : q.isError && !st ? (
        <ErrorState error={q.error} retry={() => void q.refetch()} />
      ) : st ? (
        <StatementSheet st={st} business={settings.businessName} vendor={vendorName} />
      ) : null}
    </div>
  )
}

export function StatementSheet({ st, business, vendor }: { st: Statement; business: string; vendor: string }) {
  const due = st.closingBalanceCents
  return (
    <article className="st-sheet" data-testid="statement" aria-labelledby="st-title">
      <header className="st-head">
        <div>
          <h1 id="st-title">{business}</h1>
          {vendor && vendor !== business && <div data-testid="st-vendor">{vendor}</div>}
          <div className="muted">Statement of account · {formatMonth(st.month)}</div>
          <div className="muted small">
            {formatDay(st.from)} – {formatDay(st.to)} ({st.timezone})
          </div>
        </div>
        <div>
          <strong>{st.customerName}</strong>
          <div>{st.address}</div>
          <div>{st.phone}</div>
          <div className="muted small">Customer #{st.customerId}</div>
        </div>
      </header>
      <table className="st-table">
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Description</th>
            <th scope="col" className="num">
              Charge
            </th>
            <th scope="col" className="num">
              Credit
            </th>
            <th scope="col" className="num">
              Balance
            </th>
          </tr>
        </thead>
        <tbody>
          <tr className="st-total">
            <td>{formatDay(st.from)}</td>
            <td>Opening balance</td>
            <td />
            <td />
            <td className="num" data-testid="st-opening">
              {formatBalance(st.openingBalanceCents)}
            </td>
          </tr>
          {st.lines.map((l) => (
            <tr key={l.entryId} data-testid={`st-line-${l.kind}`}>
              <td>{formatDay(l.date)}</td>
              <td>{l.description}</td>
              <td className="num">{l.amountCents > 0 ? formatMoney(l.amountCents) : ''}</td>
              <td className="num">{l.amountCents < 0 ? formatMoney(-l.amountCents) : ''}</td>
              <td className="num">{formatBalance(l.balanceCents)}</td>
            </tr>
          ))}
          {st.broughtForwardCents !== 0 && (
            <tr data-testid="st-brought-forward">
              <td />
              <td>Of which brought forward by an import (neither a charge nor a credit)</td>
              <td />
              <td />
              <td className="num">{formatMoney(st.broughtForwardCents)}</td>
            </tr>
          )}
          <tr className="st-total">
            <td>{formatDay(st.to)}</td>
            <td>Closing balance</td>
            <td className="num">{formatMoney(st.chargesCents)}</td>
            <td className="num">{formatMoney(st.creditsCents)}</td>
            <td className="num" data-testid="st-closing">
              {formatBalance(st.closingBalanceCents)}
            </td>
          </tr>
        </tbody>
      </table>
      <p className="st-due" data-testid="st-due">
        {due > 0 ? `Amount due: ${formatMoney(due)}` : due < 0 ? `In credit: ${formatMoney(-due)}` : 'Nothing due'}
      </p>
    </article>
  )
}
