import { useState, type FormEvent } from 'react'
import { Drawer } from '../../components/Drawer'
import { Freshness } from '../../components/Freshness'
import { Badge, Empty, ErrorState, Loading } from '../../components/States'
import { ApiError } from '../../lib/api'
import { formatDateTime, formatDay, formatMoney, humanize, parseMoney } from '../../lib/format'
import { useServices } from '../../lib/services'
import type { Delivery, DeliveryStatus, PaymentMethod } from '../../lib/types'
import {
  useChangeDelivery,
  useCustomer,
  useLedger,
  useRealtimeDeliveries,
  useRealtimePayments,
  useRecordPayment,
} from './hooks'

type Tab = 'deliveries' | 'payments' | 'ledger'
const METHODS: PaymentMethod[] = ['cash', 'upi', 'card', 'bank_transfer', 'other']

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
              <div className="stat-label">Balance owed</div>
              <div className={`balance ${c.balanceCents > 0 ? 'owed' : 'clear'}`} data-testid="detail-balance">
                {formatMoney(c.balanceCents)}
              </div>
              <Freshness updatedAt={customer.dataUpdatedAt} failed={customer.isError} />
            </div>
            <Badge value={c.status} />
          </div>
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
          </dl>
          <PaymentForm customerId={c.id} />
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

function PaymentForm({ customerId }: { customerId: number }) {
  const record = useRecordPayment()
  const [done, setDone] = useState<string | null>(null)
  const [amount, setAmount] = useState('')
  const [method, setMethod] = useState<PaymentMethod>('cash')
  const [reference, setReference] = useState('')
  const [error, setError] = useState<string | null>(null)
  // One key per intended payment: a retry of the same form reuses it, so a
  // lost answer can never record the money twice.
  const [key, setKey] = useState(() => crypto.randomUUID())

  async function submit(e: FormEvent) {
    e.preventDefault()
    const cents = parseMoney(amount)
    if (cents === null) {
      setError('Enter an amount greater than zero, e.g. 250 or 99.50.')
      return
    }
    setError(null)
    setDone(null)
    try {
      const res = await record.mutateAsync({ customerId, amountCents: cents, method, reference: reference.trim() || undefined, idempotencyKey: key })
      // Everyone (this tab included) also gets the live payment:added toast.
      setDone(`Recorded ${formatMoney(res.payment.amountCents)}. New balance ${formatMoney(res.customer.balanceCents)}.`)
      setAmount('')
      setReference('')
      setKey(crypto.randomUUID())
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Could not record the payment. Try again.')
    }
  }

  return (
    <form className="pay-form" onSubmit={submit} aria-label="Record a payment" noValidate>
      <h3>Record a payment</h3>
      <div className="pay-row">
        <label className="field">
          <span>Amount</span>
          <input inputMode="decimal" placeholder="0.00" value={amount} onChange={(e) => setAmount(e.target.value)} data-testid="pay-amount" aria-invalid={!!error} />
        </label>
        <label className="field">
          <span>Method</span>
          <select value={method} onChange={(e) => setMethod(e.target.value as PaymentMethod)}>
            {METHODS.map((m) => (
              <option key={m} value={m}>
                {humanize(m)}
              </option>
            ))}
          </select>
        </label>
        <label className="field grow">
          <span>Reference</span>
          <input value={reference} onChange={(e) => setReference(e.target.value)} placeholder="Optional" />
        </label>
        <button type="submit" className="btn btn-primary" disabled={record.isPending} data-testid="pay-submit">
          {record.isPending ? 'Saving…' : 'Record'}
        </button>
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {done && !error && (
        <p className="form-ok" role="status" data-testid="pay-done">
          {done}
        </p>
      )}
    </form>
  )
}

function DeliveriesTab({ customerId }: { customerId: number }) {
  const q = useRealtimeDeliveries(customerId)
  if (q.isPending) return <Loading rows={4} />
  if (q.isError && !q.data) return <ErrorState error={q.error} retry={() => void q.refetch()} />
  const items = q.data?.items ?? []
  if (items.length === 0) return <Empty title="No deliveries yet" />
  return (
    <ul className="list" data-testid="deliveries-list">
      {items.map((d) => (
        <DeliveryRow key={d.id} d={d} />
      ))}
    </ul>
  )
}

function DeliveryRow({ d }: { d: Delivery }) {
  const { toasts } = useServices()
  const change = useChangeDelivery()
  const options = nextStatuses(d.status)
  async function move(status: DeliveryStatus) {
    try {
      await change.mutateAsync({ id: d.id, status, idempotencyKey: crypto.randomUUID() })
    } catch (err) {
      toasts.push({ kind: 'error', title: 'Status not changed', body: err instanceof ApiError ? err.message : 'Try again.' })
    }
  }
  return (
    <li className="list-row">
      <div>
        <div className="cell-main">
          {d.items || 'Delivery'} × {d.quantity}
        </div>
        <div className="cell-sub">
          {formatDay(d.scheduledFor)} · {formatMoney(d.amountCents)}
          {d.note ? ` · ${d.note}` : ''}
        </div>
      </div>
      <div className="row-actions">
        <Badge value={d.status} />
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
  const q = useRealtimePayments(customerId)
  if (q.isPending) return <Loading rows={4} />
  if (q.isError && !q.data) return <ErrorState error={q.error} retry={() => void q.refetch()} />
  const items = q.data?.items ?? []
  if (items.length === 0) return <Empty title="No payments yet" />
  return (
    <ul className="list" data-testid="payments-list">
      {items.map((p) => (
        <li key={p.id} className="list-row">
          <div>
            <div className="cell-main">{formatMoney(p.amountCents)}</div>
            <div className="cell-sub">
              {humanize(p.method)}
              {p.reference ? ` · ${p.reference}` : ''} · {formatDateTime(p.createdAt)}
            </div>
          </div>
        </li>
      ))}
    </ul>
  )
}

function LedgerTab({ customerId }: { customerId: number }) {
  const q = useLedger(customerId)
  if (q.isPending) return <Loading rows={4} />
  if (q.isError && !q.data) return <ErrorState error={q.error} retry={() => void q.refetch()} />
  const items = q.data?.items ?? []
  if (items.length === 0) return <Empty title="The ledger is empty" />
  return (
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
          <tr key={e.id}>
            <td>{formatDateTime(e.createdAt)}</td>
            <td>{e.kind === 'payment' ? 'Payment' : 'Delivery'}</td>
            <td className={`num ${e.amountCents < 0 ? 'credit' : ''}`}>{formatMoney(e.amountCents)}</td>
            <td className="num">{formatMoney(e.balanceCents)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
