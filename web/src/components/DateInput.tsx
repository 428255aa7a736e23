import { useEffect, useState, type InputHTMLAttributes } from 'react'
import { DAY_INPUT_FORMAT, formatDayInput, parseDayInput } from '../lib/format'

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
    if (!day) return setError(`Use ${DAY_INPUT_FORMAT}`)
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
        placeholder={DAY_INPUT_FORMAT}
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
        title={error ?? DAY_INPUT_FORMAT}
      />
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </label>
  )
}

/** dayOf is what a day field's text stands for: '' when empty, the YYYY-MM-DD day, else the text as typed. */
function dayOf(text: string): string {
  return text.trim() === '' ? '' : (parseDayInput(text) ?? text)
}

/**
 * DayInput is the bare day control of the forms (a Field gives it its
 * label, id and error): DD/MM/YYYY whatever the browser's locale, like
 * DateInput. value is YYYY-MM-DD ('' for none); onChange gets, on every
 * keystroke, the day typed, '' when emptied, or the text itself while it is
 * not a day, so that the form's validation (isDay) can say what to fix.
 */
export function DayInput({
  value,
  onChange,
  ...rest
}: { value: string; onChange: (day: string) => void } & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'type'>) {
  const [text, setText] = useState(() => formatDayInput(value) || value)
  // A new value from outside (a reset, another default) replaces the text;
  // the value the text already stands for leaves it as typed.
  useEffect(() => {
    setText((t) => (dayOf(t) === value ? t : formatDayInput(value) || value))
  }, [value])
  return (
    <input
      type="text"
      inputMode="numeric"
      placeholder={DAY_INPUT_FORMAT}
      autoComplete="off"
      {...rest}
      value={text}
      onChange={(e) => {
        setText(e.target.value)
        onChange(dayOf(e.target.value))
      }}
      onBlur={(e) => {
        // A day typed as 1.2.2027 or 2027-02-01 settles as 01/02/2027.
        const day = parseDayInput(text)
        if (day) setText(formatDayInput(day))
        rest.onBlur?.(e)
      }}
    />
  )
}
