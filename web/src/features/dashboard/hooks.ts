import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import { applyStats } from '../../lib/cacheSync'
import { useAdminSocket, useLiveRefetch } from '../../lib/realtime'
import { useApi } from '../../lib/services'
import { dashboardQueries } from './queries'

/** useRealtimeStats is the dashboard's stats: pushed by stats:updated, polled only while offline. */
export function useRealtimeStats() {
  const api = useApi()
  const qc = useQueryClient()
  const { client, connected } = useAdminSocket()
  const refetchInterval = useLiveRefetch()
  useEffect(() => {
    if (!client || !connected) return
    // Going live: ask for the current figures instead of waiting for a change.
    void client.request('stats:request', {}).then((res) => {
      if (res.ok) applyStats(qc, { stats: res.data, at: res.data.at })
    })
  }, [client, connected, qc])
  return useQuery({ ...dashboardQueries.stats(api), refetchInterval })
}

/** useRealtimeActivity is the newest activity, with entries prepended live. */
export function useRealtimeActivity(limit = 30) {
  const api = useApi()
  const refetchInterval = useLiveRefetch()
  return useQuery({ ...dashboardQueries.activity(api, limit), refetchInterval })
}

/** usePresence lists the admins online now (from presence:updated). */
export function usePresence() {
  return useQuery(dashboardQueries.presence())
}
