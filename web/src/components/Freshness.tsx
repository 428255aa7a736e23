import { formatAgo } from '../lib/format'
import { useNow, useSocketHealth } from '../lib/realtime'

/** freshnessLabel says whether data is pushed live or how old the cached copy is. */
export function freshnessLabel(live: boolean, updatedAt: number, now: number): string {
  if (live) return 'Live'
  if (!updatedAt) return 'Not loaded'
  return `Cached · updated ${formatAgo(updatedAt, now)}`
}

export function Freshness({ updatedAt, failed = false }: { updatedAt: number; failed?: boolean }) {
  const { state } = useSocketHealth()
  const now = useNow(1_000)
  const live = state.kind === 'live' && !failed
  return (
    <span className={`fresh ${live ? 'fresh-live' : 'fresh-cached'}`} data-testid="freshness">
      <span className="dot" aria-hidden="true" />
      {freshnessLabel(live, updatedAt, now)}
    </span>
  )
}
