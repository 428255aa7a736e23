import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query'
import type { ApiClient } from '../../lib/api'
import { useLiveRefetch, useSocketEvent } from '../../lib/realtime'
import { useApi } from '../../lib/services'
import type { Report, ReportsResponse } from '../../lib/types'

/** ReportRow is a report with the latest estimate of the seconds it has left. */
export type ReportRow = Report & { etaSeconds?: number | null }

export const reportKeys = {
  all: () => ['reports'] as const,
}

export const reportQueries = {
  /** current returns the rows in the cache now, so that a refetch keeps newer live progress (see keepLive). */
  list: (api: ApiClient, current: () => ReportRow[] | undefined = () => undefined) =>
    queryOptions({
      queryKey: reportKeys.all(),
      queryFn: async () => keepLive((await api.get<ReportsResponse>('/api/reports', { limit: 100 })).reports, current()),
    }),
}

/**
 * keepLive merges a fetched list with the cached one: a running report's
 * progress that arrived over the socket while the request was in flight is
 * newer than the fetched row (read before it), and must not move the bar
 * back. (A job restarted after a shutdown goes through queued first, which
 * the refetch then shows; its next report:progress sets the bar anyway.)
 */
export function keepLive(fetched: Report[], cached: ReportRow[] | undefined): ReportRow[] {
  const byId = new Map((cached ?? []).map((r) => [r.id, r]))
  return fetched.map((r) => {
    const c = byId.get(r.id)
    if (c && r.status === 'running' && c.status === 'running' && c.done > r.done) {
      return { ...r, done: c.done, total: c.total, etaSeconds: c.etaSeconds }
    }
    return r
  })
}

/**
 * useReports lists the reports the user may see and keeps them live from the
 * socket: report:progress moves a row's bar, report:ready and report:failed
 * replace the row; a report the list does not know yet (started in another
 * browser) or an activity entry about reports (queued, requeued, removed)
 * refetches the list.
 */
export function useReports() {
  const api = useApi()
  const qc = useQueryClient()
  const refetchInterval = useLiveRefetch()
  const patch = (id: number, fn: (r: ReportRow) => ReportRow) => {
    const rows = qc.getQueryData<ReportRow[]>(reportKeys.all())
    if (!rows || !rows.some((r) => r.id === id)) {
      void qc.invalidateQueries({ queryKey: reportKeys.all() })
      return
    }
    qc.setQueryData<ReportRow[]>(reportKeys.all(), rows.map((r) => (r.id === id ? fn(r) : r)))
  }
  useSocketEvent('report:progress', (p) =>
    patch(p.id, (r) => (r.status === 'queued' || r.status === 'running' ? { ...r, status: 'running', done: p.done, total: p.total, etaSeconds: p.etaSeconds } : r)),
  )
  useSocketEvent('report:ready', (p) => patch(p.id, () => p.report))
  useSocketEvent('report:failed', (p) => patch(p.id, () => p.report))
  useSocketEvent('activity:updated', (p) => {
    if (p.entry.entity === 'report' && !['report.ready', 'report.failed', 'report.cancelled'].includes(p.entry.action)) {
      void qc.invalidateQueries({ queryKey: reportKeys.all() })
    }
  })
  return useQuery({ ...reportQueries.list(api, () => qc.getQueryData<ReportRow[]>(reportKeys.all())), refetchInterval })
}

/** saveBlob offers a downloaded file to the user under name. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
