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

describe('idempotency keys', () => {
  type Call = { url: string; method: string; key: string | undefined; auth: string | undefined }
  // script answers each request in turn (an Error is a network failure) and
  // records what was sent.
  function script(...answers: (Error | [number, unknown])[]) {
    const calls: Call[] = []
    const fetch = vi.fn(async (url: string, init?: RequestInit) => {
      const h = init?.headers as Record<string, string>
      calls.push({ url, method: init?.method ?? 'GET', key: h['Idempotency-Key'], auth: h.Authorization })
      const a = answers[Math.min(calls.length - 1, answers.length - 1)]!
      if (a instanceof Error) throw a
      return new Response(JSON.stringify(a[1]), { status: a[0] })
    })
    return { calls, fetch: fetch as unknown as typeof globalThis.fetch }
  }
  const deps = { getToken: () => 't', onUnauthorized: vi.fn(), onServerError: vi.fn(), writeRetryDelays: [0, 0] }
  const busy = [503, { error: { code: 'UNAVAILABLE', message: 'busy' } }] as [number, unknown]
  const unknown = [500, { error: { code: 'OUTCOME_UNKNOWN', message: 'lost' } }] as [number, unknown]
  const ok = [201, { id: 9 }] as [number, unknown]

  it('sends a key with every write, and none with reads or sign-in', async () => {
    const { calls, fetch } = script(ok)
    const api = createApi({ ...deps, fetch })
    await api.post('/api/customers', { name: 'A' })
    await api.patch('/api/deliveries/1', { status: 'delivered' })
    await api.post('/api/customers', { name: 'A' })
    await api.get('/api/customers')
    await api.post('/api/auth/login', {})
    const keys = calls.map((c) => c.key)
    expect(keys[0]).toMatch(/^"[0-9a-f-]{36}"$/)
    expect(keys[1]).toMatch(/^"[0-9a-f-]{36}"$/)
    expect(new Set(keys.slice(0, 3)).size).toBe(3) // a new action, a new key
    expect(keys.slice(3)).toEqual([undefined, undefined])
  })

  it('sends the body\'s own idempotencyKey as the header (the server wants them equal)', async () => {
    const { calls, fetch } = script(ok)
    const api = createApi({ ...deps, fetch })
    await api.post('/api/payments/5/reversal', { reason: 'typo', idempotencyKey: 'rev-5' })
    expect(calls[0]?.key).toBe('"rev-5"')
  })

  it('keeps the key across its own retries of a write that may be retried', async () => {
    const { calls, fetch } = script(new TypeError('fetch failed'), busy, ok)
    const api = createApi({ ...deps, fetch })
    expect(await api.post('/api/payments', { amountCents: 1 }, { idempotencyKey: 'pay-1' })).toEqual({ id: 9 })
    expect(calls.map((c) => c.key)).toEqual(['"pay-1"', '"pay-1"', '"pay-1"'])
  })

  it('retries OUTCOME_UNKNOWN and IDEMPOTENCY_KEY_IN_USE with the same key, and gives up after its delays', async () => {
    const inUse = [409, { error: { code: 'IDEMPOTENCY_KEY_IN_USE', message: 'wait' } }] as [number, unknown]
    const { calls, fetch } = script(unknown, inUse, unknown)
    const api = createApi({ ...deps, fetch })
    await expect(api.post('/api/customers', { name: 'A' })).rejects.toMatchObject({ code: 'OUTCOME_UNKNOWN' })
    expect(calls).toHaveLength(3)
    expect(new Set(calls.map((c) => c.key)).size).toBe(1)
  })

  it('does not retry what the server refused', async () => {
    for (const refused of [
      [400, { error: { code: 'INVALID', message: 'no', field: 'name' } }],
      [422, { error: { code: 'IDEMPOTENCY_KEY_REUSED', message: 'other request', field: 'idempotencyKey' } }],
      [409, { error: { code: 'INVALID_TRANSITION', message: 'no' } }],
    ] as [number, unknown][]) {
      const { calls, fetch } = script(refused)
      const api = createApi({ ...deps, fetch })
      await expect(api.post('/api/customers', {})).rejects.toBeInstanceOf(ApiError)
      expect(calls).toHaveLength(1)
    }
  })

  it('keeps the key when it renews an expired token', async () => {
    let token = 'old'
    const expired = [401, { error: { code: 'TOKEN_EXPIRED', message: 'expired' } }] as [number, unknown]
    const { calls, fetch } = script(expired, ok)
    const api = createApi({ ...deps, getToken: () => token, refresh: async () => (token = 'new'), fetch })
    await api.patch('/api/deliveries/3', { status: 'delivered' })
    expect(calls.map((c) => c.auth)).toEqual(['Bearer old', 'Bearer new'])
    expect(calls[0]?.key).toBeDefined()
    expect(calls[1]?.key).toBe(calls[0]?.key)
  })
})

describe('buildPath', () => {
  it('drops empty parameters', () => {
    expect(buildPath('/api/customers', { status: '', vendorId: undefined, search: 'ra vi', limit: 25, offset: 0 })).toBe('/api/customers?search=ra+vi&limit=25&offset=0')
  })
})
