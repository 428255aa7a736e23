import type { EventsResponse, ServerEventName } from '../types'
import { eventToServerEvents } from '../socketModel'
import { CATCH_UP_MAX_PAGES, CATCH_UP_PAGE, type SocketServiceDeps } from './options'

// Offsets and replay: the cursor into the server's event log (EPOCH:SEQ) and
// the REST catch-up (GET /api/events) that replays what the socket missed.

/** ReplayHost is the part of the service a replay reads and moves. */
export interface ReplayHost {
  isStopped(): boolean
  /** The cursor's seq: the last event seen. */
  lastSeq(): number
  /** deliver dispatches one replayed event. */
  deliver(name: ServerEventName, payload: unknown): void
  /** pageDone: a page was delivered; the log's lastSeq (when it names one) may move the cursor past events of others. */
  pageDone(lastSeq: number | undefined): void
  /** restart puts the cursor at seq and forgets the events seen. */
  restart(seq: number): void
}

export class EventLogReplay {
  private readonly deps: Pick<SocketServiceDeps, 'fetchEvents' | 'fetchHead' | 'onResync'>
  private readonly host: ReplayHost
  /** The event log's epoch of the cursor, once the server named it. */
  private epoch: string | null = null
  private running: Promise<void> | null = null

  constructor(deps: Pick<SocketServiceDeps, 'fetchEvents' | 'fetchHead' | 'onResync'>, host: ReplayHost) {
    this.deps = deps
    this.host = host
  }

  /**
   * restartFrom moves the cursor to the log position the server named after
   * a resync: the seqs seen before may name other events in a restored log,
   * so they are forgotten too.
   */
  restartFrom(seq: number, epoch: string | undefined): void {
    this.epoch = epoch || null
    this.host.restart(seq)
  }

  /** catchUp fetches every event after the cursor over REST and dispatches it. */
  catchUp(): Promise<void> {
    // One at a time; a second caller waits for (and learns from) the first.
    this.running ??= this.catchUpOnce().finally(() => {
      this.running = null
    })
    return this.running
  }

  private async catchUpOnce(): Promise<void> {
    for (let page = 0; page < CATCH_UP_MAX_PAGES; page++) {
      const after = this.epoch ? `${this.epoch}:${this.host.lastSeq()}` : this.host.lastSeq()
      let res: EventsResponse
      try {
        res = await this.deps.fetchEvents(after, CATCH_UP_PAGE)
      } catch (err) {
        if ((err as { code?: string } | null)?.code !== 'RESYNC_REQUIRED') throw err
        // The database was restored (or its log rewound) since our cursor:
        // reload everything and follow the log from its head.
        this.deps.onResync()
        const head = await this.deps.fetchHead?.()
        this.restartFrom(head?.seq ?? 0, head?.epoch)
        return
      }
      if (this.host.isStopped()) return
      if (res.epoch) this.epoch = res.epoch
      for (const e of res.items) {
        for (const [name, payload] of eventToServerEvents(e)) this.host.deliver(name, payload)
      }
      // A short page means nothing visible to us lies before lastSeq, even
      // when events in between belong to others: the cursor may jump there.
      this.host.pageDone(res.lastSeq)
      if (res.items.length < CATCH_UP_PAGE) return
    }
    // Too far behind to replay event by event: refetch everything instead.
    this.deps.onResync()
  }
}
