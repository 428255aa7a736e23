import type { Health } from '../lib/socket'
import { useAdminSocket, useSocketHealth } from '../lib/realtime'

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
      return `Polling every ${Math.round(s.intervalMs / 1000)} s`
    case 'offline':
      return s.reason === 'network' ? 'Offline' : 'Offline'
  }
}

const tone: Record<Health['state']['kind'], string> = {
  live: 'ok',
  connecting: 'warn',
  reconnecting: 'warn',
  polling: 'info',
  offline: 'bad',
}

export function ConnectionIndicator() {
  const health = useSocketHealth()
  const { isLeader } = useAdminSocket()
  const label = connectionLabel(health)
  const live = health.state.kind === 'live'
  const title = [
    `Connection: ${label}`,
    health.transport ? `Transport: ${health.transport}` : null,
    health.rttMs !== null ? `Round trip: ${health.rttMs} ms` : null,
    `Last event seq: ${health.lastSeq}`,
    isLeader ? 'This tab holds the connection' : 'Shared through another tab',
  ]
    .filter(Boolean)
    .join('\n')
  return (
    <div className="conn" title={title} data-testid="connection" data-state={health.state.kind}>
      <span className={`dot dot-${tone[health.state.kind]}${live ? ' pulse' : ''}`} aria-hidden="true" />
      <span className="conn-label" role="status" aria-live="polite" data-testid="connection-state">
        {label}
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
