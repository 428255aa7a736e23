import type { Clock } from '../socketModel'
import { answeredWith, POLL_INTERVAL_MS, PROBE_INTERVAL_MS } from './options'

// The REST side of the connection while the socket is down: polling the
// event log every POLL_INTERVAL_MS when REST works and the socket does not,
// and probing every PROBE_INTERVAL_MS whether an unreachable server answers
// again. Each request's outcome goes to the service (noteServer), which
// decides the state.

/** FallbackHost is the part of the service polling and probing need. */
export interface FallbackHost {
  isStopped(): boolean
  /** catchUp fetches the events after the cursor over REST. */
  catchUp(): Promise<void>
  /** noteServer: a REST request ended; true when the server answered. */
  noteServer(answered: boolean): void
}

export class RestFallback {
  private readonly clock: Clock
  private readonly host: FallbackHost
  private pollTimer: unknown = null
  private probeTimer: unknown = null

  constructor(clock: Clock, host: FallbackHost) {
    this.clock = clock
    this.host = host
  }

  /** pollNow fetches missed events over REST (used by the polling timer and tests). */
  async pollNow(): Promise<void> {
    try {
      await this.host.catchUp()
    } catch (err) {
      this.host.noteServer(answeredWith(err))
      return
    }
    this.host.noteServer(true)
  }

  /** startPolling polls now and then every POLL_INTERVAL_MS until stopPolling. */
  startPolling(): void {
    const tick = () => {
      this.pollTimer = this.clock.setTimeout(tick, POLL_INTERVAL_MS)
      void this.pollNow()
    }
    this.stopPolling()
    tick()
  }

  stopPolling(): void {
    if (this.pollTimer !== null) this.clock.clearTimeout(this.pollTimer)
    this.pollTimer = null
  }

  /** probing: a probe is planned. */
  get probing(): boolean {
    return this.probeTimer !== null
  }

  /** probe asks REST whether the server answers, catching up on events when it does. */
  probe(): void {
    this.cancelProbe()
    this.host.catchUp().then(
      () => this.host.noteServer(true),
      (err: unknown) => this.host.noteServer(answeredWith(err)),
    )
  }

  /** scheduleProbe plans a probe in PROBE_INTERVAL_MS, unless one is planned already. */
  scheduleProbe(): void {
    if (this.probeTimer !== null || this.host.isStopped()) return
    this.probeTimer = this.clock.setTimeout(() => {
      this.probeTimer = null
      this.probe()
    }, PROBE_INTERVAL_MS)
  }

  cancelProbe(): void {
    if (this.probeTimer !== null) this.clock.clearTimeout(this.probeTimer)
    this.probeTimer = null
  }
}
