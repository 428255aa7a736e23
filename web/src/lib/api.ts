import type { ApiErrorBody } from './types'

/** ApiError is a failed API call, carrying the server's error code and field. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly field: string | undefined
  /** A refused delivery change's present state (who changed it, when). */
  readonly current: ApiErrorBody['current']

  constructor(status: number, body: ApiErrorBody) {
    super(body.message)
    this.name = 'ApiError'
    this.status = status
    this.code = body.code
    this.field = body.field
    this.current = body.current
  }
}

/** OFFLINE_HEADER marks a response the service worker answered from its cache (its value: when it was stored, RFC 3339). */
export const OFFLINE_HEADER = 'X-Livedesk-Offline'

export type Query = Record<string, string | number | boolean | null | undefined>

/** WriteOptions tune one POST or PATCH. */
export interface WriteOptions {
  /**
   * The request's Idempotency-Key. Give the same key to every attempt of one
   * user action (a form keeps it until the action succeeds) so that the
   * server does it once; without one, each call gets a fresh key, kept
   * across the client's own retries of that call.
   */
  idempotencyKey?: string
  /** Send body (a string) as is with this Content-Type instead of as JSON (e.g. a CSV upload). */
  contentType?: string
}

/** ReadOptions tune one GET. */
export interface ReadOptions {
  /** Ask for another representation (e.g. 'text/csv'): the answer's text is returned as is. */
  accept?: string
}

export interface ApiClient {
  get<T>(path: string, query?: Query, opts?: ReadOptions): Promise<T>
  post<T>(path: string, body?: unknown, opts?: WriteOptions): Promise<T>
  patch<T>(path: string, body?: unknown, opts?: WriteOptions): Promise<T>
  /** del sends DELETE (optional so that test doubles need not have it). */
  del?<T>(path: string, opts?: WriteOptions): Promise<T>
  /** blob downloads a file (a report's ZIP) with the session's token (optional, as del). */
  blob?(path: string): Promise<Blob>
}

/** newIdempotencyKey returns a fresh key (a UUID, as the IETF draft recommends). */
export function newIdempotencyKey(): string {
  return crypto.randomUUID()
}

/**
 * retryableWrite says whether a failed write may be sent again with the same
 * key: the server never saw it (network), was busy (503), did not learn
 * whether it committed (OUTCOME_UNKNOWN), or is still processing the first
 * attempt (IDEMPOTENCY_KEY_IN_USE). With the key, a retry is answered once.
 */
export function retryableWrite(err: ApiError): boolean {
  return err.code === 'NETWORK' || err.status === 503 || err.code === 'OUTCOME_UNKNOWN' || err.code === 'IDEMPOTENCY_KEY_IN_USE'
}

/** bodyKey returns a body's own idempotencyKey, which the header must equal. */
function bodyKey(body: unknown): string | undefined {
  const k = (body as { idempotencyKey?: unknown } | null)?.idempotencyKey
  return typeof k === 'string' && k !== '' ? k : undefined
}

/** Delays before the second and third attempts of a write that failed retryably. */
export const WRITE_RETRY_DELAYS_MS = [500, 2000]

export interface ApiDeps {
  getToken(): string | null
  /** A request with a token was refused (401): the session is over. */
  onUnauthorized(): void
  /**
   * Renews an expired access token; a request refused with TOKEN_EXPIRED is
   * retried once with the new token before the session is given up.
   */
  refresh?(): Promise<string>
  /** The server failed (5xx) or could not be reached. */
  onServerError(err: ApiError): void
  /**
   * Every request's outcome as far as reachability goes: true when the
   * server answered (any status), false when it could not be reached. The
   * socket service goes live at once on an answer (issue 17).
   */
  onReachability?(answered: boolean): void
  /**
   * A GET was answered: storedAt is when the service worker kept the answer
   * it served from its cache (the network failed), null for a fresh answer.
   * The offline banner says how old the data on screen is.
   */
  onDataAge?(path: string, storedAt: string | null): void
  fetch?: typeof fetch
  baseUrl?: string
  /** Delays before each retry of a write (WRITE_RETRY_DELAYS_MS by default). */
  writeRetryDelays?: number[]
}

/** buildPath appends the non-empty query parameters to path. */
export function buildPath(path: string, query?: Query): string {
  if (!query) return path
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue
    params.set(k, String(v))
  }
  const qs = params.toString()
  return qs ? `${path}?${qs}` : path
}

/**
 * createApi returns the one fetch wrapper of the app: JSON in and out, the
 * bearer token, errors decoded from {"error":{code,message,field}}, 401 ends
 * the session and 5xx is reported once (as a toast) before being thrown.
 * Every write (POST, PATCH; not sign-in) carries an Idempotency-Key, the
 * same on every attempt, and is retried a few times with it when the
 * failure says a retry is safe (retryableWrite).
 */
export function createApi(deps: ApiDeps): ApiClient {
  const doFetch = deps.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args))
  const base = deps.baseUrl ?? ''

  const retryDelays = deps.writeRetryDelays ?? WRITE_RETRY_DELAYS_MS

  interface Shape {
    contentType?: string
    accept?: string
  }

  async function request<T>(method: string, path: string, body?: unknown, key?: string, retried = false, shape: Shape = {}): Promise<T> {
    const token = deps.getToken()
    const headers: Record<string, string> = { Accept: shape.accept ?? 'application/json' }
    if (body !== undefined) headers['Content-Type'] = shape.contentType ?? 'application/json'
    if (token) headers.Authorization = `Bearer ${token}`
    if (key) headers['Idempotency-Key'] = `"${key}"` // a Structured Field String
    let res: Response
    try {
      res = await doFetch(base + path, {
        method,
        headers,
        body: body === undefined ? undefined : shape.contentType ? String(body) : JSON.stringify(body),
      })
    } catch {
      const err = new ApiError(0, { code: 'NETWORK', message: 'Cannot reach the server. Check your connection.' })
      deps.onReachability?.(false)
      deps.onServerError(err)
      throw err
    }
    // A 502/503/504 from a proxy or the service worker's offline answer is
    // not the server answering.
    const cachedAt = res.headers?.get(OFFLINE_HEADER) ?? null
    deps.onReachability?.(!(res.status === 502 || res.status === 504 || cachedAt !== null))
    if (method === 'GET' && res.ok) deps.onDataAge?.(path.split('?')[0] ?? path, cachedAt)
    const text = await res.text()
    if (res.ok && shape.accept && !shape.accept.includes('json')) return text as T
    let data: unknown = undefined
    if (text) {
      try {
        data = JSON.parse(text)
      } catch {
        data = undefined
      }
    }
    if (res.ok) return data as T
    const errBody = (data as { error?: ApiErrorBody } | undefined)?.error
    const err = new ApiError(res.status, {
      code: errBody?.code ?? (res.status >= 500 ? 'INTERNAL' : 'HTTP_' + res.status),
      message: errBody?.message ?? (res.statusText || `Request failed (${res.status})`),
      field: errBody?.field,
      current: errBody?.current,
    })
    if (res.status === 401 && token && err.code === 'TOKEN_EXPIRED' && deps.refresh && !retried && !path.startsWith('/api/auth/')) {
      let renewed = false
      try {
        await deps.refresh()
        renewed = true
      } catch {
        // The refresh failed (and a 401 there has already ended the session).
      }
      if (renewed) return request<T>(method, path, body, key, true, shape)
      throw err
    }
    if (res.status === 401 && token) deps.onUnauthorized()
    else if (res.status >= 500) deps.onServerError(err)
    throw err
  }

  /** write sends one write, retrying with the same key while that is safe. */
  async function write<T>(method: string, path: string, body: unknown, opts?: WriteOptions): Promise<T> {
    if (path.startsWith('/api/auth/')) return request<T>(method, path, body)
    const key = opts?.idempotencyKey ?? bodyKey(body) ?? newIdempotencyKey()
    for (let attempt = 0; ; attempt++) {
      try {
        return await request<T>(method, path, body, key, false, { contentType: opts?.contentType })
      } catch (err) {
        if (!(err instanceof ApiError) || !retryableWrite(err) || attempt >= retryDelays.length) throw err
        await new Promise((resolve) => setTimeout(resolve, retryDelays[attempt]))
      }
    }
  }

  return {
    get: (path, query, opts) => request('GET', buildPath(path, query), undefined, undefined, false, { accept: opts?.accept }),
    post: (path, body, opts) => write('POST', path, body ?? {}, opts),
    patch: (path, body, opts) => write('PATCH', path, body ?? {}, opts),
    del: (path, opts) => write('DELETE', path, undefined, opts),
    blob: async (path) => {
      const token = deps.getToken()
      let res: Response
      try {
        res = await doFetch(base + path, { headers: token ? { Authorization: `Bearer ${token}` } : {} })
      } catch {
        throw new ApiError(0, { code: 'NETWORK', message: 'Cannot reach the server. Check your connection.' })
      }
      if (res.ok) return res.blob()
      let body: { error?: ApiErrorBody } | undefined
      try {
        body = JSON.parse(await res.text()) as { error?: ApiErrorBody }
      } catch {
        body = undefined
      }
      throw new ApiError(res.status, { code: body?.error?.code ?? 'HTTP_' + res.status, message: body?.error?.message ?? `Download failed (${res.status})` })
    },
  }
}
