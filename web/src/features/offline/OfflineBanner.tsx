import { useSyncExternalStore } from 'react'
import { formatAgo, formatWhen } from '../../lib/format'
import { useQueue, useQueueEntries, useQueueRunner } from '../../lib/offline/useQueue'
import { useNow, useSocketHealth } from '../../lib/realtime'
import { useServices, useSession } from '../../lib/services'
import './offline.css'

/**
 * OfflineBanner says, under the header, what the field app is working from
 * when it is not live (issue 17): the data last seen and its age, how many
 * changes wait on this device to be sent, and every change the server
 * refused because someone else changed the stop meanwhile (shown until
 * dismissed, never retried by itself). It also runs the queue's sender.
 */
export function OfflineBanner() {
  useQueueRunner()
  const { dataAge } = useServices()
  const queue = useQueue()
  const session = useSession()
  const health = useSocketHealth()
  const entries = useQueueEntries()
  const now = useNow(15_000)
  const oldest = useSyncExternalStore(
    (fn) => (dataAge ? dataAge.subscribe(fn) : () => undefined),
    () => dataAge?.oldest() ?? null,
  )
  const mine = entries.filter((e) => e.userId === session?.user.id)
  const waiting = mine.filter((e) => e.state !== 'refused').length
  const refused = mine.filter((e) => e.state === 'refused')
  const offline = session?.offline === true || health.state.kind === 'offline' || oldest !== null
  if (!offline && waiting === 0 && refused.length === 0) return null
  return (
    <div className="offline-banner" data-testid="offline-banner" data-offline={offline ? 'true' : 'false'}>
      {offline && (
        <p className="offline-line" data-testid="offline-age">
          <strong>Offline</strong>
          {oldest !== null ? (
            <>
              {' '}
              · showing data from {formatWhen(oldest, now)} ({formatAgo(oldest, now)})
            </>
          ) : (
            ' · showing the data last loaded'
          )}
        </p>
      )}
      {waiting > 0 && (
        <p className="offline-line" role="status" data-testid="queue-count">
          {waiting} {waiting === 1 ? 'change' : 'changes'} waiting to send
        </p>
      )}
      {refused.length > 0 && (
        <ul className="offline-conflicts" aria-label="Changes not made" data-testid="queue-conflicts">
          {refused.map((e) => (
            <li key={e.id} role="alert" data-testid="queue-conflict">
              <span>
                <strong>{e.label}</strong> not saved: {e.refusals?.map((r) => r.error.message).join('; ')}
              </span>
              <button type="button" className="btn btn-ghost" onClick={() => e.id !== undefined && void queue?.dismiss(e.id)}>
                Dismiss
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
