// The customer form, for adding (POST /api/customers) and editing (PATCH).
// Accessible names that other tests rely on: the form "Add customer" /
// "Edit customer"; fields "Name", "Phone", "Email", "Address", "Vendor"
// (admins), "Area", "Position" (in the area), "Note", "Status", "Credit
// limit" (admins); the submit button "Save customer"; on a phone another
// customer of the vendor has, the checkbox "Save anyway: another customer on
// the same number". Each label is unique within the form, also as a part.
import { useQuery } from '@tanstack/react-query'
import { useEffect, type FormEvent } from 'react'
import { formatMoney, moneyCurrency } from '../../lib/format'
import { useApi, useSession } from '../../lib/services'
import type { Customer, CustomerStatus } from '../../lib/types'
import { useAreas, useSaveCustomer } from './drawerData'
import { Field } from './Field'
import { focusFirstError, useForm } from './formKit'
import { customerQueries } from './queries'
import {
  CUSTOMER_ALIASES,
  CUSTOMER_FIELDS,
  customerPatch,
  customerSchema,
  customerValues,
  emptyCustomer,
  type CustomerValues,
} from './schemas'
import './customers.css'

const STATUSES: CustomerStatus[] = ['active', 'paused', 'inactive']

export function CustomerForm({ customer, onSaved, onCancel }: { customer?: Customer; onSaved: (c: Customer) => void; onCancel: () => void }) {
  const api = useApi()
  const session = useSession()
  const isAdmin = session?.user.role === 'admin'
  const ownVendor = session?.user.role === 'vendor' ? session.user.id : null
  const form = useForm<CustomerValues, (typeof CUSTOMER_FIELDS)[number]>(
    customer ? customerValues(customer) : emptyCustomer(ownVendor),
    CUSTOMER_FIELDS,
    CUSTOMER_ALIASES,
  )
  const { values: v, set, errors } = form
  const save = useSaveCustomer()
  const vendors = useQuery({ ...customerQueries.vendors(api), enabled: isAdmin })
  const vendorId = Number(v.vendorId) || undefined
  const areas = useAreas(vendorId)
  // Areas are the vendor's: another vendor's area cannot stay chosen.
  useEffect(() => {
    if (!areas.data || v.areaId === '0') return
    if (!areas.data.items.some((a) => String(a.id) === v.areaId)) set('areaId', '0')
  }, [areas.data, v.areaId, set])
  const phoneTaken = form.serverError?.code === 'CONFLICT' && form.serverError.field === 'phone'

  async function submit(e: FormEvent) {
    e.preventDefault()
    const el = e.currentTarget as HTMLFormElement
    const saved = await form.submit(customerSchema(isAdmin), (body, key) => {
      if (!customer) return save.mutateAsync({ id: null, body, key })
      const patch = customerPatch(customer, body, isAdmin)
      if (Object.keys(patch).length === 0) return Promise.resolve(customer)
      return save.mutateAsync({ id: customer.id, body: patch, key })
    })
    if (saved) onSaved(saved)
    else focusFirstError(el)
  }

  const title = customer ? 'Edit customer' : 'Add customer'
  return (
    <form className="cf-form" onSubmit={submit} aria-label={title} noValidate data-testid="customer-form">
      <div className="cf-grid">
        <Field label="Name" error={errors.name} className="cf-wide">
          <input value={v.name} onChange={(e) => set('name', e.target.value)} autoComplete="off" />
        </Field>
        <Field label="Phone" error={errors.phone}>
          <input
            type="tel"
            inputMode="tel"
            value={v.phone}
            onChange={(e) => {
              set('phone', e.target.value)
              set('allowSharedPhone', false)
            }}
          />
        </Field>
        <Field label="Email" error={errors.email}>
          <input type="email" value={v.email} onChange={(e) => set('email', e.target.value)} />
        </Field>
        {phoneTaken && (
          <label className="cf-check cf-wide">
            <input type="checkbox" checked={v.allowSharedPhone} onChange={(e) => set('allowSharedPhone', e.target.checked)} />
            <span>Save anyway: another customer on the same number</span>
          </label>
        )}
        <Field label="Address" error={errors.address} className="cf-wide">
          <input value={v.address} onChange={(e) => set('address', e.target.value)} />
        </Field>
        {isAdmin && (
          <Field label="Vendor" error={errors.vendorId} hint={customer ? 'Moving a customer ends its subscriptions.' : undefined}>
            <select value={v.vendorId} onChange={(e) => set('vendorId', e.target.value)}>
              <option value="">Choose…</option>
              {(vendors.data?.items ?? []).map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field label="Area" error={errors.areaId}>
          <select value={v.areaId} onChange={(e) => set('areaId', e.target.value)} disabled={!vendorId}>
            <option value="0">No area</option>
            {(areas.data?.items ?? []).map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Position" error={errors.position} hint="Walking order within the area: lower comes first.">
          <input inputMode="numeric" value={v.position} onChange={(e) => set('position', e.target.value)} />
        </Field>
        <Field label="Status" error={errors.status}>
          <select value={v.status} onChange={(e) => set('status', e.target.value as CustomerStatus)}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s[0]?.toUpperCase() + s.slice(1)}
              </option>
            ))}
          </select>
        </Field>
        {isAdmin && (
          <Field
            label="Credit limit"
            error={errors.creditLimit}
            hint={`In ${moneyCurrency()}, e.g. ${formatMoney(250000)} as 2500. Empty: the business default.`}
          >
            <input inputMode="decimal" value={v.creditLimit} onChange={(e) => set('creditLimit', e.target.value)} placeholder="Business default" />
          </Field>
        )}
        <Field label="Note" error={errors.note} className="cf-wide" hint="Shown on the round, e.g. “leave at the door”.">
          <textarea rows={2} value={v.note} onChange={(e) => set('note', e.target.value)} />
        </Field>
      </div>
      {form.formError && (
        <p className="form-error" role="alert">
          {form.formError}
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="btn btn-ghost tap" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary tap" disabled={form.pending}>
          {form.pending ? 'Saving…' : 'Save customer'}
        </button>
      </div>
    </form>
  )
}
