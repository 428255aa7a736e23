import { useCallback, useRef, useState } from 'react'
import { ApiError, newIdempotencyKey } from '../../lib/api'

// The small form kit of the customer forms: a schema is a function from the
// typed values to either the request body or per-field messages, written to
// refuse exactly what the server refuses (docs/api.md, "Input rules"), so a
// form never sends what will bounce and shows the server's words when it
// does. useForm keeps the typed values through failures and holds one
// Idempotency-Key per intended action.

export type FieldErrors<F extends string> = Partial<Record<F, string>>
export type Parsed<F extends string, Out> = { ok: true; value: Out } | { ok: false; errors: FieldErrors<F> }
export type Schema<V, F extends string, Out> = (values: V) => Parsed<F, Out>

const encoder = new TextEncoder()

/** byteLength is a string's length as the server counts it (UTF-8 bytes). */
export function byteLength(s: string): number {
  return encoder.encode(s).length
}

/**
 * hasControl mirrors the server's checkText: control characters (C0, DEL,
 * C1) and the line/paragraph separators are refused; multi-line fields may
 * hold newlines and tabs.
 */
export function hasControl(s: string, multiline = false): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0
    if (multiline && (ch === '\n' || ch === '\t' || ch === '\r')) continue
    if (c <= 0x1f || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029) return true
  }
  return false
}

/** text checks one text field; it returns the message or null. */
export function checkText(label: string, v: string, o: { required?: boolean; max: number; multiline?: boolean }): string | null {
  if (hasControl(v, o.multiline)) return `${label} must not contain control characters.`
  const t = v.trim()
  if (o.required && t === '') return `${label} is required.`
  if (byteLength(t) > o.max) return `${label} must be at most ${o.max} characters.`
  return null
}

/** MAX_AMOUNT_CENTS is the server's largest amount (1,000,000,000.00). */
export const MAX_AMOUNT_CENTS = 100_000_000_000

/**
 * parseAmount reads a typed amount in major units ("1,250.50", "₹ 99") as
 * integer minor units, zero allowed; null when it is not one.
 */
export function parseAmount(input: string): number | null {
  const s = input.replace(/[\s,₹$]/g, '')
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(s)
  if (!m) return null
  const cents = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
  return Number.isSafeInteger(cents) ? cents : null
}

/** centsToInput writes minor units the way a person would type them back ("45.5" → "45.50"). */
export function centsToInput(cents: number | undefined): string {
  if (cents === undefined) return ''
  const whole = Math.trunc(cents / 100)
  const frac = Math.abs(cents % 100)
  return frac === 0 ? String(whole) : `${whole}.${String(frac).padStart(2, '0')}`
}

/** parseWhole reads a whole number in [min, max]; null otherwise. */
export function parseWhole(input: string, min: number, max: number): number | null {
  const t = input.trim()
  if (!/^\d+$/.test(t)) return null
  const n = Number(t)
  return n >= min && n <= max ? n : null
}

export const DAY_RE = /^\d{4}-\d{2}-\d{2}$/

/** isDay says whether s is a real calendar day YYYY-MM-DD. */
export function isDay(s: string): boolean {
  if (!DAY_RE.test(s)) return false
  const d = new Date(`${s}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
}

/**
 * fieldOf maps a server error onto a form field: the server's field name
 * (possibly renamed by aliases, e.g. creditLimitCents → creditLimit) when the
 * form has that field, otherwise null (the message goes above the buttons).
 */
export function fieldOf<F extends string>(err: unknown, fields: readonly F[], aliases: Record<string, F> = {}): F | null {
  if (!(err instanceof ApiError) || !err.field) return null
  const f = (aliases[err.field] ?? err.field) as F
  return fields.includes(f) ? f : null
}

export interface FormState<V, F extends string> {
  values: V
  set: <K extends keyof V>(k: K, v: V[K]) => void
  errors: FieldErrors<F>
  /** An error that belongs to no field (network, permission, conflict). */
  formError: string | null
  /** The last server error, for forms that react to a code (e.g. CONFLICT on phone). */
  serverError: ApiError | null
  pending: boolean
  /** The Idempotency-Key of the action being entered; new after each success. */
  idempotencyKey: string
  /**
   * submit validates, sends with the current key, and on failure keeps the
   * values and the key (a retry is the same action), putting the server's
   * message on its field. Returns the result, or null when not sent or failed.
   */
  submit: <Out, R>(schema: Schema<V, F, Out>, send: (body: Out, key: string) => Promise<R>) => Promise<R | null>
  reset: (values: V) => void
}

export function useForm<V, F extends string>(initial: V, fields: readonly F[], aliases: Record<string, F> = {}): FormState<V, F> {
  const [values, setValues] = useState(initial)
  const [errors, setErrors] = useState<FieldErrors<F>>({})
  const [formError, setFormError] = useState<string | null>(null)
  const [serverError, setServerError] = useState<ApiError | null>(null)
  const [pending, setPending] = useState(false)
  const [idempotencyKey, setKey] = useState(newIdempotencyKey)
  // The key as of the latest render, for a submit started from an old closure.
  const keyRef = useRef(idempotencyKey)
  keyRef.current = idempotencyKey
  const valuesRef = useRef(values)
  valuesRef.current = values

  const set = useCallback(<K extends keyof V>(k: K, v: V[K]) => {
    setValues((old) => ({ ...old, [k]: v }))
    // Editing a field clears its message; the server's verdict is re-asked on submit.
    setErrors((old) => (k in old ? { ...old, [k]: undefined } : old))
  }, [])

  const submit = useCallback(
    async <Out, R>(schema: Schema<V, F, Out>, send: (body: Out, key: string) => Promise<R>): Promise<R | null> => {
      const parsed = schema(valuesRef.current)
      setFormError(null)
      setServerError(null)
      if (!parsed.ok) {
        setErrors(parsed.errors)
        return null
      }
      setErrors({})
      setPending(true)
      try {
        const res = await send(parsed.value, keyRef.current)
        setKey(newIdempotencyKey())
        return res
      } catch (err) {
        const apiErr = err instanceof ApiError ? err : null
        setServerError(apiErr)
        if (apiErr?.code === 'IDEMPOTENCY_KEY_REUSED') {
          // An earlier attempt with other values may have been saved: the
          // next submission is a new action, with a new key.
          setKey(newIdempotencyKey())
          setFormError('An earlier attempt with other details may already be saved. Check before saving again.')
          return null
        }
        const field = fieldOf(err, fields, aliases)
        const message = apiErr ? apiErr.message : 'Could not save. Check your connection and try again.'
        if (field) setErrors({ [field]: message } as FieldErrors<F>)
        else setFormError(message)
        return null
      } finally {
        setPending(false)
      }
    },
    // fields and aliases are constants of each form.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  )

  const reset = useCallback((v: V) => {
    setValues(v)
    setErrors({})
    setFormError(null)
    setServerError(null)
  }, [])

  return { values, set, errors, formError, serverError, pending, idempotencyKey, submit, reset }
}

/**
 * focusFirstError moves focus to the form's first invalid field once its
 * message has rendered, so that on a phone the user lands on what to fix
 * (and a screen reader reads it) instead of staying at the button below.
 */
export function focusFirstError(form: HTMLFormElement | null): void {
  setTimeout(() => form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0)
}
