import { useQueryClient, type QueryClient } from '@tanstack/react-query'
import {
  createContext,
  useContext,
  useEffect,
  useRef,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react'
import {
  aggregateKeys,
  applyActivity,
  applyCustomer,
  applyCustomerRemoved,
  applyDelivery,
  applyDeliveryReversed,
  applyPayment,
  applyPaymentReversed,
  applyPresence,
  applyStats,
  applyUser,
  Throttle,
} from './cacheSync'
import type { EventListener, Health, NetworkStatus } from './socket'
import type { RealtimeClient } from './tabs'
import type { ServerEventName } from './types'

// SocketProvider runs the tab's RealtimeClient while someone is logged in and
// folds every event into the query cache. Components read server state with
// useQuery as usual; the hooks below add connection state and event callbacks.

interface RealtimeContextValue {
  client: RealtimeClient | null
}

const RealtimeContext = createContext<RealtimeContextValue>({ client: null })

const offlineHealth: Health = {
  state: { kind: 'offline', reason: 'stopped' },
  transport: null,
  rttMs: null,
  lastSeq: 0,
  lastEventAt: null,
}

export interface SocketProviderProps {
  /** Creates the client for this login; null while logged out. */
  createClient: (() => RealtimeClient) | null
  /** The logged-in vendor's id (null for admins): whose caches customer:removed empties. */
  vendorId?: number | null
  children: ReactNode
}

export function SocketProvider({ createClient, vendorId = null, children }: SocketProviderProps) {
  const qc = useQueryClient()
  const [client, setClient] = useState<RealtimeClient | null>(null)

  useEffect(() => {
    if (!createClient) return
    const c = createClient()
    const unsync = syncCache(c, qc, vendorId)
    setClient(c)
    // Started after the cache listens, so not even the first event is missed.
    c.start()
    return () => {
      unsync()
      c.stop()
      setClient(null)
    }
  }, [createClient, qc, vendorId])

  return <RealtimeContext.Provider value={{ client }}>{children}</RealtimeContext.Provider>
}

/**
 * syncCache subscribes the query cache to every event of the client; it
 * returns the function that unsubscribes (no listener outlives the login).
 */
export function syncCache(client: RealtimeClient, qc: QueryClient, vendorId: number | null = null): () => void {
  const aggregates = new Throttle(5_000)
  const staleAggregates = () =>
    aggregates.run(() => {
      for (const queryKey of aggregateKeys) void qc.invalidateQueries({ queryKey })
    })
  const unsubs = [
    client.on('stats:updated', (p) => applyStats(qc, p)),
    client.on('presence:updated', (p) => applyPresence(qc, p)),
    client.on('activity:updated', (p) => applyActivity(qc, p)),
    client.on('user:updated', (p) => {
      applyUser(qc, p)
      staleAggregates()
    }),
    client.on('customer:updated', (p) => {
      applyCustomer(qc, p)
      staleAggregates()
    }),
    client.on('payment:added', (p) => {
      applyPayment(qc, p)
      staleAggregates()
    }),
    client.on('delivery:updated', (p) => {
      applyDelivery(qc, p)
      staleAggregates()
    }),
    client.on('payment:reversed', (p) => {
      applyPaymentReversed(qc, p)
      staleAggregates()
    }),
    client.on('delivery:reversed', (p) => {
      applyDeliveryReversed(qc, p)
      staleAggregates()
    }),
    client.on('customer:removed', (p) => {
      applyCustomerRemoved(qc, p, vendorId)
      staleAggregates()
    }),
    // A day's generated subscription deliveries are its active subscribers
    // and scheduled deliveries in analytics.
    client.on('deliveries:generated', () => staleAggregates()),
  ]
  // Coming back from polling: whatever the REST polls did not cover refetches.
  let wasLive = client.getHealth().state.kind === 'live'
  unsubs.push(
    client.subscribeHealth((h) => {
      const live = h.state.kind === 'live'
      if (live && !wasLive) void qc.invalidateQueries({ queryKey: ['stats'] })
      wasLive = live
    }),
  )
  return () => {
    aggregates.cancel()
    for (const u of unsubs) u()
  }
}

/** useAdminSocket gives the tab's real-time client and whether it is live. */
export function useAdminSocket(): { client: RealtimeClient | null; connected: boolean; isLeader: boolean } {
  const { client } = useContext(RealtimeContext)
  const health = useSocketHealth()
  const isLeader = useSyncExternalStore(
    (fn) => (client ? client.subscribeLeader(fn) : () => undefined),
    () => client?.isLeader() ?? false,
  )
  return { client, connected: health.state.kind === 'live', isLeader }
}

/** useSocketHealth follows the connection state, RTT, transport and cursor. */
export function useSocketHealth(): Health {
  const { client } = useContext(RealtimeContext)
  return useSyncExternalStore(
    (fn) => (client ? client.subscribeHealth(fn) : () => undefined),
    () => client?.getHealth() ?? offlineHealth,
  )
}

/** useSocketEvent calls handler for every event of that name while mounted. */
export function useSocketEvent<K extends ServerEventName>(name: K, handler: EventListener<K>): void {
  const { client } = useContext(RealtimeContext)
  const ref = useRef(handler)
  useEffect(() => {
    ref.current = handler
  })
  useEffect(() => {
    if (!client) return
    return client.on(name, (p, meta) => ref.current(p, meta))
  }, [client, name])
}

/** useLiveRefetch is the refetchInterval every query uses: poll only while the socket is down. */
export function useLiveRefetch(): false | number {
  const { state } = useSocketHealth()
  return state.kind === 'live' ? false : 60_000
}

/** browserNetwork reports navigator.onLine and its changes. */
export function browserNetwork(): NetworkStatus | undefined {
  if (typeof window === 'undefined' || typeof navigator === 'undefined') return undefined
  return {
    isOnline: () => navigator.onLine !== false,
    subscribe: (fn) => {
      const on = () => fn(true)
      const off = () => fn(false)
      window.addEventListener('online', on)
      window.addEventListener('offline', off)
      return () => {
        window.removeEventListener('online', on)
        window.removeEventListener('offline', off)
      }
    },
  }
}

/** useNow re-renders every intervalMs and returns the current time. */
export function useNow(intervalMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs)
    return () => clearInterval(t)
  }, [intervalMs])
  return now
}
