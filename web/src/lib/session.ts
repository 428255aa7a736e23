import type { AuthResponse, User } from './types'

/**
 * Session is who is logged in and with which access token. It lives in
 * memory only: the refresh token is in an HttpOnly cookie no script can
 * read, and the access token is never written to storage, so an injected
 * script finds nothing to carry away that outlives the page.
 */
export interface Session {
  token: string
  user: User
  /** The login session the token belongs to (logout ends it). */
  sessionId?: string
  /**
   * offline: the page was opened without reaching the server; the user is
   * the one whose data the service worker kept (token empty). The app shows
   * that data and queues changes until the session is restored.
   */
  offline?: boolean
}

/** SessionStore holds this tab's session and tells subscribers when it changes. */
export class SessionStore {
  private session: Session | null = null
  private restoring: boolean
  private readonly listeners = new Set<(s: Session | null) => void>()

  /** restoring: the tab is still asking the server (or another tab) for the session it may have. */
  constructor(opts: { restoring?: boolean } | null = null) {
    this.restoring = opts?.restoring ?? false
  }

  get(): Session | null {
    return this.session
  }

  token(): string | null {
    return this.session?.token ?? null
  }

  /** isRestoring is true until the tab knows whether it is logged in. */
  isRestoring(): boolean {
    return this.restoring
  }

  set(session: Session | null): void {
    this.session = session
    this.restoring = false
    this.emit()
  }

  subscribe(fn: (s: Session | null) => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  private emit(): void {
    for (const fn of [...this.listeners]) fn(this.session)
  }
}

/** tokenExpiresAt reads a JWT's exp claim as epoch ms (null when absent or unreadable). */
export function tokenExpiresAt(token: string): number | null {
  const part = token.split('.')[1]
  if (!part) return null
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='))
    const exp = (JSON.parse(json) as { exp?: unknown }).exp
    return typeof exp === 'number' ? exp * 1000 : null
  } catch {
    return null
  }
}

export function toSession(res: AuthResponse): Session {
  return res.sessionId ? { token: res.token, user: res.user, sessionId: res.sessionId } : { token: res.token, user: res.user }
}
