import { QueryClient } from '@tanstack/react-query'
import { ApiError, createApi } from './api'
import { SessionStore, tokenExpiresAt, toSession } from './session'
import { AdminSocketService } from './socket'
import { socketIOFactory } from './socketFactory'
import { browserCoordination, TabRealtime, type RealtimeClient } from './tabs'
import { ToastStore } from './toast'
import type { AuthResponse, EventsResponse } from './types'
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
  const session = new SessionStore(window.localStorage)
  session.listenAcrossTabs(window)
  const toasts = new ToastStore()
  let notice: string | null = null
  let lastErrorToast = 0

  const api = createApi({
    getToken: () => session.token(),
    onUnauthorized: () => services.logout('Your session has ended. Please sign in again.'),
    refresh: () => services.refresh(),
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

  let refreshing: Promise<string> | null = null
  const services: Services = {
    api,
    session,
    toasts,
    async login(email, password) {
      const res = await api.post<AuthResponse>('/api/auth/login', { email, password })
      notice = null
      session.set(toSession(res))
      return res
    },
    refresh() {
      refreshing ??= api
        .post<AuthResponse>('/api/auth/refresh', { refreshToken: session.get()?.refreshToken })
        .then((res) => {
          // Keep the refresh token when the server does not rotate it.
          const s = toSession(res)
          session.set(s.refreshToken ? s : { ...s, refreshToken: session.get()?.refreshToken })
          return res.token
        })
        .finally(() => {
          refreshing = null
        })
      return refreshing
    },
    logout(reason) {
      notice = reason ?? null
      session.set(null)
      qc.clear()
    },
    notice: () => notice,
  }
  return services
}

/** makeRealtimeClient returns the tab's client: leader-elected where the browser allows. */
export function makeRealtimeClient(services: Services, qc: QueryClient): RealtimeClient {
  const { locks, channel } = browserCoordination('livedesk')
  const client = new TabRealtime({
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
        onResync: () => void qc.invalidateQueries(),
        tokenExpiresAt,
        network: browserNetwork(),
        initialSeq,
      }),
  })
  return client
}
