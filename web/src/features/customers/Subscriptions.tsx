// Standing orders in the customer drawer. Accessible names: the button and
// form "Add subscription" (its submit button too), fields "Product",
// "Quantity", "Frequency", "Days", "Shift", "Starts on", "Ends on"; per
// subscription "Edit", "Pause", "End subscription", and "Cancel pause".
import { useState, type FormEvent } from 'react'
import { DayInput } from '../../components/DateInput'
import { Badge, Empty, ErrorState, Loading } from '../../components/States'
import { ApiError } from '../../lib/api'
import { formatDay, humanize } from '../../lib/format'
import type { Customer, Frequency, Shift, Subscription, Weekday } from '../../lib/types'
import { addDays, useAddPause, useBusinessToday, useCancelPause, useCreateSubscription, useProducts, useSubscriptions, useUpdateSubscription } from './drawerData'
import { Field } from './Field'
import { focusFirstError, useForm } from './formKit'
import {
  PAUSE_FIELDS,
  pauseSchema,
  SUBSCRIPTION_FIELDS,
  subscriptionSchema,
  subscriptionUpdate,
  WEEKDAYS,
  type PauseValues,
  type SubscriptionValues,
} from './schemas'

const FREQUENCIES: Frequency[] = ['daily', 'alternate', 'weekly', 'custom']

/** describeSchedule says when a subscription delivers, e.g. "Mon, Thu · morning". */
export function describeSchedule(s: Pick<Subscription, 'frequency' | 'days' | 'shift'>): string {
  const days = s.days.map((d) => d[0]?.toUpperCase() + d.slice(1)).join(', ')
  const when = s.frequency === 'daily' ? 'Daily' : s.frequency === 'alternate' ? 'Every other day' : days ? `${humanize(s.frequency)}: ${days}` : humanize(s.frequency)
  return `${when} · ${s.shift}`
}

export function SubscriptionsSection({ customer }: { customer: Customer }) {
  const q = useSubscriptions(customer.id)
  const [adding, setAdding] = useState(false)
  const items = q.data?.items ?? []
  return (
    <section className="cf-section" aria-labelledby="subs-title" data-testid="subscriptions">
      <div className="cf-section-head">
        <h3 id="subs-title">Subscriptions</h3>
        {!adding && (
          <button type="button" className="btn btn-secondary tap" onClick={() => setAdding(true)}>
            Add subscription
          </button>
        )}
      </div>
      {adding && <SubscriptionForm customer={customer} onDone={() => setAdding(false)} />}
      {q.isPending ? (
        <Loading rows={2} />
      ) : q.isError && !q.data ? (
        <ErrorState error={q.error} retry={() => void q.refetch()} />
      ) : items.length === 0 ? (
        !adding && <Empty title="No standing orders">Add one for a regular delivery, e.g. 2 litres every morning.</Empty>
      ) : (
        <ul className="list" data-testid="subscriptions-list">
          {items.map((s) => (
            <SubscriptionRow key={s.id} customer={customer} s={s} />
          ))}
        </ul>
      )}
    </section>
  )
}

function SubscriptionRow({ customer, s }: { customer: Customer; s: Subscription }) {
  const [mode, setMode] = useState<'view' | 'edit' | 'pause' | 'end'>('view')
  const update = useUpdateSubscription()
  const [error, setError] = useState<string | null>(null)
  const [endKey, setEndKey] = useState(() => crypto.randomUUID())
  const ended = s.status === 'ended'
  async function setStatus(status: 'active' | 'paused' | 'ended') {
    setError(null)
    try {
      await update.mutateAsync({ input: { id: s.id, patch: { status } }, key: endKey })
      setEndKey(crypto.randomUUID())
      setMode('view')
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Not changed: try again.')
    }
  }
  return (
    <li className="list-row cf-box" data-testid={`subscription-${s.id}`}>
      <div style={{ width: '100%' }}>
        <div className="cf-section-head">
          <div>
            <div className="cell-main">
              {s.productName} × {s.quantity} {s.unit}
            </div>
            <div className="cell-sub">
              {describeSchedule(s)} · from {formatDay(s.startsOn)}
              {s.endsOn ? ` to ${formatDay(s.endsOn)}` : ''}
            </div>
          </div>
          <Badge value={s.status} />
        </div>
        {s.pauses.length > 0 && (
          <ul className="cf-pauses" aria-label="Pauses">
            {s.pauses.map((p) => (
              <PauseRow key={p.id} s={s} pauseId={p.id} from={p.from} to={p.to} />
            ))}
          </ul>
        )}
        {mode === 'edit' && <SubscriptionForm customer={customer} sub={s} onDone={() => setMode('view')} />}
        {mode === 'pause' && <PauseForm s={s} onDone={() => setMode('view')} />}
        {mode === 'end' && (
          <div role="alertdialog" aria-labelledby={`end-${s.id}`} className="confirm-box">
            <p id={`end-${s.id}`} className="confirm-title">
              End {s.productName} × {s.quantity} for {customer.name}? It stops for good (deliveries already scheduled from today are cancelled).
            </p>
            <div className="confirm-actions">
              <button type="button" className="btn btn-danger tap" onClick={() => void setStatus('ended')} disabled={update.isPending}>
                Yes, end it
              </button>
              <button type="button" className="btn btn-ghost tap" onClick={() => setMode('view')}>
                Keep it
              </button>
            </div>
          </div>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {!ended && mode === 'view' && (
          <div className="cf-sub-actions">
            <button type="button" className="btn btn-secondary tap" onClick={() => setMode('edit')} aria-label={`Edit ${s.productName}`}>
              Edit
            </button>
            <button type="button" className="btn btn-secondary tap" onClick={() => setMode('pause')} aria-label={`Pause ${s.productName}`}>
              Pause
            </button>
            {s.status === 'paused' && (
              <button type="button" className="btn btn-secondary tap" onClick={() => void setStatus('active')}>
                Resume
              </button>
            )}
            <button type="button" className="btn btn-danger tap" onClick={() => setMode('end')}>
              End subscription
            </button>
          </div>
        )}
      </div>
    </li>
  )
}

function PauseRow({ s, pauseId, from, to }: { s: Subscription; pauseId: number; from: string; to: string }) {
  const [confirming, setConfirming] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [key, setKey] = useState(() => crypto.randomUUID())
  const cancel = useCancelPause()
  async function go() {
    setError(null)
    try {
      await cancel.mutateAsync({ input: { id: s.id, pauseId }, key })
      setKey(crypto.randomUUID())
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Not cancelled: try again.')
    }
  }
  const label = `${formatDay(from)} – ${formatDay(to)}`
  return (
    <li data-testid={`pause-${pauseId}`}>
      <span>Paused {label}</span>
      {confirming ? (
        <span role="alertdialog" aria-label={`Cancel the pause ${label}?`} className="cf-sub-actions">
          <button type="button" className="btn btn-danger tap" onClick={() => void go()} disabled={cancel.isPending}>
            Yes, cancel the pause
          </button>
          <button type="button" className="btn btn-ghost tap" onClick={() => setConfirming(false)}>
            Keep it
          </button>
        </span>
      ) : (
        <button type="button" className="btn btn-link tap" onClick={() => setConfirming(true)}>
          Cancel pause
        </button>
      )}
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </li>
  )
}

function PauseForm({ s, onDone }: { s: Subscription; onDone: () => void }) {
  const today = useBusinessToday()
  const form = useForm<PauseValues, (typeof PAUSE_FIELDS)[number]>({ from: addDays(today, 1), to: addDays(today, 1) }, PAUSE_FIELDS)
  const add = useAddPause()
  async function submit(e: FormEvent) {
    e.preventDefault()
    const res = await form.submit(pauseSchema(today), (body, key) => add.mutateAsync({ input: { id: s.id, ...body }, key }))
    if (res) onDone()
  }
  return (
    <form className="cf-form cf-box" onSubmit={submit} aria-label={`Pause ${s.productName}`} noValidate>
      <div className="cf-grid">
        <Field label="From" error={form.errors.from}>
          <DayInput value={form.values.from} onChange={(d) => form.set('from', d)} />
        </Field>
        <Field label="To" error={form.errors.to}>
          <DayInput value={form.values.to} onChange={(d) => form.set('to', d)} />
        </Field>
      </div>
      {form.formError && (
        <p className="form-error" role="alert">
          {form.formError}
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="btn btn-ghost tap" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary tap" disabled={form.pending}>
          Save pause
        </button>
      </div>
    </form>
  )
}

function SubscriptionForm({ customer, sub, onDone }: { customer: Customer; sub?: Subscription; onDone: () => void }) {
  const products = useProducts(customer.vendorId)
  const today = useBusinessToday()
  const form = useForm<SubscriptionValues, (typeof SUBSCRIPTION_FIELDS)[number]>(
    sub
      ? { productId: String(sub.productId), quantity: String(sub.quantity), frequency: sub.frequency, days: sub.days, shift: sub.shift, startsOn: sub.startsOn, endsOn: sub.endsOn ?? '' }
      : { productId: '', quantity: '1', frequency: 'daily', days: [], shift: 'morning', startsOn: today, endsOn: '' },
    SUBSCRIPTION_FIELDS,
  )
  const { values: v, set, errors } = form
  const create = useCreateSubscription()
  const update = useUpdateSubscription()
  const title = sub ? `Edit ${sub.productName}` : 'Add subscription'
  async function submit(e: FormEvent) {
    e.preventDefault()
    const el = e.currentTarget as HTMLFormElement
    const res = await form.submit(subscriptionSchema(customer.id), (body, key) =>
      sub ? update.mutateAsync({ input: { id: sub.id, patch: subscriptionUpdate(body) }, key }) : create.mutateAsync({ input: body, key }),
    )
    if (res) onDone()
    else focusFirstError(el)
  }
  const toggleDay = (d: Weekday) => {
    if (v.frequency === 'weekly') set('days', v.days.includes(d) ? [] : [d])
    else set('days', v.days.includes(d) ? v.days.filter((x) => x !== d) : [...v.days, d])
  }
  const choices = (products.data?.items ?? []).filter((p) => p.active || String(p.id) === v.productId)
  return (
    <form className="cf-form cf-box" onSubmit={submit} aria-label={title} noValidate data-testid="subscription-form">
      <div className="cf-grid">
        <Field label="Product" error={errors.productId} className="cf-wide">
          <select value={v.productId} onChange={(e) => set('productId', e.target.value)} disabled={!!sub}>
            <option value="">Choose…</option>
            {choices.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.unit})
              </option>
            ))}
          </select>
        </Field>
        <Field label="Quantity" error={errors.quantity}>
          <input inputMode="numeric" value={v.quantity} onChange={(e) => set('quantity', e.target.value)} />
        </Field>
        <Field label="Shift" error={errors.shift}>
          <select value={v.shift} onChange={(e) => set('shift', e.target.value as Shift)}>
            <option value="morning">Morning</option>
            <option value="evening">Evening</option>
          </select>
        </Field>
        <Field label="Frequency" error={errors.frequency} className="cf-wide">
          <select
            value={v.frequency}
            onChange={(e) => {
              const f = e.target.value as Frequency
              set('frequency', f)
              if (f === 'weekly' && v.days.length > 1) set('days', v.days.slice(0, 1))
            }}
          >
            {FREQUENCIES.map((f) => (
              <option key={f} value={f}>
                {f === 'alternate' ? 'Every other day' : humanize(f)}
              </option>
            ))}
          </select>
        </Field>
        {(v.frequency === 'custom' || v.frequency === 'weekly') && (
          <fieldset className="cf-days cf-wide" aria-describedby={errors.days ? 'sub-days-err' : undefined}>
            <legend>Days{v.frequency === 'weekly' ? ' (one; none: the start day’s weekday)' : ''}</legend>
            {WEEKDAYS.map((d) => (
              <label key={d}>
                <input type="checkbox" checked={v.days.includes(d)} onChange={() => toggleDay(d)} />
                {d[0]?.toUpperCase() + d.slice(1)}
              </label>
            ))}
            {errors.days && (
              <span id="sub-days-err" className="field-error cf-wide" role="alert">
                {errors.days}
              </span>
            )}
          </fieldset>
        )}
        <Field label="Starts on" error={errors.startsOn}>
          <DayInput value={v.startsOn} onChange={(d) => set('startsOn', d)} disabled={!!sub} />
        </Field>
        <Field label="Ends on" error={errors.endsOn} hint="Empty: until ended.">
          <DayInput value={v.endsOn} onChange={(d) => set('endsOn', d)} />
        </Field>
      </div>
      {form.formError && (
        <p className="form-error" role="alert">
          {form.formError}
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="btn btn-ghost tap" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary tap" disabled={form.pending}>
          {sub ? 'Save subscription' : 'Add subscription'}
        </button>
      </div>
    </form>
  )
}
