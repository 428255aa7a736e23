import { useEffect, useState } from 'react'
import { formatDayInput, parseDayInput } from '../lib/format'

/**
 * DateInput is a day field that reads and writes DD/MM/YYYY whatever the
 * browser's locale (a native date input follows it: MM/DD/YYYY on a US
 * browser). value and onChange are YYYY-MM-DD.
 */
export function DateInput({ label, value, min, max, onChange }: { label: string; value: string; min?: string; max?: string; onChange: (day: string) => void }) {
  const [text, setText] = useState(formatDayInput(value))
  const [error, setError] = useState<string | null>(null)
  useEffect(() => setText(formatDayInput(value)), [value])
  function commit() {
    const day = parseDayInput(text)
    if (!day) return setError('Use DD/MM/YYYY')
    if (min && day < min) return setError(`Not before ${formatDayInput(min)}`)
    if (max && day > max) return setError(`Not after ${formatDayInput(max)}`)
    setError(null)
    if (day !== value) onChange(day)
    else setText(formatDayInput(day))
  }
  return (
    <label className="field field-inline">
      <span>{label}</span>
      <input
        inputMode="numeric"
        placeholder="DD/MM/YYYY"
        size={10}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault()
            commit()
          }
        }}
        aria-invalid={!!error}
        title={error ?? 'DD/MM/YYYY'}
      />
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </label>
  )
}
