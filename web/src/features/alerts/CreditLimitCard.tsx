import { useState, type FormEvent } from 'react'
import { ApiError } from '../../lib/api'
import { amountInWords, formatMoney, parseMoney } from '../../lib/format'
import { centsText } from './model'
import { useAlertRules, useUpdateAlertRules } from './queries'
import { useIdempotentKey } from './RulesForm'

/**
 * CreditLimitCard edits the business-wide default credit limit: the most a
 * customer without its own limit may owe before balance_over_limit is
 * raised (the rule's defaultCreditLimitCents).
 */
export function CreditLimitCard() {
  const rules = useAlertRules()
  const update = useUpdateAlertRules()
  const keyFor = useIdempotentKey()
  const [value, setValue] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState(false)
  const current = rules.data?.balance_over_limit.defaultCreditLimitCents
  const shown = value ?? (current === undefined ? '' : centsText(current))
  const typed = shown.trim() === '0' ? 0 : parseMoney(shown)

  async function submit(e: FormEvent) {
    e.preventDefault()
    setSaved(false)
    if (typed === null) {
      setError('Enter an amount, e.g. 5000 (0: any balance owed is over the limit).')
      return
    }
    setError(null)
    const patch = { balance_over_limit: { defaultCreditLimitCents: typed } }
    const { key, done } = keyFor(patch)
    try {
      await update.mutateAsync({ patch, idempotencyKey: key })
      done()
      setValue(null)
      setSaved(true)
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Could not save the credit limit. Try again.')
    }
  }

  return (
    <section className="card" aria-labelledby="credit-limit-title">
      <div className="card-head">
        <h2 id="credit-limit-title">Credit limit</h2>
      </div>
      <form onSubmit={submit} noValidate className="settings-form" aria-label="Default credit limit">
        <label className="field">
          <span>Default credit limit (customers without their own)</span>
          <input
            inputMode="decimal"
            value={shown}
            disabled={rules.isPending}
            onChange={(e) => {
              setValue(e.target.value)
              setSaved(false)
            }}
            aria-invalid={!!error}
            aria-describedby="credit-limit-words"
            data-testid="default-credit-limit"
          />
        </label>
        <p id="credit-limit-words" className="muted small">
          {typed === null ? '—' : `${formatMoney(typed)} · ${amountInWords(typed)}`}
        </p>
        <button type="submit" className="btn btn-secondary" disabled={update.isPending || rules.isPending}>
          {update.isPending ? 'Saving…' : 'Save'}
        </button>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {saved && !error && current !== undefined && (
          <p className="form-ok" role="status">
            Saved. Customers without their own limit are flagged above {formatMoney(current)}.
          </p>
        )}
      </form>
    </section>
  )
}
