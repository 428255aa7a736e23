import type { SelectHTMLAttributes } from 'react'
import { formatMonth } from '../lib/format'

/** monthsBack lists `count` months ending with `last` (YYYY-MM), newest first. */
export function monthsBack(last: string, count: number): string[] {
  const y = Number(last.slice(0, 4))
  const m = Number(last.slice(5, 7))
  const out: string[] = []
  for (let i = 0; i < count; i++) {
    const d = new Date(Date.UTC(y, m - 1 - i, 1))
    out.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`)
  }
  return out
}

/**
 * MonthSelect picks a month (YYYY-MM) from the `count` months up to
 * `latest`, written as the rest of the app writes months ("November
 * 2026") whatever the browser's locale (a native month input follows it).
 * A value outside that range stays selectable.
 */
export function MonthSelect({
  value,
  latest,
  count = 24,
  onChange,
  ...rest
}: { value: string; latest: string; count?: number; onChange: (month: string) => void } & Omit<
  SelectHTMLAttributes<HTMLSelectElement>,
  'value' | 'onChange'
>) {
  const months = monthsBack(latest, count)
  if (value && !months.includes(value)) months.unshift(value)
  return (
    <select {...rest} value={value} onChange={(e) => onChange(e.target.value)}>
      {months.map((m) => (
        <option key={m} value={m}>
          {formatMonth(m)}
        </option>
      ))}
    </select>
  )
}
