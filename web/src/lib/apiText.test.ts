import { describe, expect, it, vi } from 'vitest'
import { createApi } from './api'

// A CSV upload goes as is with its own Content-Type and keeps its key
// across retries; a CSV download returns the text, not a parse of it.
describe('createApi with text bodies', () => {
  it('posts a CSV as is, with the Idempotency-Key, and decodes the JSON answer', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ applied: true }), { status: 200 }))
    const api = createApi({ getToken: () => 't', onUnauthorized: vi.fn(), onServerError: vi.fn(), fetch })
    const res = await api.post('/api/imports/customers?confirm=true', 'name,phone\nA,98450 11111\n', { contentType: 'text/csv', idempotencyKey: 'k1' })
    expect(res).toEqual({ applied: true })
    const init = (fetch.mock.calls[0] as unknown as [string, RequestInit])[1]
    const h = init.headers as Record<string, string>
    expect(h['Content-Type']).toBe('text/csv')
    expect(h['Idempotency-Key']).toBe('"k1"')
    expect(init.body).toBe('name,phone\nA,98450 11111\n')
  })

  it('retries a CSV upload with the same key', async () => {
    let n = 0
    const fetch = vi.fn(async () =>
      ++n === 1 ? new Response(JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'busy' } }), { status: 503 }) : new Response('{"ok":1}', { status: 200 }),
    )
    const api = createApi({ getToken: () => 't', onUnauthorized: vi.fn(), onServerError: vi.fn(), fetch, writeRetryDelays: [1] })
    await api.post('/api/imports/customers', 'x', { contentType: 'text/csv' })
    const keys = fetch.mock.calls.map((c) => ((c as unknown as [string, RequestInit])[1].headers as Record<string, string>)['Idempotency-Key'])
    expect(keys).toHaveLength(2)
    expect(keys[0]).toBe(keys[1])
  })

  it('returns a CSV download as text', async () => {
    const fetch = vi.fn(async () => new Response('id,name\n1,Asha\n', { status: 200, headers: { 'Content-Type': 'text/csv' } }))
    const api = createApi({ getToken: () => 't', onUnauthorized: vi.fn(), onServerError: vi.fn(), fetch })
    expect(await api.get<string>('/api/customers', { format: 'csv' }, { accept: 'text/csv' })).toBe('id,name\n1,Asha\n')
    const init = (fetch.mock.calls[0] as unknown as [string, RequestInit])[1]
    expect((init.headers as Record<string, string>).Accept).toBe('text/csv')
  })
})
