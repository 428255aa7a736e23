import { useState } from 'react'
import { Link } from '../../app/router'
import { Drawer } from '../../components/Drawer'
import { Freshness } from '../../components/Freshness'
import { Badge, Empty, ErrorState, Loading } from '../../components/States'
import { ApiError } from '../../lib/api'
import { balanceLabel, formatBalance, formatDateTime, formatDay, formatMoney, humanize } from '../../lib/format'
import { useSocketEvent } from '../../lib/realtime'
import { useServices, useSession } from '../../lib/services'
import { useSettings } from '../../lib/settings'
import { OverLimitMark, useOverLimitMark } from '../alerts/OverLimit'
import type { Delivery, DeliveryStatus, LedgerEntry, Payment } from '../../lib/types'
import { Reversed, ReverseAction, useIsAdmin } from './reversal'
import { useChangeDelivery, useCustomer } from './hooks'
import { CustomerForm } from './CustomerForm'
import { useAreas, useHistory, useLiveDrawer } from './drawerData'
import { OneOffDelivery } from './OneOffDelivery'
import { SubscriptionsSection } from './Subscriptions'
import { PaymentForm } from './PaymentForm'

type Tab = 'deliveries' | 'payments' | 'ledger'

/** nextStatuses are the workflow's allowed moves from a status (see domain/delivery.go). */
export function nextStatuses(s: DeliveryStatus): DeliveryStatus[] {
  switch (s) {
    case 'scheduled':
      return ['out_for_delivery', 'cancelled']
    case 'out_for_delivery':
      return ['delivered', 'failed', 'cancelled']
    default:
      return []
  }
}

export function CustomerDrawer({
  id,
  vendorName,
  onClose,
}: {
  id: number
  vendorName: Map<number, string>
  onClose: () => void
}) {
  const customer = useCustomer(id)
  const [tab, setTab] = useState<Tab>('deliveries')
  const c = customer.data
  const session = useSession()
  const { toasts } = useServices()
  const settings = useSettings()
  const overLimit = useOverLimitMark(session?.user.role)
  const [mode, setMode] = useState<'view' | 'edit' | 'oneoff'>('view')
  const areas = useAreas(c?.vendorId)
  const areaName = areas.data?.items.find((a) => a.id === c?.areaId)?.name
  useLiveDrawer(id, c?.vendorId)
  // The customer moved to another vendor: this vendor may no longer see it.
  useSocketEvent('customer:removed', (p) => {
    if (p.customerId !== id || session?.user.role !== 'vendor' || p.vendorId !== session.user.id) return
    toasts.push({ kind: 'info', title: 'Customer moved', body: `${c?.name ?? 'This customer'} now belongs to another vendor.` })
    onClose()
  })
  return (
    <Drawer title={c ? c.name : 'Customer'} onClose={onClose}>
      {customer.isPending ? (
        <Loading rows={5} />
      ) : customer.isError && !c ? (
        <ErrorState error={customer.error} retry={() => void customer.refetch()} />
      ) : c ? (
        <div className="detail" data-testid="customer-detail">
          <div className="detail-top">
            <div>
              <div className="stat-label" data-testid="detail-balance-label">
                {balanceLabel(c.balanceCents).label}
              </div>
              <div className={`balance ${balanceLabel(c.balanceCents).tone}`} data-testid="detail-balance">
                {balanceLabel(c.balanceCents).amount}
              </div>
              <Freshness updatedAt={customer.dataUpdatedAt} failed={customer.isError} />
            </div>
            <Badge value={c.status} />
          </div>
          {mode === 'edit' ? (
            <CustomerForm customer={c} onSaved={() => setMode('view')} onCancel={() => setMode('view')} />
          ) : (
          <>
          <div className="cf-actions-top">
            <button type="button" className="btn btn-secondary tap" onClick={() => setMode('edit')}>
              Edit customer
            </button>
            <button type="button" className="btn btn-secondary tap" onClick={() => setMode(mode === 'oneoff' ? 'view' : 'oneoff')} aria-expanded={mode === 'oneoff'}>
              Schedule a delivery
            </button>
            <Link to={`/customers/${c.id}/statement`} className="btn btn-secondary tap">
              Statement
            </Link>
          </div>
          {mode === 'oneoff' && <OneOffDelivery customer={c} onDone={() => setMode('view')} />}
          <dl className="facts">
            <div>
              <dt>Phone</dt>
              <dd>{c.phone || '—'}</dd>
            </div>
            <div>
              <dt>Email</dt>
              <dd>{c.email || '—'}</dd>
            </div>
            <div className="wide">
              <dt>Address</dt>
              <dd>{c.address || '—'}</dd>
            </div>
            <div>
              <dt>Vendor</dt>
              <dd>{vendorName.get(c.vendorId) ?? `#${c.vendorId}`}</dd>
            </div>
            <div>
              <dt>Customer since</dt>
              <dd>{formatDateTime(c.createdAt)}</dd>
            </div>
            <div>
              <dt>Area</dt>
              <dd data-testid="detail-area">{c.areaId ? `${areaName ?? `#${c.areaId}`}, position ${c.position}` : '—'}</dd>
            </div>
            <div>
              <dt>Credit limit</dt>
              <dd data-testid="detail-credit-limit">
                {c.creditLimitCents === undefined ? `Business default (${formatMoney(settings.defaultCreditLimitCents)})` : formatMoney(c.creditLimitCents)}
                {overLimit(c) && <OverLimitMark />}
              </dd>
            </div>
            {c.note && (
              <div className="wide">
                <dt>Note</dt>
                <dd>{c.note}</dd>
              </div>
            )}
          </dl>
          </>
          )}
          <PaymentForm customerId={c.id} customerName={c.name} />
          <SubscriptionsSection customer={c} />
          <div className="tabs" role="tablist" aria-label="Customer history">
            {(['deliveries', 'payments', 'ledger'] as Tab[]).map((t) => (
              <button
                key={t}
                type="button"
                role="tab"
                id={`tab-${t}`}
                aria-selected={tab === t}
                aria-controls={`panel-${t}`}
                className={`tab ${tab === t ? 'tab-active' : ''}`}
                tabIndex={tab === t ? 0 : -1}
                onClick={() => setTab(t)}
                onKeyDown={(e) => {
                  // Arrow keys move between tabs, as in the WAI-ARIA tabs pattern.
                  const order: Tab[] = ['deliveries', 'payments', 'ledger']
                  const i = order.indexOf(t)
                  const next = e.key === 'ArrowRight' ? order[(i + 1) % 3] : e.key === 'ArrowLeft' ? order[(i + 2) % 3] : null
                  if (!next) return
                  e.preventDefault()
                  setTab(next)
                  document.getElementById(`tab-${next}`)?.focus()
                }}
              >
                {humanize(t)}
              </button>
            ))}
          </div>
          <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
            {tab === 'deliveries' && <DeliveriesTab customerId={c.id} />}
            {tab === 'payments' && <PaymentsTab customerId={c.id} />}
            {tab === 'ledger' && <LedgerTab customerId={c.id} />}
          </div>
        </div>
      ) : null}
    </Drawer>
  )
}

/** LoadMore fetches the next page of a history list, saying how many are shown. */
function LoadMore({ h }: { h: ReturnType<typeof useHistory> }) {
  if (!h.q.hasNextPage) return null
  return (
    <div className="cf-more">
      <button type="button" className="btn btn-secondary tap" onClick={() => void h.q.fetchNextPage()} disabled={h.q.isFetchingNextPage}>
        {h.q.isFetchingNextPage ? 'Loading…' : `Load more (${h.items.length} of ${h.total})`}
      </button>
    </div>
  )
}

function DeliveriesTab({ customerId }: { customerId: number }) {
  const h = useHistory<Delivery>(customerId, 'deliveries')
  const { q, items } = h
  if (q.isPending) return <Loading rows={4} />
  if (q.isError && !q.data) return <ErrorState error={q.error} retry={() => void q.refetch()} />
  if (items.length === 0) return <Empty title="No deliveries yet" />
  return (
    <>
      <ul className="list" data-testid="deliveries-list">
        {items.map((d) => (
          <DeliveryRow key={d.id} d={d} />
        ))}
      </ul>
      <LoadMore h={h} />
    </>
  )
}

function DeliveryRow({ d }: { d: Delivery }) {
  const change = useChangeDelivery()
  const isAdmin = useIsAdmin()
  // Shown in the row: toasts wait while the drawer is open.
  const [error, setError] = useState<string | null>(null)
  const options = d.reversedAt ? [] : nextStatuses(d.status)
  async function move(status: DeliveryStatus) {
    setError(null)
    try {
      await change.mutateAsync({ id: d.id, status, idempotencyKey: crypto.randomUUID() })
    } catch (err) {
      setError(`Status not changed: ${err instanceof ApiError ? err.message : 'try again.'}`)
    }
  }
  return (
    <li className={`list-row ${d.reversedAt ? 'is-reversed' : ''}`} data-testid={`delivery-${d.id}`}>
      <div>
        <div className="cell-main">
          {d.items || 'Delivery'} × {d.quantity}
        </div>
        <div className="cell-sub">
          {formatDay(d.scheduledFor)} · <span className={d.reversedAt ? 'strike' : ''}>{formatMoney(d.amountCents)}</span>
          {d.note ? ` · ${d.note}` : ''}
        </div>
        {d.reversedAt && <Reversed reason={d.reversalReason} />}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
      </div>
      <div className="row-actions">
        <Badge value={d.reversedAt ? 'reversed' : d.status} />
        {isAdmin && d.status === 'delivered' && !d.reversedAt && (
          <ReverseAction target="delivery" id={d.id} label={`delivery #${d.id} (${formatMoney(d.amountCents)})`} />
        )}
        {options.length > 0 && (
          <select
            aria-label={`Change status of delivery ${d.id}`}
            value=""
            disabled={change.isPending}
            onChange={(e) => e.target.value && void move(e.target.value as DeliveryStatus)}
          >
            <option value="">Move to…</option>
            {options.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </select>
        )}
      </div>
    </li>
  )
}

function PaymentsTab({ customerId }: { customerId: number }) {
  const isAdmin = useIsAdmin()
  const h = useHistory<Payment>(customerId, 'payments')
  const { q, items } = h
  if (q.isPending) return <Loading rows={4} />
  if (q.isError && !q.data) return <ErrorState error={q.error} retry={() => void q.refetch()} />
  if (items.length === 0) return <Empty title="No payments yet" />
  return (
    <>
    <ul className="list" data-testid="payments-list">
      {items.map((p) => (
        <li key={p.id} className={`list-row ${p.reversedAt ? 'is-reversed' : ''}`} data-testid={`payment-${p.id}`}>
          <div>
            <div className="cell-main">{formatMoney(p.amountCents)}</div>
            <div className="cell-sub">
              {humanize(p.method)}
              {p.reference ? ` · ${p.reference}` : ''} · {formatDateTime(p.createdAt)}
            </div>
            {p.reversedAt && <Reversed reason={p.reversalReason} />}
          </div>
          {isAdmin && !p.reversedAt && (
            <div className="row-actions">
              <ReverseAction target="payment" id={p.id} label={`payment of ${formatMoney(p.amountCents)}`} />
            </div>
          )}
        </li>
      ))}
    </ul>
    <LoadMore h={h} />
    </>
  )
}

function LedgerTab({ customerId }: { customerId: number }) {
  const h = useHistory<LedgerEntry>(customerId, 'ledger')
  const { q, items } = h
  if (q.isPending) return <Loading rows={4} />
  if (q.isError && !q.data) return <ErrorState error={q.error} retry={() => void q.refetch()} />
  if (items.length === 0) return <Empty title="The ledger is empty" />
  return (
    <>
    <table className="table table-compact">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Entry</th>
          <th scope="col" className="num">Amount</th>
          <th scope="col" className="num">Balance</th>
        </tr>
      </thead>
      <tbody>
        {items.map((e) => (
          <tr key={e.id} className={e.reversedAt ? 'is-reversed' : ''} data-testid={`ledger-${e.id}`}>
            <td>{formatDateTime(e.createdAt)}</td>
            <td>
              <span className={e.reversedAt ? 'strike' : ''}>{ledgerLabel(e)}</span>
              {e.reversedAt && <Reversed reason={e.reversalReason} />}
              {e.reverses && e.reversalReason && <span className="reversed-note">{e.reversalReason}</span>}
            </td>
            <td className={`num ${e.amountCents < 0 ? 'credit' : ''}`}>
              <span className={e.reversedAt ? 'strike' : ''}>{formatMoney(e.amountCents)}</span>
            </td>
            <td className="num">{formatBalance(e.balanceCents)}</td>
          </tr>
        ))}
      </tbody>
    </table>
    <LoadMore h={h} />
    </>
  )
}

/** ledgerLabel names a ledger entry; a reversal names what it reverses. */
export function ledgerLabel(e: LedgerEntry): string {
  switch (e.kind) {
    case 'payment':
      return 'Payment'
    case 'delivery':
      return 'Delivery'
    case 'reversal':
      return e.reverses ? `Reversal of ${e.reverses.kind} #${e.reverses.refId}` : 'Reversal'
    case 'opening_balance':
      return 'Opening balance (imported)'
  }
}
