import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react'
import type { ApiClient } from './api'
import type { Session, SessionStore } from './session'
import type { ToastStore } from './toast'
import type { AuthResponse } from './types'

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

export function useSession(): Session | null {
  const { session } = useServices()
  return useSyncExternalStore(
    (fn) => session.subscribe(fn),
    () => session.get(),
  )
}
