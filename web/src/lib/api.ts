import type { ApiErrorBody } from './types'

/** ApiError is a failed API call, carrying the server's error code and field. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly field: string | undefined

  constructor(status: number, body: ApiErrorBody) {
    super(body.message)
    this.name = 'ApiError'
    this.status = status
    this.code = body.code
    this.field = body.field
  }
}

export type Query = Record<string, string | number | boolean | null | undefined>

export interface ApiClient {
  get<T>(path: string, query?: Query): Promise<T>
  post<T>(path: string, body?: unknown): Promise<T>
  patch<T>(path: string, body?: unknown): Promise<T>
}

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
  fetch?: typeof fetch
  baseUrl?: string
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
 */
export function createApi(deps: ApiDeps): ApiClient {
  const doFetch = deps.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args))
  const base = deps.baseUrl ?? ''

  async function request<T>(method: string, path: string, body?: unknown, retried = false): Promise<T> {
    const token = deps.getToken()
    const headers: Record<string, string> = { Accept: 'application/json' }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    if (token) headers.Authorization = `Bearer ${token}`
    let res: Response
    try {
      res = await doFetch(base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    } catch {
      const err = new ApiError(0, { code: 'NETWORK', message: 'Cannot reach the server. Check your connection.' })
      deps.onServerError(err)
      throw err
    }
    const text = await res.text()
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
    })
    if (res.status === 401 && token && err.code === 'TOKEN_EXPIRED' && deps.refresh && !retried && !path.startsWith('/api/auth/')) {
      let renewed = false
      try {
        await deps.refresh()
        renewed = true
      } catch {
        // The refresh failed (and a 401 there has already ended the session).
      }
      if (renewed) return request<T>(method, path, body, true)
      throw err
    }
    if (res.status === 401 && token) deps.onUnauthorized()
    else if (res.status >= 500) deps.onServerError(err)
    throw err
  }

  return {
    get: (path, query) => request('GET', buildPath(path, query)),
    post: (path, body) => request('POST', path, body ?? {}),
    patch: (path, body) => request('PATCH', path, body ?? {}),
  }
}
