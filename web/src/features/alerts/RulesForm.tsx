import { useRef, useState, type FormEvent } from 'react'
import { ErrorState, Loading } from '../../components/States'
import { ApiError, newIdempotencyKey } from '../../lib/api'
import { useSocketEvent } from '../../lib/realtime'
import type { AlertRules } from '../../lib/types'
import { fromDraft, MIN_DURATION, parseField, RULE_SPECS, RULE_TITLES, toDraft, type Draft, type FieldSpec } from './model'
import { alertKeys, useAlertRules, useUpdateAlertRules } from './queries'
import { useQueryClient } from '@tanstack/react-query'

/**
 * useIdempotentKey keeps one Idempotency-Key per body: the form's retries of
 * the same change reuse it; a different change gets a new one.
 */
export function useIdempotentKey(): (body: unknown) => { key: string; done: () => void } {
  const ref = useRef<{ key: string; body: string } | null>(null)
  return (body) => {
    const b = JSON.stringify(body)
    if (!ref.current || ref.current.body !== b) ref.current = { key: newIdempotencyKey(), body: b }
    return { key: ref.current.key, done: () => (ref.current = null) }
  }
}

/** RulesForm edits every rule's settings (GET|PATCH /api/alerts/rules). */
export function RulesForm() {
  const rules = useAlertRules()
  const qc = useQueryClient()
  // Another admin's change: fetch the rules again (typed input is kept).
  useSocketEvent('activity:updated', (p) => {
    if (p.entry.action === 'alert.rules_updated') void qc.invalidateQueries({ queryKey: alertKeys.rules() })
  })
  if (rules.isPending) return <Loading rows={4} />
  if (rules.isError || !rules.data) return <ErrorState error={rules.error} retry={() => void rules.refetch()} />
  return <RulesFields rules={rules.data} />
}

function RulesFields({ rules }: { rules: AlertRules }) {
  const update = useUpdateAlertRules()
  const keyFor = useIdempotentKey()
  const [edits, setEdits] = useState<Draft>({})
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [formError, setFormError] = useState<string | null>(null)
  const [saved, setSaved] = useState(false)
  const draft: Draft = { ...toDraft(rules), ...edits }

  const change = (path: string, v: string | boolean) => {
    setEdits((e) => ({ ...e, [path]: v }))
    setErrors((e) => {
      const { [path]: _gone, ...rest } = e
      return rest
    })
    setSaved(false)
  }

  async function submit(e: FormEvent) {
    e.preventDefault()
    setSaved(false)
    setFormError(null)
    const out = fromDraft(draft)
    if ('errors' in out) {
      setErrors(out.errors)
      return
    }
    setErrors({})
    const { key, done } = keyFor(out.patch)
    try {
      await update.mutateAsync({ patch: out.patch, idempotencyKey: key })
      done()
      setEdits({})
      setSaved(true)
    } catch (err) {
      if (err instanceof ApiError && err.field && err.field in draft) setErrors({ [err.field]: err.message })
      else setFormError(err instanceof ApiError ? err.message : 'Could not save the rules. Try again.')
    }
  }

  const field = (f: FieldSpec) => {
    const id = `rule-${f.path.replace(/\W/g, '-')}`
    const err = errors[f.path]
    return (
      <label className="field" key={f.path}>
        <span>{f.label}</span>
        <input
          id={id}
          name={f.path}
          inputMode={f.kind === 'clock' ? 'text' : f.kind === 'money' ? 'decimal' : 'numeric'}
          placeholder={f.kind === 'clock' ? 'HH:MM' : undefined}
          value={String(draft[f.path] ?? '')}
          onChange={(e) => change(f.path, e.target.value)}
          onBlur={(e) => {
            const r = parseField(f, e.target.value)
            if ('error' in r) setErrors((x) => ({ ...x, [f.path]: r.error }))
          }}
          aria-invalid={!!err}
          aria-describedby={err ? `${id}-error` : undefined}
          data-testid={`rule-${f.path}`}
        />
        {err && (
          <span id={`${id}-error`} className="field-error" role="alert">
            {err}
          </span>
        )}
      </label>
    )
  }

  return (
    <form className="rules-form" onSubmit={submit} noValidate aria-label="Alert rules">
      <fieldset>
        <legend>Every rule</legend>
        <p className="rule-desc muted small">{MIN_DURATION.hint}</p>
        {field(MIN_DURATION)}
      </fieldset>
      {RULE_SPECS.map((r) => (
        <fieldset key={r.id} data-testid={`rule-${r.id}`}>
          <legend>{RULE_TITLES[r.id]}</legend>
          <p className="rule-desc muted small">{r.description}</p>
          <label className="check">
            <input type="checkbox" checked={Boolean(draft[`${r.id}.enabled`])} onChange={(e) => change(`${r.id}.enabled`, e.target.checked)} />
            <span>Enabled</span>
          </label>
          {r.fields.map(field)}
        </fieldset>
      ))}
      <div className="alert-actions">
        <button type="submit" className="btn btn-primary" disabled={update.isPending}>
          {update.isPending ? 'Saving…' : 'Save rules'}
        </button>
        {Object.keys(edits).length > 0 && (
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => {
              setEdits({})
              setErrors({})
            }}
          >
            Discard changes
          </button>
        )}
      </div>
      {formError && (
        <p className="form-error" role="alert">
          {formError}
        </p>
      )}
      {Object.keys(errors).length > 0 && !formError && (
        <p className="form-error" role="alert">
          Some settings need fixing: see the fields marked.
        </p>
      )}
      {saved && (
        <p className="form-ok" role="status">
          Saved. The rules apply from the next evaluation.
        </p>
      )}
    </form>
  )
}
