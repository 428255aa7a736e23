import { useEffect, useMemo, useState } from 'react'
import { useQuery } from '@tanstack/react-query'
import { navigate, useLocation } from '../../app/router'
import { Freshness } from '../../components/Freshness'
import { Badge, Empty, ErrorState, Loading } from '../../components/States'
import { formatBalance, formatNumber } from '../../lib/format'
import type { CustomerFilters } from '../../lib/queryKeys'
import { useApi, useSession } from '../../lib/services'
import type { CustomerStatus } from '../../lib/types'
import { AddCustomerButton } from './AddCustomer'
import { OverLimitMark, useOverLimitMark } from '../alerts/OverLimit'
import { CustomerDrawer } from './CustomerDrawer'
import { useRealtimeCustomers } from './hooks'
import { ImportCustomers } from './ImportCustomers'
import { listHasDues, listSort, SORT_OPTIONS } from './listParams'
import { ListTools } from './ListTools'
import { customerQueries } from './queries'

const PAGE_SIZE = 25
const STATUSES: CustomerStatus[] = ['active', 'paused', 'inactive']

function setParams(patch: Record<string, string | null>, base: URLSearchParams, pathname = '/customers') {
  const next = new URLSearchParams(base)
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || v === '') next.delete(k)
    else next.set(k, v)
  }
  const qs = next.toString()
  navigate(qs ? `${pathname}?${qs}` : pathname, { replace: true })
}

export function CustomersPage({ customerId }: { customerId: number | null }) {
  const api = useApi()
  const session = useSession()
  const isAdmin = session?.user.role === 'admin'
  const overLimit = useOverLimitMark(session?.user.role)
  const { search } = useLocation()
  const q = search.get('q') ?? ''
  const status = (search.get('status') ?? '') as CustomerStatus | ''
  const vendor = search.get('vendor') ?? ''
  const page = Math.max(1, Number(search.get('page') ?? '1') || 1)
  const sort = listSort(search)
  const hasDues = listHasDues(search)
  const [importing, setImporting] = useState(false)

  const [text, setText] = useState(q)
  useEffect(() => setText(q), [q])
  useEffect(() => {
    if (text === q) return
    const t = setTimeout(() => setParams({ q: text, page: null }, search), 250)
    return () => clearTimeout(t)
  }, [text, q, search])

  const filters: CustomerFilters = useMemo(
    () => ({ search: q, status, vendorId: vendor ? Number(vendor) : '', sort, hasDues, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
    [q, status, vendor, sort, hasDues, page],
  )
  const { query, highlighted } = useRealtimeCustomers(filters)
  const vendors = useQuery({ ...customerQueries.vendors(api), enabled: isAdmin })
  const vendorName = useMemo(() => {
    const m = new Map<number, string>()
    for (const v of vendors.data?.items ?? []) m.set(v.id, v.name)
    // A vendor sees only its own customers (and may not list users).
    if (session && session.user.role === 'vendor') m.set(session.user.id, session.user.name)
    return m
  }, [vendors.data, session])

  const total = query.data?.total ?? 0
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE))
  const qs = search.toString()
  const open = (id: number) => navigate(`/customers/${id}${qs ? `?${qs}` : ''}`)

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Customers</h1>
          <p className="muted">{query.data ? `${formatNumber(total)} customer${total === 1 ? '' : 's'}` : ' '}</p>
        </div>
        <Freshness updatedAt={query.dataUpdatedAt} failed={query.isError} />
        <AddCustomerButton onAdded={(id) => open(id)} />
        <ListTools filters={filters} onImport={() => setImporting(true)} />
      </div>

      <div className="filters" role="search">
        <label className="field field-inline grow">
          <span className="sr-only">Search customers</span>
          <input
            type="search"
            placeholder="Search by name or phone"
            value={text}
            onChange={(e) => setText(e.target.value)}
            data-testid="customer-search"
          />
        </label>
        <label className="field field-inline">
          <span className="sr-only">Status</span>
          <select value={status} onChange={(e) => setParams({ status: e.target.value, page: null }, search)}>
            <option value="">All statuses</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s[0]?.toUpperCase() + s.slice(1)}
              </option>
            ))}
          </select>
        </label>
        <label className="field field-inline">
          <span className="sr-only">Sort</span>
          <select value={sort} onChange={(e) => setParams({ sort: e.target.value === 'name' ? null : e.target.value, page: null }, search)} data-testid="customer-sort">
            {SORT_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <label className="check-inline">
          <input type="checkbox" checked={hasDues} onChange={(e) => setParams({ dues: e.target.checked ? '1' : null, page: null }, search)} data-testid="customer-dues" />
          Has dues
        </label>
        {isAdmin && (
          <label className="field field-inline">
            <span className="sr-only">Vendor</span>
            <select value={vendor} onChange={(e) => setParams({ vendor: e.target.value, page: null }, search)}>
              <option value="">All vendors</option>
              {(vendors.data?.items ?? []).map((v) => (
                <option key={v.id} value={v.id}>
                  {v.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>

      <section className="card card-flush">
        {query.isPending ? (
          <div className="pad">
            <Loading rows={8} />
          </div>
        ) : query.isError && !query.data ? (
          <ErrorState error={query.error} retry={() => void query.refetch()} />
        ) : query.data && query.data.items.length > 0 ? (
          <div className="table-wrap">
            <table className="table" data-testid="customers-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col" className="hide-sm">Phone</th>
                  <th scope="col">Status</th>
                  {isAdmin && <th scope="col" className="hide-sm">Vendor</th>}
                  <th scope="col" className="num">Balance</th>
                </tr>
              </thead>
              <tbody>
                {query.data.items.map((c) => (
                  <tr
                    key={c.id}
                    className={highlighted.has(c.id) ? 'row-flash' : undefined}
                    tabIndex={0}
                    onClick={() => open(c.id)}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter' || e.key === ' ') {
                        e.preventDefault()
                        open(c.id)
                      }
                    }}
                    data-testid={`customer-row-${c.id}`}
                    aria-label={`Open ${c.name}`}
                  >
                    <td>
                      <div className="cell-main">
                        {c.name}
                        {overLimit(c) && <OverLimitMark />}
                      </div>
                      <div className="cell-sub show-sm">{c.phone}</div>
                    </td>
                    <td className="hide-sm">{c.phone}</td>
                    <td>
                      <Badge value={c.status} />
                    </td>
                    {isAdmin && <td className="hide-sm">{vendorName.get(c.vendorId) ?? `#${c.vendorId}`}</td>}
                    <td className={`num ${c.balanceCents > 0 ? 'owed' : c.balanceCents < 0 ? 'credit' : ''}`} data-testid="customer-balance">
                      {formatBalance(c.balanceCents)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <Empty title="No customers match">Try another search or clear the filters.</Empty>
        )}
        {query.data && total > PAGE_SIZE && (
          <nav className="pager" aria-label="Pages">
            <button type="button" className="btn btn-secondary" disabled={page <= 1} onClick={() => setParams({ page: String(page - 1) }, search)}>
              Previous
            </button>
            <span className="muted small">
              Page {page} of {pages}
            </span>
            <button type="button" className="btn btn-secondary" disabled={page >= pages} onClick={() => setParams({ page: String(page + 1) }, search)}>
              Next
            </button>
          </nav>
        )}
      </section>

      {importing && <ImportCustomers isAdmin={isAdmin} vendors={vendors.data?.items ?? []} onClose={() => setImporting(false)} />}
      {customerId !== null && (
        <CustomerDrawer
          id={customerId}
          vendorName={vendorName}
          onClose={() => navigate(`/customers${qs ? `?${qs}` : ''}`)}
        />
      )}
    </div>
  )
}
