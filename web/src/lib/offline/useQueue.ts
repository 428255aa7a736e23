import { useEffect, useSyncExternalStore } from 'react'
import { useSocketHealth } from '../realtime'
import { useServices, useSession } from '../services'
import type { OfflineQueue, QueueEntry } from './queue'

const none: readonly QueueEntry[] = []

/** useQueueEntries follows the offline queue's entries (oldest first). */
export function useQueueEntries(): readonly QueueEntry[] {
  const { queue } = useServices()
  return useSyncExternalStore(
    (fn) => (queue ? queue.subscribe(fn) : () => undefined),
    () => queue?.snapshot() ?? none,
  )
}

/** useQueue is the offline queue (null in tests that give none). */
export function useQueue(): OfflineQueue | null {
  return useServices().queue ?? null
}

/**
 * useQueueRunner sends what waits whenever sending may work again: the
 * session is restored, the socket goes live, the browser comes online, and
 * every 10 s while something waits (the server may be back without telling).
 */
export function useQueueRunner(): void {
  const queue = useQueue()
  const session = useSession()
  const health = useSocketHealth()
  const entries = useQueueEntries()
  const real = !!session && !session.offline
  const live = health.state.kind === 'live'
  const waiting = entries.some((e) => e.state !== 'refused')
  useEffect(() => {
    if (queue && real) void queue.drain()
  }, [queue, real, live])
  useEffect(() => {
    if (!queue) return
    const on = () => void queue.drain()
    window.addEventListener('online', on)
    return () => window.removeEventListener('online', on)
  }, [queue])
  useEffect(() => {
    if (!queue || !waiting || !real) return
    const t = setInterval(() => void queue.drain(), 10_000)
    return () => clearInterval(t)
  }, [queue, waiting, real])
}
