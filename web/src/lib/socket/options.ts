import type { EventsResponse } from '../types'
import type { Clock, NetworkStatus, SocketFactory } from '../socketModel'

// What AdminSocketService is given (its dependencies, all injectable for
// tests) and the timings it runs on.

export interface SocketServiceDeps {
  socketFactory: SocketFactory
  getToken(): string | null
  /** Gets a fresh token over REST (POST /api/auth/refresh) and stores it. */
  refreshToken(): Promise<string>
  /** The session is over (token invalid and not refreshable): log out. */
  onAuthFailure(reason: string): void
  /** GET /api/events?after=CURSOR&limit=N; CURSOR is EPOCH:SEQ, or a bare SEQ before the epoch is known. */
  fetchEvents(after: string | number, limit: number): Promise<EventsResponse>
  /**
   * The head of the event log (GET /api/stats: its seq and epoch), to start
   * again from after RESYNC_REQUIRED when the socket is not connected.
   */
  fetchHead?(): Promise<{ seq: number; epoch: string }>
  /** The client missed too much: every cached query must be refetched. */
  onResync(): void
  /** An asynchronous problem the user should hear about (rate limit, shutdown). */
  onNotice?(notice: { code: string; message: string }): void
  /** Epoch ms at which the token expires, or null when unknown. */
  tokenExpiresAt?(token: string): number | null
  clock?: Clock
  random?: () => number
  network?: NetworkStatus
  initialSeq?: number
}

export const MAX_ATTEMPTS = 5
export const POLL_INTERVAL_MS = 60_000
export const BACKGROUND_RETRY_MS = 30_000
/** How often an unreachable server is asked again over REST. */
export const PROBE_INTERVAL_MS = 5_000
export const PING_INTERVAL_MS = 20_000
export const COMMAND_TIMEOUT_MS = 8_000
export const REFRESH_LEAD_MS = 60_000
export const CATCH_UP_PAGE = 500
export const CATCH_UP_MAX_PAGES = 10
export const SEEN_WINDOW = 5_000

/**
 * answeredWith says whether a failed REST call still reached the server: an
 * HTTP error (staff may not read the event log: 403) is an answer; a
 * network failure (status 0) or a gateway's 502/504 is not.
 */
export function answeredWith(err: unknown): boolean {
  const status = (err as { status?: unknown } | null)?.status
  return typeof status === 'number' && status > 0 && status !== 502 && status !== 504
}
