import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react'
import type { ApiClient } from './api'
import type { Session, SessionStore } from './session'
import type { DataAge } from './offline/dataAge'
import type { OfflineQueue, QueuedCommand } from './offline/queue'
import type { RealtimeClient } from './tabs'
import type { ToastStore } from './toast'
import type { AuthResponse, BulkStatusResult, PaymentResult } from './types'

/** Services are the app-wide objects created once in main.tsx. */
export interface Services {
  api: ApiClient
  session: SessionStore
  toasts: ToastStore
  /** login posts the credentials and stores the session. */
  login(email: string, password: string): Promise<AuthResponse>
  /** refresh renews the token (single flight) and returns it. */
  refresh(): Promise<string>
  logout(reason?: string): void
  /** notice is why the last session ended, for the login page (null when signed out by hand). */
  notice(): string | null
  /** dataAge: which data on screen is the service worker's kept copy, and how old. */
  dataAge?: DataAge
  /** queue: commands kept on the device until the server answers them (issue 17). */
  queue?: OfflineQueue
  /** onQueueSent hears every queued command's answer (to fold it into the caches). */
  onQueueSent?(fn: (cmd: QueuedCommand, data: BulkStatusResult | PaymentResult) => void): () => void
  /** attachRealtime hands the login's real-time client the outcome of every REST request. */
  attachRealtime?(client: RealtimeClient | null): void
}

const ServicesContext = createContext<Services | null>(null)

export function ServicesProvider({ services, children }: { services: Services; children: ReactNode }) {
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>
}

export function useServices(): Services {
  const s = useContext(ServicesContext)
  if (!s) throw new Error('useServices outside ServicesProvider')
  return s
}

export function useApi(): ApiClient {
  return useServices().api
}

/** useSessionRestoring is true while the tab is still finding out whether it is logged in. */
export function useSessionRestoring(): boolean {
  const { session } = useServices()
  return useSyncExternalStore(
    (fn) => session.subscribe(fn),
    () => session.isRestoring(),
  )
}

export function useSession(): Session | null {
  const { session } = useServices()
  return useSyncExternalStore(
    (fn) => session.subscribe(fn),
    () => session.get(),
  )
}
