import type { ReactNode } from 'react'
import { ApiError } from '../lib/api'
import { humanize } from '../lib/format'

export function Loading({ label = 'Loading…', rows = 3 }: { label?: string; rows?: number }) {
  return (
    <div className="loading" role="status" aria-label={label}>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="skeleton" />
      ))}
    </div>
  )
}

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  const message =
    error instanceof ApiError
      ? error.code === 'NETWORK'
        ? 'Cannot reach the server. Showing nothing until it answers again.'
        : error.message
      : 'Something went wrong while loading this.'
  return (
    <div className="state state-error" role="alert">
      <strong>Could not load</strong>
      <p>{message}</p>
      {retry && (
        <button type="button" className="btn btn-secondary" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  )
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <strong>{title}</strong>
      {children && <p>{children}</p>}
    </div>
  )
}

export function Badge({ value, label }: { value: string; label?: string }) {
  return <span className={`badge badge-${value}`}>{label ?? humanize(value)}</span>
}
