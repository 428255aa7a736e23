import { useState, type FormEvent } from 'react'
import { ApiError } from '../../lib/api'
import { amountInWords, formatMoney, parseMoney } from '../../lib/format'
import { useSettings, useUpdateSettings } from '../../lib/settings'

/** SettingsCard lets admins change the business's safeguards (GET/PATCH /api/settings). */
export function SettingsCard() {
  const settings = useSettings()
  const update = useUpdateSettings()
  const [value, setValue] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState(false)
  const shown = value ?? String(settings.confirmAboveCents / 100)
  const typed = shown.trim() === '0' ? 0 : parseMoney(shown)

  async function submit(e: FormEvent) {
    e.preventDefault()
    setSaved(false)
    if (typed === null) {
      setError('Enter an amount, e.g. 10000 (0 asks for every payment).')
      return
    }
    setError(null)
    try {
      await update.mutateAsync({ confirmAboveCents: typed })
      setValue(null)
      setSaved(true)
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Could not save the setting. Try again.')
    }
  }

  return (
    <section className="card" aria-labelledby="safeguards-title">
      <div className="card-head">
        <h2 id="safeguards-title">Safeguards</h2>
      </div>
      <form onSubmit={submit} noValidate className="settings-form" aria-label="Safeguards">
        <label className="field">
          <span>Ask to confirm payments above</span>
          <input
            inputMode="decimal"
            value={shown}
            onChange={(e) => {
              setValue(e.target.value)
              setSaved(false)
            }}
            aria-invalid={!!error}
            aria-describedby="confirm-above-words"
            data-testid="confirm-above"
          />
        </label>
        <p id="confirm-above-words" className="muted small">
          {typed === null ? '—' : typed === 0 ? 'Every payment asks for a confirmation.' : `${formatMoney(typed)} · ${amountInWords(typed)}`}
        </p>
        <button type="submit" className="btn btn-secondary" disabled={update.isPending}>
          {update.isPending ? 'Saving…' : 'Save'}
        </button>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {saved && !error && (
          <p className="form-ok" role="status">
            Saved. Payments above {formatMoney(settings.confirmAboveCents)} now ask for a confirmation.
          </p>
        )}
      </form>
    </section>
  )
}
