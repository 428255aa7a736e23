// "Schedule a delivery": a one-off delivery (POST /api/deliveries) besides
// the standing orders. Accessible names: the form "Schedule a delivery",
// fields "Product", "What to deliver", "Quantity", "Amount", "Date",
// "Shift", "Note"; the submit button "Schedule delivery".
import { useState, type FormEvent } from 'react'
import { DayInput } from '../../components/DateInput'
import { formatDay, formatMoney } from '../../lib/format'
import type { Customer, Shift } from '../../lib/types'
import { addDays, useBusinessToday, useProducts, useRates, useScheduleDelivery } from './drawerData'
import { Field } from './Field'
import { centsToInput, parseWhole, useForm } from './formKit'
import { ONEOFF_FIELDS, oneOffSchema, type OneOffValues } from './schemas'

export function OneOffDelivery({ customer, onDone }: { customer: Customer; onDone: () => void }) {
  const products = useProducts(customer.vendorId)
  const rates = useRates(customer.id)
  const schedule = useScheduleDelivery()
  const today = useBusinessToday()
  const [done, setDone] = useState<string | null>(null)
  const form = useForm<OneOffValues, (typeof ONEOFF_FIELDS)[number]>(
    { productId: '', items: '', quantity: '1', amount: '', scheduledFor: addDays(today, 1), shift: 'morning', note: '' },
    ONEOFF_FIELDS,
  )
  const { values: v, set, errors } = form

  // The price is the customer's rate for the product, else its price, times
  // the quantity: filled in, and still the user's to change.
  function price(productId: string, quantity: string): string {
    const p = products.data?.items.find((x) => String(x.id) === productId)
    const q = parseWhole(quantity, 1, 10_000)
    if (!p || q === null) return v.amount
    const rate = rates.data?.items.find((r) => r.productId === p.id)?.priceCents ?? p.priceCents
    return centsToInput(rate * q)
  }

  async function submit(e: FormEvent) {
    e.preventDefault()
    setDone(null)
    const d = await form.submit(oneOffSchema(customer.id), (body, key) => schedule.mutateAsync({ input: body, key }))
    if (d) {
      setDone(`Scheduled ${d.items} × ${d.quantity} (${formatMoney(d.amountCents)}) for ${formatDay(d.scheduledFor)}.`)
      form.reset({ ...v, note: '' })
    }
  }

  return (
    <form className="cf-form cf-box" onSubmit={submit} aria-label="Schedule a delivery" noValidate data-testid="oneoff-form">
      <div className="cf-grid">
        <Field label="Product" className="cf-wide">
          <select
            value={v.productId}
            onChange={(e) => {
              const id = e.target.value
              set('productId', id)
              const p = products.data?.items.find((x) => String(x.id) === id)
              if (p) set('items', p.name)
              set('amount', price(id, v.quantity))
            }}
          >
            <option value="">Other (describe below)</option>
            {(products.data?.items ?? [])
              .filter((p) => p.active)
              .map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({p.unit})
                </option>
              ))}
          </select>
        </Field>
        <Field label="What to deliver" error={errors.items} className="cf-wide">
          <input value={v.items} onChange={(e) => set('items', e.target.value)} />
        </Field>
        <Field label="Quantity" error={errors.quantity}>
          <input
            inputMode="numeric"
            value={v.quantity}
            onChange={(e) => {
              set('quantity', e.target.value)
              if (v.productId) set('amount', price(v.productId, e.target.value))
            }}
          />
        </Field>
        <Field label="Amount" error={errors.amountCents} hint="Charged when delivered.">
          <input inputMode="decimal" value={v.amount} onChange={(e) => set('amount', e.target.value)} placeholder="0.00" />
        </Field>
        <Field label="Date" error={errors.scheduledFor}>
          <DayInput value={v.scheduledFor} onChange={(d) => set('scheduledFor', d)} />
        </Field>
        <Field label="Shift" error={errors.shift}>
          <select value={v.shift} onChange={(e) => set('shift', e.target.value as Shift | '')}>
            <option value="morning">Morning</option>
            <option value="evening">Evening</option>
            <option value="">Any shift</option>
          </select>
        </Field>
        <Field label="Note" error={errors.note} className="cf-wide">
          <input value={v.note} onChange={(e) => set('note', e.target.value)} />
        </Field>
      </div>
      {form.formError && (
        <p className="form-error" role="alert">
          {form.formError}
        </p>
      )}
      {done && (
        <p className="form-ok" role="status">
          {done}
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="btn btn-ghost tap" onClick={onDone}>
          Close
        </button>
        <button type="submit" className="btn btn-primary tap" disabled={form.pending}>
          Schedule delivery
        </button>
      </div>
    </form>
  )
}
