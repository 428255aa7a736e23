// Reports (issue 18): background jobs with live progress.

/** Reports (issue 18): background jobs with live progress. */
export type ReportKind = 'statements' | 'dues-ageing' | 'vendor-settlement'

export type ReportStatus = 'queued' | 'running' | 'ready' | 'failed' | 'cancelled'

export interface ReportParams {
  /** YYYY-MM: statements and vendor-settlement. */
  month?: string
  /** YYYY-MM-DD: dues-ageing (default today). */
  asOf?: string
  /** One vendor's customers only; absent: the whole business (admins). */
  vendorId?: number
}

/** POST /api/reports. */
export interface ReportCreate {
  kind: ReportKind
  params: ReportParams
}

export interface Report {
  id: number
  kind: ReportKind
  params: ReportParams
  /** The report's scope: 0 for the whole business (admins only), else its vendor. */
  vendorId: number
  status: ReportStatus
  done: number
  total: number
  requestedBy: number
  requestedByName: string
  fileName?: string
  bytes: number
  /** Set when ready: /api/reports/{id}/file. */
  url?: string
  error?: string
  attempts: number
  createdAt: string
  startedAt?: string
  finishedAt?: string
  expiresAt?: string
}

/** DELETE /api/reports/{id}. */
export interface ReportDeleted {
  id: number
  result: 'cancelled' | 'removed'
}

/** GET /api/reports. */
export interface ReportsResponse {
  reports: Report[]
}

/** Payload of report:progress (a few per second at most). */
export interface ReportProgress {
  seq: number
  at: string
  id: number
  done: number
  total: number
  /** Seconds left, estimated; null until one item is done. */
  etaSeconds: number | null
}

/** Payload of report:ready. */
export interface ReportReady {
  seq: number
  at: string
  id: number
  url: string
  bytes: number
  report: Report
}

/** Payload of report:failed (also when cancelled: cancelled true). */
export interface ReportFailed {
  seq: number
  at: string
  id: number
  error: string
  cancelled: boolean
  report: Report
}
