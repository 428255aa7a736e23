import { useQuery, useQueryClient } from '@tanstack/react-query'
import type { ApiClient } from '../../lib/api'
import { useLiveRefetch, useSocketEvent } from '../../lib/realtime'
import { useApi } from '../../lib/services'
import type { SecurityEvent, SecurityEventKind, SecurityEventPage } from '../../lib/types'

/** The most security events the page keeps (newest first). */
export const SECURITY_MAX = 500

export const securityKey = (kind: SecurityEventKind | '') => ['security', { kind }] as const

/**
 * loadSecurityEvents pages through GET /api/security/events (oldest first)
 * and returns the newest SECURITY_MAX, newest first. Bounded to 20 pages.
 */
export async function loadSecurityEvents(api: ApiClient, kind: SecurityEventKind | ''): Promise<SecurityEvent[]> {
  let after = 0
  let all: SecurityEvent[] = []
  for (let i = 0; i < 20; i++) {
    const page = await api.get<SecurityEventPage>('/api/security/events', { after, kind: kind || undefined, limit: 1000 })
    all = all.concat(page.items).slice(-SECURITY_MAX)
    after = page.nextAfter
    if (!page.hasMore) break
  }
  return all.reverse()
}

const same = (a: SecurityEvent, b: SecurityEvent) => a.seq === b.seq && a.kind === b.kind && a.detail === b.detail && a.userId === b.userId

/**
 * useSecurityEvents lists security events of kind ('' for all) and adds
 * each security:event as it arrives (live or replayed after a reconnect,
 * once: replays are recognised).
 */
export function useSecurityEvents(kind: SecurityEventKind | '') {
  const api = useApi()
  const qc = useQueryClient()
  const refetchInterval = useLiveRefetch()
  useSocketEvent('security:event', (e) => {
    for (const [key, data] of qc.getQueriesData<SecurityEvent[]>({ queryKey: ['security'] })) {
      const filter = (key[1] as { kind?: string } | undefined)?.kind
      if (!data || (filter && filter !== e.kind) || data.some((d) => same(d, e))) continue
      qc.setQueryData<SecurityEvent[]>(key, [e, ...data].slice(0, SECURITY_MAX))
    }
  })
  return useQuery({ queryKey: securityKey(kind), queryFn: () => loadSecurityEvents(api, kind), refetchInterval })
}
