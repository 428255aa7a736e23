import { describe, expect, it } from 'vitest'
import type { BulkStatusResult, PaymentResult } from '../types'
import { MemoryQueueStore, OfflineQueue, type QueuedCommand, type SendResult } from './queue'

// A server with the house's idempotency rule: a key is applied once and
// answered alike after; it can be down, or slow (the tab dies mid-send).
function server() {
  const answers = new Map<string, BulkStatusResult | PaymentResult>()
  const applied: string[] = []
  const state = { up: true, status: new Map<number, string>() }
  const send = async (cmd: QueuedCommand): Promise<SendResult> => {
    if (!state.up) return { ok: false, retry: true }
    const key = cmd.body.idempotencyKey
    const kept = answers.get(key)
    if (kept) return { ok: true, data: kept }
    let data: BulkStatusResult | PaymentResult
    if (cmd.kind === 'payment') {
      applied.push(`pay ${cmd.body.customerId} ${cmd.body.amountCents}`)
      data = { payment: { id: applied.length } as PaymentResult['payment'], customer: { id: cmd.body.customerId, balanceCents: 0 }, created: true }
    } else {
      const results = cmd.body.ids.map((id) => {
        const now = state.status.get(id) ?? 'scheduled'
        if (cmd.body.expectedStatus && now !== cmd.body.expectedStatus) {
          return { id, ok: false, error: { code: 'CONFLICT', message: `already marked ${now} by Ada at 07:12`, field: 'status' } }
        }
        state.status.set(id, cmd.body.status)
        applied.push(`${id} ${cmd.body.status}`)
        return { id, ok: true }
      })
      data = { results, succeeded: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length }
    }
    answers.set(key, data)
    return { ok: true, data }
  }
  return { send, applied, state }
}

const status = (id: number, key: string): QueuedCommand => ({
  kind: 'status',
  body: { ids: [id], status: 'delivered', expectedStatus: 'scheduled', idempotencyKey: key },
})
const payment = (key: string): QueuedCommand => ({ kind: 'payment', body: { customerId: 7, amountCents: 5000, method: 'cash', idempotencyKey: key } })

describe('OfflineQueue', () => {
  it('keeps commands made offline and sends them in order, once each, when the server is back', async () => {
    const srv = server()
    srv.state.up = false
    const q = new OfflineQueue({ store: new MemoryQueueStore(), send: srv.send, sender: () => 1 })
    await q.enqueue(1, status(11, 'k1'), 'Delivered: A')
    await q.enqueue(1, status(12, 'k2'), 'Delivered: B')
    await q.enqueue(1, payment('k3'), 'Cash: A')
    await q.drain()
    expect(q.snapshot().map((e) => e.state)).toEqual(['waiting', 'waiting', 'waiting'])
    srv.state.up = true
    await q.drain()
    await q.drain()
    expect(srv.applied).toEqual(['11 delivered', '12 delivered', 'pay 7 5000'])
    expect(q.snapshot()).toEqual([])
  })

  it('applies a command once when the tab died while sending it: reopened, it is sent again with the same key', async () => {
    const srv = server()
    const store = new MemoryQueueStore()
    // The first tab stores the command and sends it; the server applies it,
    // but the tab is gone before the answer arrives (the entry stays "sending").
    let release: () => void = () => undefined
    const first = new OfflineQueue({
      store,
      send: async (cmd) => {
        const res = await srv.send(cmd)
        await new Promise<void>((r) => (release = r))
        return res
      },
      sender: () => 1,
    })
    await first.enqueue(1, payment('k-pay'), 'Cash: A')
    for (let i = 0; i < 20 && srv.applied.length === 0; i++) await new Promise((r) => setTimeout(r, 1))
    expect(srv.applied).toEqual(['pay 7 5000'])
    expect((await store.all()).map((e) => e.state)).toEqual(['sending'])
    // The app is opened again.
    const second = new OfflineQueue({ store, send: srv.send, sender: () => 1 })
    await second.drain()
    expect(srv.applied).toEqual(['pay 7 5000'])
    expect(await store.all()).toEqual([])
    release()
  })

  it('keeps a conflict for the user to read, never retried, and goes on with the next command', async () => {
    const srv = server()
    srv.state.status.set(11, 'delivered') // an admin marked it meanwhile
    const q = new OfflineQueue({ store: new MemoryQueueStore(), send: srv.send, sender: () => 1 })
    const id = await q.enqueue(1, status(11, 'k1'), 'Delivered: A')
    await q.enqueue(1, status(12, 'k2'), 'Delivered: B')
    await q.drain()
    await q.drain()
    expect(srv.applied).toEqual(['12 delivered'])
    const [refused] = q.snapshot()
    expect(refused?.state).toBe('refused')
    expect(refused?.refusals?.[0]?.error.message).toBe('already marked delivered by Ada at 07:12')
    await q.drain()
    expect(srv.applied).toEqual(['12 delivered'])
    await q.dismiss(id)
    expect(q.snapshot()).toEqual([])
  })

  it("sends nobody else's commands: only the signed-in user's, and none while signed out", async () => {
    const srv = server()
    let who: number | null = null
    const q = new OfflineQueue({ store: new MemoryQueueStore(), send: srv.send, sender: () => who })
    await q.enqueue(1, status(11, 'k1'), 'Delivered: A')
    await q.enqueue(2, status(12, 'k2'), 'Delivered: B')
    await q.drain()
    expect(srv.applied).toEqual([])
    who = 2
    await q.drain()
    expect(srv.applied).toEqual(['12 delivered'])
    expect(q.snapshot().map((e) => e.userId)).toEqual([1])
  })
})
