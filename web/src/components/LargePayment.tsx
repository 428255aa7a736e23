import { useId, useState } from 'react'
import { amountInWords, formatMoney, humanize } from '../lib/format'
import { needsConfirmation, useSettings } from '../lib/settings'
import type { PaymentMethod } from '../lib/types'

// The large-payment safeguard, shared by every form that records a payment
// (the customer drawer's "Record a payment", Today's "Collect…"): above the
// business's threshold (settings confirmAboveCents) the payment waits for an
// explicit confirmation that shows the amount in figures and in words.

export interface LargePaymentGate {
  /** The amount waiting for a confirmation, or null. */
  confirming: number | null
  /** The business's threshold, in minor units. */
  thresholdCents: number
  /**
   * mayRecord says whether cents may be recorded now. Above the threshold
   * it is false and the amount waits for a confirmation; the same amount
   * submitted again while it waits counts as confirmed.
   */
  mayRecord: (cents: number) => boolean
  /** clear drops the waiting confirmation (the amount changed, it was confirmed, or cancelled). */
  clear: () => void
}

export function useLargePaymentGate(): LargePaymentGate {
  const settings = useSettings()
  const [confirming, setConfirming] = useState<number | null>(null)
  return {
    confirming,
    thresholdCents: settings.confirmAboveCents,
    mayRecord: (cents) => {
      if (needsConfirmation(cents, settings) && confirming !== cents) {
        setConfirming(cents)
        return false
      }
      return true
    },
    clear: () => setConfirming(null),
  }
}

/**
 * ConfirmLargePayment asks before a payment above the business's threshold
 * is recorded, with the amount in figures and in words so that a slip of a
 * few zeros shows.
 */
export function ConfirmLargePayment({
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
  const id = useId()
  return (
    <div role="alertdialog" aria-labelledby={`${id}-title`} aria-describedby={`${id}-words`} className="confirm-box" data-testid="pay-confirm">
      <p id={`${id}-title`} className="confirm-title">
        Record {formatMoney(cents)} by {humanize(method)} from {customerName}?
      </p>
      <p id={`${id}-words`} className="confirm-words" data-testid="pay-confirm-words">
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
