import { cloneElement, useId, type ReactElement, type ReactNode } from 'react'

/**
 * Field labels one control and shows its error under it, tied to the
 * control by aria-describedby and aria-invalid, so a screen reader reads
 * the server's message with the field it is about.
 */
export function Field({
  label,
  error,
  hint,
  className = '',
  children,
}: {
  label: string
  error?: string | undefined
  hint?: ReactNode
  className?: string
  children: ReactElement<Record<string, unknown>>
}) {
  const id = useId()
  const errId = `${id}-err`
  const hintId = `${id}-hint`
  const described = [error ? errId : '', hint ? hintId : ''].filter(Boolean).join(' ') || undefined
  return (
    <div className={`field cf-field ${className}`}>
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': described })}
      {hint && (
        <span id={hintId} className="muted small">
          {hint}
        </span>
      )}
      {error && (
        <span id={errId} className="field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  )
}
