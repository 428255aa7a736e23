import type { Ack } from '../types'
import type { Clock, SocketHandle } from '../socketModel'

// Commands and their acks: every emit waits for the server's answer at most
// a given time, and all that still wait can be given up at once (stop,
// logout).

export class AckTimeout extends Error {}

export class PendingAcks {
  private readonly pending = new Set<() => void>()
  private readonly clock: Clock

  constructor(clock: Clock) {
    this.clock = clock
  }

  /** emit sends name with payload; it resolves with the ack, or rejects with AckTimeout. */
  emit(socket: SocketHandle, name: string, payload: unknown, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const cancel = () => {
        this.clock.clearTimeout(timer)
        this.pending.delete(cancel)
        reject(new AckTimeout(name))
      }
      const timer = this.clock.setTimeout(cancel, timeoutMs)
      this.pending.add(cancel)
      socket.emit(name, payload, (res: unknown) => {
        this.clock.clearTimeout(timer)
        this.pending.delete(cancel)
        resolve(res)
      })
    })
  }

  /** cancelAll gives up every ack still awaited (each rejects with AckTimeout). */
  cancelAll(): void {
    for (const cancel of [...this.pending]) cancel()
  }
}

/** settle turns an emit's outcome into an Ack: a timeout or failure is an error ack, never a rejection. */
export function settle<T>(emitted: Promise<unknown>): Promise<Ack<T>> {
  return emitted.then(
    (res) => res as Ack<T>,
    (err: unknown) => ({
      ok: false as const,
      error: err instanceof AckTimeout
        ? { code: 'TIMEOUT', message: 'The server did not answer in time' }
        : { code: 'UNAVAILABLE', message: String(err) },
    }),
  )
}
