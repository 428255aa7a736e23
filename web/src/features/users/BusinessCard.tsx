import { useState, type FormEvent } from 'react'
import { ApiError } from '../../lib/api'
import { formatMoneyIn } from '../../lib/format'
import { useSettings, useUpdateSettings } from '../../lib/settings'
import type { SettingsUpdate } from '../../lib/types'
import { businessChanges, COMMON_CURRENCIES, SAMPLE_CENTS, type BusinessChange } from './business'

type Field = 'businessName' | 'currency'

/**
 * BusinessCard lets admins change who documents are from and the currency
 * every amount is written in (PATCH /api/settings businessName, currency).
 * A change is confirmed first, saying what it does; the server validates
 * (a known ISO 4217 code, a name of 1 to 100 characters) and a refusal
 * keeps what was typed, marking the field it names.
 */
export function BusinessCard() {
  const settings = useSettings()
  const update = useUpdateSettings()
  const [name, setName] = useState<string | null>(null)
  const [code, setCode] = useState<string | null>(null)
  const [pending, setPending] = useState<{ patch: SettingsUpdate; changes: BusinessChange[] } | null>(null)
  const [error, setError] = useState<{ field: Field | null; message: string } | null>(null)
  const [saved, setSaved] = useState<BusinessChange[] | null>(null)
  const shownName = name ?? settings.businessName
  const shownCode = code ?? settings.currency
  const sample = /^[A-Za-z]{3}$/.test(shownCode.trim()) ? formatMoneyIn(SAMPLE_CENTS, shownCode.trim().toUpperCase()) : null

  function edited() {
    setSaved(null)
    setPending(null)
  }

  function submit(e: FormEvent) {
    e.preventDefault()
    setSaved(null)
    if (shownName.trim() === '') {
      setError({ field: 'businessName', message: 'Enter the business name, as documents should show it.' })
      return
    }
    if (shownCode.trim() === '') {
      setError({ field: 'currency', message: 'Enter a currency code, e.g. INR or USD.' })
      return
    }
    setError(null)
    const found = businessChanges(settings, { businessName: shownName, currency: shownCode })
    if (found.changes.length === 0) {
      setSaved([])
      return
    }
    setPending(found)
  }

  async function save() {
    if (!pending) return
    try {
      await update.mutateAsync(pending.patch)
      setSaved(pending.changes)
      setName(null)
      setCode(null)
    } catch (err) {
      const field = err instanceof ApiError && (err.field === 'businessName' || err.field === 'currency') ? err.field : null
      setError({ field, message: err instanceof ApiError ? err.message : 'Could not save the settings. Try again.' })
    } finally {
      setPending(null)
    }
  }

  return (
    <section className="card" aria-labelledby="business-title">
      <div className="card-head">
        <h2 id="business-title">Business</h2>
      </div>
      <form onSubmit={submit} noValidate className="settings-form" aria-label="Business settings">
        <label className="field">
          <span>Business name (on statements and reports)</span>
          <input
            value={shownName}
            onChange={(e) => {
              setName(e.target.value)
              edited()
            }}
            autoComplete="organization"
            aria-invalid={error?.field === 'businessName'}
            aria-errormessage={error?.field === 'businessName' ? 'business-error' : undefined}
            data-testid="business-name"
          />
        </label>
        <label className="field">
          <span>Currency (ISO 4217 code)</span>
          <input
            value={shownCode}
            onChange={(e) => {
              setCode(e.target.value.toUpperCase())
              edited()
            }}
            list="currency-codes"
            maxLength={3}
            autoCapitalize="characters"
            spellCheck={false}
            aria-invalid={error?.field === 'currency'}
            aria-errormessage={error?.field === 'currency' ? 'business-error' : undefined}
            aria-describedby="currency-sample"
            data-testid="business-currency"
          />
          <datalist id="currency-codes">
            {COMMON_CURRENCIES.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
        </label>
        <p id="currency-sample" className="muted small" data-testid="currency-sample">
          {sample === null ? 'Not a currency this browser knows.' : shownCode.trim().toUpperCase() === settings.currency ? `Amounts read ${sample}.` : `Amounts would read ${sample}.`}
        </p>
        <button type="submit" className="btn btn-secondary" disabled={update.isPending || pending !== null}>
          {update.isPending ? 'Saving…' : 'Save'}
        </button>
        {pending && (
          <div role="alertdialog" aria-labelledby="business-confirm-title" className="confirm-box" data-testid="business-confirm">
            <p id="business-confirm-title" className="confirm-title">
              Change the business settings for everyone?
            </p>
            <ul className="small">
              {pending.changes.map((c) => (
                <li key={c.field}>{c.text}</li>
              ))}
            </ul>
            <div className="confirm-actions">
              <button type="button" className="btn btn-primary" onClick={() => void save()} autoFocus data-testid="business-confirm-yes">
                Yes, change {pending.changes.length === 1 ? 'it' : 'them'}
              </button>
              <button type="button" className="btn btn-ghost" onClick={() => setPending(null)}>
                Keep editing
              </button>
            </div>
          </div>
        )}
        {error && (
          <p id="business-error" className="form-error" role="alert" data-testid="business-error">
            {error.message}
          </p>
        )}
        {saved && !error && (
          <p className="form-ok" role="status" data-testid="business-saved">
            {saved.length === 0 ? 'Nothing to change.' : `Saved. ${saved.map((c) => c.done).join(' ')}`}
          </p>
        )}
      </form>
    </section>
  )
}
