import type { AuthResponse, User } from './types'

/** Session is who is logged in and with which JWT. */
export interface Session {
  token: string
  /** Long-lived token that renews an expired access token, when the server gives one. */
  refreshToken?: string
  user: User
}

const KEY = 'livedesk.session'

/**
 * SessionStore keeps the session in localStorage so every tab shares one
 * login, and tells subscribers when it changes here or in another tab.
 */
export class SessionStore {
  private session: Session | null
  private readonly listeners = new Set<(s: Session | null) => void>()
  private readonly storage: Storage | null

  constructor(storage: Storage | null) {
    this.storage = storage
    this.session = read(storage)
  }

  get(): Session | null {
    return this.session
  }

  token(): string | null {
    return this.session?.token ?? null
  }

  set(session: Session | null): void {
    this.session = session
    try {
      if (session) this.storage?.setItem(KEY, JSON.stringify(session))
      else this.storage?.removeItem(KEY)
    } catch {
      // Private mode or a full quota: the session still lives in memory.
    }
    this.emit()
  }

  subscribe(fn: (s: Session | null) => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  /** listenAcrossTabs follows logins, logouts and refreshes made in other tabs. */
  listenAcrossTabs(target: Window): () => void {
    const onStorage = (e: StorageEvent) => {
      if (e.key !== KEY && e.key !== null) return
      this.session = read(this.storage)
      this.emit()
    }
    target.addEventListener('storage', onStorage)
    return () => target.removeEventListener('storage', onStorage)
  }

  private emit(): void {
    for (const fn of [...this.listeners]) fn(this.session)
  }
}

function read(storage: Storage | null): Session | null {
  try {
    const raw = storage?.getItem(KEY)
    if (!raw) return null
    const s = JSON.parse(raw) as Partial<Session>
    return typeof s.token === 'string' && s.user ? (s as Session) : null
  } catch {
    return null
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
  return res.refreshToken ? { token: res.token, refreshToken: res.refreshToken, user: res.user } : { token: res.token, user: res.user }
}
