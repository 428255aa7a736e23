import { useState, type FormEvent } from 'react'
import { ApiError } from '../../lib/api'
import { ConfirmLargePayment, useLargePaymentGate } from '../../components/LargePayment'
import { balanceLabel, formatMoney, humanize, parseMoney } from '../../lib/format'
import type { PaymentMethod } from '../../lib/types'
import { useRecordPayment } from './hooks'

const METHODS: PaymentMethod[] = ['cash', 'upi', 'card', 'bank_transfer', 'other']

/** PaymentForm records a payment from the customer drawer (moved out of CustomerDrawer.tsx unchanged). */
export function PaymentForm({ customerId, customerName }: { customerId: number; customerName: string }) {
  const record = useRecordPayment()
  // A payment above the business's threshold waits for an explicit confirmation.
  const gate = useLargePaymentGate()
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
    if (!gate.mayRecord(cents)) return
    await save(cents)
  }

  async function save(cents: number) {
    gate.clear()
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

  const waiting = gate.confirming
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
              gate.clear()
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
        <button type="submit" className="btn btn-primary" disabled={record.isPending || waiting !== null} data-testid="pay-submit">
          {record.isPending ? 'Saving…' : 'Record'}
        </button>
      </div>
      {waiting !== null && (
        <ConfirmLargePayment
          cents={waiting}
          thresholdCents={gate.thresholdCents}
          customerName={customerName}
          method={method}
          onConfirm={() => void save(waiting)}
          onCancel={gate.clear}
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
