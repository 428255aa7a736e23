import { describe, expect, it, vi } from 'vitest'
import { ApiError, buildPath, createApi } from './api'

function respond(status: number, body: unknown) {
  return vi.fn(async () => new Response(body === undefined ? '' : JSON.stringify(body), { status }))
}

describe('createApi', () => {
  it('sends the bearer token and decodes JSON', async () => {
    const fetch = respond(200, { id: 1 })
    const api = createApi({ getToken: () => 'abc', onUnauthorized: vi.fn(), onServerError: vi.fn(), fetch })
    expect(await api.get('/api/me')).toEqual({ id: 1 })
    const init = (fetch.mock.calls[0] as unknown as [string, RequestInit])[1]
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer abc')
  })

  it('turns the error body into an ApiError with code and field', async () => {
    const api = createApi({
      getToken: () => 'abc',
      onUnauthorized: vi.fn(),
      onServerError: vi.fn(),
      fetch: respond(400, { error: { code: 'INVALID', message: 'amount must be positive', field: 'amountCents' } }),
    })
    const err = await api.post('/api/payments', {}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ status: 400, code: 'INVALID', field: 'amountCents', message: 'amount must be positive' })
  })

  it('ends the session on 401 and reports 5xx once', async () => {
    const onUnauthorized = vi.fn()
    const onServerError = vi.fn()
    const unauthorized = createApi({ getToken: () => 'abc', onUnauthorized, onServerError, fetch: respond(401, { error: { code: 'UNAUTHORIZED', message: 'no' } }) })
    await expect(unauthorized.get('/api/stats')).rejects.toThrow('no')
    expect(onUnauthorized).toHaveBeenCalledOnce()
    const broken = createApi({ getToken: () => 'abc', onUnauthorized, onServerError, fetch: respond(503, { error: { code: 'UNAVAILABLE', message: 'busy' } }) })
    await expect(broken.get('/api/stats')).rejects.toMatchObject({ code: 'UNAVAILABLE' })
    expect(onServerError).toHaveBeenCalledOnce()
  })

  it('renews an expired token once and retries the request', async () => {
    let token = 'old'
    const fetch = vi.fn(async (_url: string, init?: RequestInit) => {
      const auth = (init?.headers as Record<string, string>).Authorization
      return auth === 'Bearer new'
        ? new Response(JSON.stringify({ ok: 1 }), { status: 200 })
        : new Response(JSON.stringify({ error: { code: 'TOKEN_EXPIRED', message: 'expired' } }), { status: 401 })
    })
    const onUnauthorized = vi.fn()
    const refresh = vi.fn(async () => (token = 'new'))
    const api = createApi({ getToken: () => token, onUnauthorized, onServerError: vi.fn(), refresh, fetch: fetch as unknown as typeof globalThis.fetch })
    expect(await api.get('/api/stats')).toEqual({ ok: 1 })
    expect(refresh).toHaveBeenCalledOnce()
    expect(onUnauthorized).not.toHaveBeenCalled()
  })

  it('does not log out on a failed login (no token yet)', async () => {
    const onUnauthorized = vi.fn()
    const api = createApi({ getToken: () => null, onUnauthorized, onServerError: vi.fn(), fetch: respond(401, { error: { code: 'UNAUTHORIZED', message: 'bad' } }) })
    await expect(api.post('/api/auth/login', {})).rejects.toMatchObject({ status: 401 })
    expect(onUnauthorized).not.toHaveBeenCalled()
  })

  it('reports network failures as NETWORK', async () => {
    const onServerError = vi.fn()
    const api = createApi({ getToken: () => null, onUnauthorized: vi.fn(), onServerError, fetch: vi.fn(async () => Promise.reject(new TypeError('fetch failed'))) })
    await expect(api.get('/api/stats')).rejects.toMatchObject({ code: 'NETWORK', status: 0 })
    expect(onServerError).toHaveBeenCalledOnce()
  })
})

describe('buildPath', () => {
  it('drops empty parameters', () => {
    expect(buildPath('/api/customers', { status: '', vendorId: undefined, search: 'ra vi', limit: 25, offset: 0 })).toBe('/api/customers?search=ra+vi&limit=25&offset=0')
  })
})
