import type { Ack } from '../types'
import type { Clock, SocketHandle } from '../socketModel'
import type { PendingAcks } from './acks'
import { PING_INTERVAL_MS } from './options'

// Ping: the round-trip time of the live socket, measured every
// PING_INTERVAL_MS (the header shows it).

/** PingHost is the part of the service pings need. */
export interface PingHost {
  socket(): SocketHandle | null
  /** rtt records a measured round-trip time. */
  rtt(ms: number): void
}

export class Pinger {
  private readonly clock: Clock
  private readonly acks: PendingAcks
  private readonly host: PingHost
  private timer: unknown = null

  constructor(clock: Clock, acks: PendingAcks, host: PingHost) {
    this.clock = clock
    this.acks = acks
    this.host = host
  }

  /** ping measures the round-trip time and records it. */
  async ping(): Promise<number | null> {
    const socket = this.host.socket()
    if (!socket?.connected) return null
    const t0 = this.clock.now()
    try {
      const res = (await this.acks.emit(socket, 'ping', {}, 5_000)) as Ack<unknown>
      if (!res || !res.ok) return null
      const rtt = this.clock.now() - t0
      this.host.rtt(rtt)
      return rtt
    } catch {
      return null
    }
  }

  /** start pings now and then every PING_INTERVAL_MS until stop. */
  start(): void {
    this.stop()
    const tick = () => {
      this.timer = this.clock.setTimeout(tick, PING_INTERVAL_MS)
      void this.ping()
    }
    tick()
  }

  stop(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer)
    this.timer = null
  }
}
