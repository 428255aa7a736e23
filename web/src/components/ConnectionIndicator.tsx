import type { Health } from '../lib/socket'
import { useAdminSocket, useSocketHealth } from '../lib/realtime'
import { useSession } from '../lib/services'

/** connectionLabel is the header's wording for a connection state. */
export function connectionLabel(h: Health): string {
  const s = h.state
  switch (s.kind) {
    case 'live':
      return 'Live'
    case 'connecting':
      return 'Connecting…'
    case 'reconnecting':
      return `Reconnecting (attempt ${s.attempt}/${s.maxAttempts})`
    case 'polling':
      return 'Polling'
    case 'offline':
      return s.reason === 'network' ? 'Offline · no network' : s.reason === 'unreachable' ? 'Offline · server unreachable' : 'Offline'
  }
}

/**
 * connectionHint says what still works in a state that is not live: the
 * indicator is honest about what the user can and cannot count on.
 */
export function connectionHint(h: Health): string | null {
  const s = h.state
  switch (s.kind) {
    case 'polling':
      return `Live updates are blocked; the server is asked every ${Math.round(s.intervalMs / 1000)} s. Changes are sent as usual.`
    case 'reconnecting':
      return 'Changes you make are kept and sent when the connection is back.'
    case 'offline':
      if (s.reason === 'network' || s.reason === 'unreachable')
        return 'Showing the data last seen. Deliveries and payments you record are kept on this device and sent when the connection is back.'
      return null
    default:
      return null
  }
}

const tone: Record<Health['state']['kind'], string> = {
  live: 'ok',
  connecting: 'warn',
  reconnecting: 'warn',
  polling: 'warn',
  offline: 'bad',
}

export function ConnectionIndicator() {
  const socketHealth = useSocketHealth()
  const session = useSession()
  // An offline session (opened from the kept data) has no socket yet.
  const health: Health = session?.offline
    ? { ...socketHealth, state: { kind: 'offline', reason: typeof navigator !== 'undefined' && navigator.onLine === false ? 'network' : 'unreachable' } }
    : socketHealth
  const { isLeader } = useAdminSocket()
  const label = connectionLabel(health)
  const hint = connectionHint(health)
  const live = health.state.kind === 'live'
  const title = [
    `Connection: ${label}`,
    hint,
    health.transport ? `Transport: ${health.transport}` : null,
    health.rttMs !== null ? `Round trip: ${health.rttMs} ms` : null,
    `Last event seq: ${health.lastSeq}`,
    isLeader ? 'This tab holds the connection' : 'Shared through another tab',
  ]
    .filter(Boolean)
    .join('\n')
  return (
    <div className="conn" title={title} data-testid="connection" data-state={health.state.kind} data-reason={health.state.kind === 'offline' ? health.state.reason : undefined}>
      <span className={`dot dot-${tone[health.state.kind]}${live ? ' pulse' : ''}`} aria-hidden="true" />
      <span className="conn-label" role="status" aria-live="polite" data-testid="connection-state">
        {label}
        {hint && <span className="sr-only"> {hint}</span>}
      </span>
      {live && (
        <span className="conn-meta">
          {health.rttMs !== null && <span data-testid="rtt">{health.rttMs} ms</span>}
          {health.transport && <span data-testid="transport">{health.transport}</span>}
        </span>
      )}
    </div>
  )
}
