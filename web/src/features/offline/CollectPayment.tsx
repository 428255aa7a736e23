import { useId, useRef, useState } from 'react'
import { ConfirmLargePayment, useLargePaymentGate } from '../../components/LargePayment'
import { newIdempotencyKey } from '../../lib/api'
import { formatMoney, parseMoney } from '../../lib/format'
import { useQueue } from '../../lib/offline/useQueue'
import { useServices, useSession } from '../../lib/services'
import type { PaymentMethod } from '../../lib/types'

/**
 * CollectPayment records cash or UPI taken at the door for a customer on
 * the round. The payment goes into the offline queue with its idempotency
 * key before anything is sent (a payment recorded in a basement is sent
 * when the signal returns, and charged once however often it is retried).
 * Above the business's threshold it asks first, as the drawer's payment
 * form does (components/LargePayment).
 */
export function CollectPayment({ customerId, name }: { customerId: number; name: string }) {
  const queue = useQueue()
  const session = useSession()
  const { toasts } = useServices()
  const [open, setOpen] = useState(false)
  const [amount, setAmount] = useState('')
  const [method, setMethod] = useState<PaymentMethod>('cash')
  const [error, setError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const gate = useLargePaymentGate()
  // One key per payment, made at the first Save and kept until it is stored.
  const key = useRef<string | null>(null)
  const id = useId()
  if (!queue || !session) return null
  if (!open) {
    return (
      <button type="button" className="btn btn-secondary" aria-label={`Collect payment: ${name}`} onClick={() => setOpen(true)}>
        Collect…
      </button>
    )
  }
  const submit = () => {
    const cents = parseMoney(amount)
    if (cents === null || cents <= 0) {
      setError('Enter the amount collected, e.g. 250 or 250.50.')
      return
    }
    if (gate.mayRecord(cents)) void save(cents)
  }
  const save = async (cents: number) => {
    gate.clear()
    key.current ??= newIdempotencyKey()
    setSaving(true)
    try {
      await queue.enqueue(session.user.id, { kind: 'payment', body: { customerId, amountCents: cents, method, idempotencyKey: key.current } }, `${method === 'cash' ? 'Cash' : 'UPI'} ${formatMoney(cents)}: ${name}`)
      key.current = null
      setAmount('')
      setOpen(false)
      toasts.push({ kind: 'success', title: `${formatMoney(cents)} recorded`, body: `${name}. It is sent as soon as there is a connection.` })
    } catch {
      setError('Could not store the payment on this device. Try again.')
    } finally {
      setSaving(false)
    }
  }
  const waiting = gate.confirming
  return (
    <form
      className="collect"
      aria-label={`Collect payment: ${name}`}
      onSubmit={(e) => {
        e.preventDefault()
        submit()
      }}
    >
      <div className="field-group">
        <label className="field" htmlFor={`${id}-amount`}>
          Amount
        </label>
        <input
          id={`${id}-amount`}
          inputMode="decimal"
          value={amount}
          autoFocus
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-err` : undefined}
          onChange={(e) => {
            setAmount(e.target.value)
            setError(null)
            gate.clear()
          }}
        />
      </div>
      <div className="field-group">
        <label className="field" htmlFor={`${id}-method`}>
          Method
        </label>
        <select id={`${id}-method`} value={method} onChange={(e) => setMethod(e.target.value as PaymentMethod)}>
          <option value="cash">Cash</option>
          <option value="upi">UPI</option>
        </select>
      </div>
      <button type="submit" className="btn btn-primary" disabled={saving || waiting !== null}>
        Save payment
      </button>
      <button
        type="button"
        className="btn btn-ghost"
        onClick={() => {
          gate.clear()
          setOpen(false)
        }}
      >
        Cancel
      </button>
      {waiting !== null && (
        <ConfirmLargePayment
          cents={waiting}
          thresholdCents={gate.thresholdCents}
          customerName={name}
          method={method}
          onConfirm={() => void save(waiting)}
          onCancel={gate.clear}
        />
      )}
      {error && (
        <p id={`${id}-err`} className="field-error" role="alert">
          {error}
        </p>
      )}
    </form>
  )
}
