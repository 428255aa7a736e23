import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { ApiError, type ApiClient } from '../../lib/api'
import { keys } from '../../lib/queryKeys'
import { useApi, useSession } from '../../lib/services'
import type { Customer, ListResponse, ReversalResult } from '../../lib/types'

// Corrections: an admin reverses a payment or a delivered delivery entered by
// mistake. The original stays in the books, struck through with the reason;
// the reversal is a new entry (see docs/api.md, "Corrections").

export type ReversalTarget = 'payment' | 'delivery'

/** reverse posts the reversal; the key in the body makes a retry safe. */
export function reverse(api: ApiClient, target: ReversalTarget, id: number, reason: string, idempotencyKey: string): Promise<ReversalResult> {
  const path = target === 'payment' ? `/api/payments/${id}/reversal` : `/api/deliveries/${id}/reversal`
  return api.post<ReversalResult>(path, { reason, idempotencyKey })
}

export function useReverse() {
  const api = useApi()
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (v: { target: ReversalTarget; id: number; reason: string; idempotencyKey: string }) =>
      reverse(api, v.target, v.id, v.reason, v.idempotencyKey),
    onSuccess: (res) => {
      const { id, balanceCents } = res.customer
      qc.setQueryData<Customer>(keys.customers.detail(id), (old) => (old ? { ...old, balanceCents } : old))
      qc.setQueriesData<ListResponse<Customer>>({ queryKey: keys.customers.lists() }, (old) =>
        old ? { ...old, items: old.items.map((c) => (c.id === id ? { ...c, balanceCents } : c)) } : old,
      )
      void qc.invalidateQueries({ queryKey: keys.payments.all() })
      void qc.invalidateQueries({ queryKey: keys.deliveries.all() })
      void qc.invalidateQueries({ queryKey: keys.customers.ledger(id) })
    },
  })
}

/** useIsAdmin says whether the signed-in user may correct the books. */
export function useIsAdmin(): boolean {
  return useSession()?.user.role === 'admin'
}

/** Reversed shows that an entry was reversed, and why. */
export function Reversed({ reason }: { reason?: string }) {
  return (
    <span className="reversed-note" data-testid="reversed-note">
      Reversed{reason ? `: ${reason}` : ''}
    </span>
  )
}

/**
 * ReverseAction is the admins' "Reverse" button of one payment or delivery:
 * it opens a form asking for the reason, then a confirmation that says what
 * will happen; only the confirmation sends the reversal.
 */
export function ReverseAction({ target, id, label }: { target: ReversalTarget; id: number; label: string }) {
  const rev = useReverse()
  const [open, setOpen] = useState(false)
  const [confirming, setConfirming] = useState(false)
  const [reason, setReason] = useState('')
  const [error, setError] = useState<string | null>(null)
  // One key per intended reversal, kept across retries of the same form.
  const [key] = useState(() => crypto.randomUUID())

  if (!open) {
    return (
      <button type="button" className="btn btn-ghost" onClick={() => setOpen(true)} aria-label={`Reverse ${label}`}>
        Reverse
      </button>
    )
  }

  function ask(e: FormEvent) {
    e.preventDefault()
    if (!reason.trim()) {
      setError('Say why this entry is wrong, e.g. "typed 45,000 instead of 4,500".')
      return
    }
    setError(null)
    setConfirming(true)
  }

  async function confirm() {
    try {
      await rev.mutateAsync({ target, id, reason: reason.trim(), idempotencyKey: key })
      setOpen(false)
    } catch (err) {
      setConfirming(false)
      setError(err instanceof ApiError ? err.message : 'Could not reverse it. Try again.')
    }
  }

  const effect =
    target === 'payment'
      ? 'The payment stays in the books, struck through, and the customer owes its amount again.'
      : 'The delivery stays in the books, struck through, and its charge is refunded to the customer.'
  return (
    <form className="reverse-form" onSubmit={ask} aria-label={`Reverse ${label}`} noValidate>
      {!confirming ? (
        <>
          <label className="field grow">
            <span>Reason</span>
            <input
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              placeholder="What was wrong?"
              maxLength={500}
              aria-invalid={!!error}
              autoFocus
            />
          </label>
          <div className="reverse-actions">
            <button type="submit" className="btn btn-secondary">
              Reverse…
            </button>
            <button type="button" className="btn btn-ghost" onClick={() => setOpen(false)}>
              Keep it
            </button>
          </div>
        </>
      ) : (
        <div role="alertdialog" aria-label="Confirm the reversal" className="reverse-confirm">
          <p>
            Reverse {label}? {effect} This cannot be undone.
          </p>
          <div className="reverse-actions">
            <button type="button" className="btn btn-danger" onClick={() => void confirm()} disabled={rev.isPending}>
              {rev.isPending ? 'Reversing…' : 'Confirm reversal'}
            </button>
            <button type="button" className="btn btn-ghost" onClick={() => setConfirming(false)} disabled={rev.isPending}>
              Back
            </button>
          </div>
        </div>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  )
}
