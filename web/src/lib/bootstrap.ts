import { QueryClient } from '@tanstack/react-query'
import { ApiError, createApi, OFFLINE_HEADER } from './api'
import { DataAge } from './offline/dataAge'
import { IdbQueueStore } from './offline/idbStore'
import { MemoryQueueStore, OfflineQueue } from './offline/queue'
import { sendQueued } from './offline/send'
import { claimOfflineData, clearOfflineData, offlineDataOwner } from './offline/dataCache'
import { AuthClient } from './auth'
import { SessionStore, tokenExpiresAt } from './session'
import { AdminSocketService } from './socket'
import { socketIOFactory } from './socketFactory'
import { browserCoordination, TabRealtime, type RealtimeClient } from './tabs'
import { ToastStore } from './toast'
import type { BulkStatusResult, EventsResponse, PaymentResult, Stats, User } from './types'
import type { QueuedCommand } from './offline/queue'
import type { Services } from './services'
import { browserNetwork } from './realtime'

// bootstrap wires the app's long-lived objects together once, in main.tsx.

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        // Client errors will not fix themselves; server and network errors might.
        retry: (count, err) => count < 2 && !(err instanceof ApiError && err.status >= 400 && err.status < 500),
      },
    },
  })
}

export function createServices(qc: QueryClient): Services {
  // Until the tab knows whether this browser is logged in (another tab's
  // session, or the refresh cookie), it shows neither the app nor the login.
  const session = new SessionStore({ restoring: true })
  const toasts = new ToastStore()
  let notice: string | null = null
  let lastErrorToast = 0
  const { locks, channel } = browserCoordination('livedesk-session')
  // The current login's real-time client hears every request's outcome.
  let realtime: RealtimeClient | null = null
  const dataAge = new DataAge()
  const sentListeners = new Set<(cmd: QueuedCommand, data: BulkStatusResult | PaymentResult) => void>()
  const auth = new AuthClient({
    session,
    locks,
    channel,
    offlineUser: keptUser,
    waitOnline,
    onRemoteLogout: (reason) => {
      notice = reason
      qc.clear()
    },
  })

  const api = createApi({
    getToken: () => session.token(),
    onUnauthorized: () => services.logout('Your session has ended. Please sign in again.'),
    refresh: () => services.refresh(),
    onReachability: (answered) => realtime?.noteServer?.(answered),
    onDataAge: (path, storedAt) => dataAge.note(path, storedAt),
    onServerError: (err) => {
      // One toast per burst: a dead server fails every query at once.
      if (Date.now() - lastErrorToast < 10_000) return
      lastErrorToast = Date.now()
      toasts.push(
        err.code === 'NETWORK'
          ? { kind: 'error', title: 'Server unreachable', body: 'Showing cached data; retrying automatically.' }
          : { kind: 'error', title: 'Server error', body: `${err.message}. Please try again in a moment.` },
      )
    },
  })

  const queue = new OfflineQueue({
    store: typeof indexedDB === 'undefined' ? new MemoryQueueStore() : new IdbQueueStore(),
    send: (cmd) => sendQueued(api, realtime, realtime?.getHealth().state.kind === 'live', cmd),
    sender: () => {
      const s = session.get()
      return s && !s.offline ? s.user.id : null
    },
    exclusive: locks ? (fn) => new Promise((resolve, reject) => void locks.request('livedesk-queue', { mode: 'exclusive' }, () => fn().then(resolve, reject))) : undefined,
    onSent: (cmd, data) => {
      for (const fn of [...sentListeners]) fn(cmd, data)
    },
  })
  const services: Services = {
    api,
    session,
    toasts,
    dataAge,
    queue,
    onQueueSent(fn) {
      sentListeners.add(fn)
      return () => sentListeners.delete(fn)
    },
    async login(email, password) {
      const res = await auth.login(email, password)
      notice = null
      return res
    },
    refresh: () => auth.refresh(),
    logout(reason) {
      // Already signed out (the user's own sign-out, whose SESSION_REVOKED
      // reaches the socket a moment later): nothing more to say.
      if (reason && !session.get()) return
      notice = reason ?? null
      void auth.logout(reason ?? null)
      qc.clear()
      dataAge.clear()
      // Nobody who signs in next on this browser sees this user's round.
      void clearOfflineData()
    },
    notice: () => notice,
    attachRealtime(client) {
      realtime = client
    },
  }
  // A real session keeps its user's data for offline use: the kept data is
  // claimed for that user (another user's is deleted first) and GET
  // /api/me is fetched once, for the service worker to keep.
  let claimed: number | null = null
  session.subscribe((s) => {
    if (!s || s.offline || claimed === s.user.id) return
    claimed = s.user.id
    void claimOfflineData(s.user.id).then(() => api.get('/api/me').catch(() => undefined))
  })
  void auth.restore()
  return services
}

/**
 * keptUser is the user whose data the service worker kept (its copy of GET
 * /api/me, served only when the network fails), when that data belongs to
 * the user this browser last signed in with.
 */
async function keptUser(): Promise<User | null> {
  if (typeof caches === 'undefined') return null
  try {
    const res = await fetch('/api/me', { headers: { Accept: 'application/json' } })
    if (!res.ok || res.headers.get(OFFLINE_HEADER) === null) return null
    const user = (await res.json()) as User
    return offlineDataOwner() === String(user.id) ? user : null
  } catch {
    return null
  }
}

/** waitOnline resolves after ms, or sooner when the browser comes back online. */
function waitOnline(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t)
      window.removeEventListener('online', done)
      resolve()
    }
    const t = setTimeout(done, ms)
    window.addEventListener('online', done)
  })
}

/** makeRealtimeClient returns the tab's client: leader-elected where the browser allows. */
export function makeRealtimeClient(services: Services, qc: QueryClient): RealtimeClient {
  const { locks, channel } = browserCoordination('livedesk')
  const client: RealtimeClient = new TabRealtime({
    locks,
    channel,
    lockName: 'livedesk-socket',
    makeService: (initialSeq) =>
      new AdminSocketService({
        socketFactory: socketIOFactory(),
        getToken: () => services.session.token(),
        refreshToken: () => services.refresh(),
        onAuthFailure: () => services.logout('Your session has ended. Please sign in again.'),
        fetchEvents: (after, limit) => services.api.get<EventsResponse>('/api/events', { after, limit }),
        fetchHead: () => services.api.get<Stats>('/api/stats'),
        onResync: () => void qc.invalidateQueries(),
        tokenExpiresAt,
        network: browserNetwork(),
        initialSeq,
      }),
  })
  services.attachRealtime?.(client)
  return client
}
