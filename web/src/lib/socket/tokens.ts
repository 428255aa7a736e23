import type { Clock } from '../socketModel'
import { REFRESH_LEAD_MS, type SocketServiceDeps } from './options'

// Token renewal: a fresh token over REST a minute before the current one
// expires, handed to the live socket (auth:refresh) so that it stays open.

/** TokenHost is the part of the service a refresher needs. */
export interface TokenHost {
  isStopped(): boolean
  /** sendToken hands a renewed token to the socket when it is connected (null when it is not). */
  sendToken(token: string): Promise<unknown> | null
}

export class TokenRefresher {
  private readonly deps: Pick<SocketServiceDeps, 'getToken' | 'refreshToken' | 'tokenExpiresAt'>
  private readonly clock: Clock
  private readonly host: TokenHost
  private timer: unknown = null

  constructor(deps: Pick<SocketServiceDeps, 'getToken' | 'refreshToken' | 'tokenExpiresAt'>, clock: Clock, host: TokenHost) {
    this.deps = deps
    this.clock = clock
    this.host = host
  }

  /** schedule plans the next renewal from the token's expiry (none when it is unknown). */
  schedule(): void {
    this.cancel()
    const token = this.deps.getToken()
    const exp = token && this.deps.tokenExpiresAt ? this.deps.tokenExpiresAt(token) : null
    if (exp === null) return
    const wait = Math.max(exp - REFRESH_LEAD_MS - this.clock.now(), 5_000)
    this.timer = this.clock.setTimeout(() => void this.refreshNow(), wait)
  }

  /** refreshNow renews the token over REST and hands it to the live socket. */
  async refreshNow(): Promise<void> {
    this.timer = null
    let token: string
    try {
      token = await this.deps.refreshToken()
    } catch {
      // A 401 has already logged the user out (fetch wrapper); anything else
      // is transient: try again shortly.
      if (!this.host.isStopped()) this.timer = this.clock.setTimeout(() => void this.refreshNow(), 15_000)
      return
    }
    if (this.host.isStopped()) return
    const sent = this.host.sendToken(token)
    if (sent) await sent
    this.schedule()
  }

  cancel(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer)
    this.timer = null
  }
}
