import { formatNumber } from '../../lib/format'
import type { DeliveryStatus, RoundCounters } from '../../lib/types'
import type { Waiting } from './logic'

const TILES: ReadonlyArray<{ key: 'toDo' | 'out' | 'delivered' | 'failed' | 'skipped'; label: string; status: DeliveryStatus }> = [
  { key: 'toDo', label: 'To do', status: 'scheduled' },
  { key: 'out', label: 'Out', status: 'out_for_delivery' },
  { key: 'delivered', label: 'Delivered', status: 'delivered' },
  { key: 'failed', label: 'Failed', status: 'failed' },
  { key: 'skipped', label: 'Skipped', status: 'skipped' },
]

/**
 * Counters are the round's figures, live: stops by state and what the
 * round carries. They include the outcomes recorded on this device and not
 * sent yet; a tile holding some says how many wait to be sent.
 */
export function Counters({ counters, waiting }: { counters: RoundCounters; waiting?: Waiting }) {
  return (
    <section className="round-counters" aria-label="Round counters">
      <dl className="round-tiles">
        {TILES.map((t) => {
          const n = waiting?.byStatus[t.status] ?? 0
          return (
            <div key={t.key} className={`round-tile tile-${t.key}`}>
              <dt>{t.label}</dt>
              <dd data-testid={`counter-${t.key}`}>{formatNumber(counters[t.key])}</dd>
              {n > 0 && (
                <dd className="round-tile-waiting" data-testid={`counter-${t.key}-waiting`} title={`${formatNumber(n)} waiting to send`}>
                  <span aria-hidden="true">⏳ </span>
                  {formatNumber(n)}
                  <span className="sr-only"> waiting to send</span>
                </dd>
              )}
            </div>
          )
        })}
      </dl>
      {waiting && waiting.total > 0 && (
        <p className="round-waiting muted small" data-testid="counter-waiting">
          Includes {formatNumber(waiting.total)} {waiting.total === 1 ? 'change' : 'changes'} waiting to send from this device.
        </p>
      )}
      {counters.quantities.length > 0 && (
        <p className="round-load" data-testid="counter-quantities">
          <span className="muted">Load: </span>
          {counters.quantities.map((q, i) => (
            <span key={`${q.productId}/${q.name}`}>
              {i > 0 && ' · '}
              {q.name} ×{' '}
              <strong>
                {formatNumber(q.quantity)}
                {q.unit ? ` ${q.unit}` : ''}
              </strong>
            </span>
          ))}
        </p>
      )}
    </section>
  )
}
