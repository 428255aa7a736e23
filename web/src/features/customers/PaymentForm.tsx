import { useState, type FormEvent } from 'react'
import { ApiError } from '../../lib/api'
import { amountInWords, balanceLabel, formatMoney, humanize, parseMoney } from '../../lib/format'
import { needsConfirmation, useSettings } from '../../lib/settings'
import type { PaymentMethod } from '../../lib/types'
import { useRecordPayment } from './hooks'

const METHODS: PaymentMethod[] = ['cash', 'upi', 'card', 'bank_transfer', 'other']

/** PaymentForm records a payment from the customer drawer (moved out of CustomerDrawer.tsx unchanged). */
export function PaymentForm({ customerId, customerName }: { customerId: number; customerName: string }) {
  const record = useRecordPayment()
  const settings = useSettings()
  // The amount waiting for an explicit confirmation (above the business's threshold).
  const [confirming, setConfirming] = useState<number | null>(null)
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
    if (needsConfirmation(cents, settings) && confirming !== cents) {
      setConfirming(cents)
      return
    }
    await save(cents)
  }

  async function save(cents: number) {
    setConfirming(null)
    try {
      const res = await record.mutateAsync({ customerId, amountCents: cents, method, reference: reference.trim() || undefined, idempotencyKey: key })
      // Everyone (this tab included) also gets the live payment:added toast.
      const b = balanceLabel(res.customer.balanceCents)
      setDone(`Recorded ${formatMoney(res.payment.amountCents)}. ${b.tone === 'credit' ? `Now ${b.amount} in credit` : `New balance ${b.amount}`}.`)
      setAmount('')
      setReference('')
      setKey(crypto.randomUUID())
    } catch (err) {
      if (err instanceof ApiError && err.code === 'IDEMPOTENCY_KEY_REUSED') {
        // An earlier attempt with other details may have been recorded:
        // say so, and make the next submission a new payment.
        setKey(crypto.randomUUID())
        setError('An earlier attempt of this payment, with other details, may already be recorded. Check the payments list before submitting again.')
        return
      }
      setError(err instanceof ApiError ? err.message : 'Could not record the payment. Try again.')
    }
  }

  return (
    <form className="pay-form" onSubmit={submit} aria-label="Record a payment" noValidate>
      <h3>Record a payment</h3>
      <div className="pay-row">
        <label className="field">
          <span>Amount</span>
          <input
            inputMode="decimal"
            placeholder="0.00"
            value={amount}
            onChange={(e) => {
              setAmount(e.target.value)
              setConfirming(null)
            }}
            data-testid="pay-amount"
            aria-invalid={!!error}
          />
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
        <button type="submit" className="btn btn-primary" disabled={record.isPending || confirming !== null} data-testid="pay-submit">
          {record.isPending ? 'Saving…' : 'Record'}
        </button>
      </div>
      {confirming !== null && (
        <ConfirmLargePayment
          cents={confirming}
          thresholdCents={settings.confirmAboveCents}
          customerName={customerName}
          method={method}
          onConfirm={() => void save(confirming)}
          onCancel={() => setConfirming(null)}
        />
      )}
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

/**
 * ConfirmLargePayment asks before a payment above the business's threshold
 * is recorded, with the amount in figures and in words so that a slip of a
 * few zeros shows.
 */
function ConfirmLargePayment({
  cents,
  thresholdCents,
  customerName,
  method,
  onConfirm,
  onCancel,
}: {
  cents: number
  thresholdCents: number
  customerName: string
  method: PaymentMethod
  onConfirm: () => void
  onCancel: () => void
}) {
  return (
    <div role="alertdialog" aria-labelledby="pay-confirm-title" aria-describedby="pay-confirm-words" className="confirm-box" data-testid="pay-confirm">
      <p id="pay-confirm-title" className="confirm-title">
        Record {formatMoney(cents)} by {humanize(method)} from {customerName}?
      </p>
      <p id="pay-confirm-words" className="confirm-words" data-testid="pay-confirm-words">
        {amountInWords(cents)}
      </p>
      <p className="muted small">This is more than {formatMoney(thresholdCents)}, so it needs a second look. Check the number of zeros.</p>
      <div className="confirm-actions">
        <button type="button" className="btn btn-primary" onClick={onConfirm} autoFocus data-testid="pay-confirm-yes">
          Yes, record {formatMoney(cents)}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          Change the amount
        </button>
      </div>
    </div>
  )
}
