import { describe, expect, it, vi } from 'vitest'
import { FakeChannelHub, FakeClock, FakeLocks, FakeSocket } from '../test/fakes'
import { AdminSocketService } from './socket'
import { TabRealtime } from './tabs'
import type { EventsResponse } from './types'

const flush = () => new Promise((r) => setTimeout(r, 0))

function browser() {
  const locks = new FakeLocks()
  const hub = new FakeChannelHub()
  const sockets: FakeSocket[] = []
  const initialSeqs: number[] = []
  const fetchEvents = vi.fn(async (after: number): Promise<EventsResponse> => ({ items: [], lastSeq: after }))
  const openTab = (name: string, { start = true } = {}) => {
    const tab = new TabRealtime({
      tabId: name,
      locks,
      channel: hub.open(),
      makeService: (initialSeq) => {
        initialSeqs.push(initialSeq)
        return new AdminSocketService({
          socketFactory: ({ auth }) => {
            const s = new FakeSocket(auth)
            sockets.push(s)
            return s
          },
          getToken: () => 't',
          refreshToken: async () => 't',
          onAuthFailure: () => undefined,
          fetchEvents,
          onResync: () => undefined,
          clock: new FakeClock(),
          initialSeq,
        })
      },
    })
    if (start) tab.start()
    return tab
  }
  return { openTab, sockets, initialSeqs, fetchEvents }
}

describe('TabRealtime', () => {
  it('elects one leader among three tabs: one socket for the browser', async () => {
    const b = browser()
    const tabs = [b.openTab('a'), b.openTab('b'), b.openTab('c')]
    await flush()
    expect(tabs.map((t) => t.isLeader())).toEqual([true, false, false])
    expect(b.sockets).toHaveLength(1)
  })

  it('relays events and connection state to the other tabs', async () => {
    const b = browser()
    const [a, t2, t3] = [b.openTab('a'), b.openTab('b'), b.openTab('c')]
    await flush()
    const got: number[] = []
    t2.on('payment:added', (p) => got.push(p.seq))
    t3.on('payment:added', (p) => got.push(p.seq))
    a.on('payment:added', (p) => got.push(p.seq))
    const s = b.sockets[0]!
    s.serverAccept()
    expect(t2.getHealth().state.kind).toBe('live')
    s.serverEmit('payment:added', { seq: 8, at: 'x', payment: {}, customer: { id: 1, balanceCents: 0 } })
    expect(got.sort()).toEqual([8, 8, 8])
    expect(t3.getHealth().lastSeq).toBe(8)
  })

  it('sends a follower command through the leader and returns the ack', async () => {
    const b = browser()
    b.openTab('a')
    const t2 = b.openTab('b')
    await flush()
    const s = b.sockets[0]!
    s.responder = (event, payload) =>
      event === 'payment:add' ? { ok: true, data: { echoed: payload } } : event === 'ping' ? { ok: true, data: {} } : undefined
    s.serverAccept()
    const res = await t2.request('payment:add', { customerId: 3, amountCents: 500, method: 'upi', idempotencyKey: 'k1' })
    expect(res).toEqual({ ok: true, data: { echoed: { customerId: 3, amountCents: 500, method: 'upi', idempotencyKey: 'k1' } } })
  })

  it('hands the socket to another tab when the leader closes, resuming from the last seq', async () => {
    const b = browser()
    const a = b.openTab('a')
    const t2 = b.openTab('b')
    const t3 = b.openTab('c')
    await flush()
    const s = b.sockets[0]!
    s.serverAccept()
    s.serverEmit('activity:updated', { seq: 20, at: 'x', entry: {} })
    s.serverEmit('activity:updated', { seq: 21, at: 'x', entry: {} })
    a.stop()
    await flush()
    expect(t2.isLeader()).toBe(true)
    expect(t3.isLeader()).toBe(false)
    expect(b.initialSeqs).toEqual([0, 21])
    expect(b.sockets).toHaveLength(2)
    b.sockets[1]!.serverAccept(false)
    await flush()
    // A new socket cannot be recovered by the server: catch up over REST.
    expect(b.fetchEvents).toHaveBeenCalledWith(21, 500)
    expect(t3.getHealth().state.kind).toBe('live')
  })

  it('gives a tab opened later the current connection state and who is online', async () => {
    const b = browser()
    b.openTab('a')
    await flush()
    const s = b.sockets[0]!
    s.serverAccept()
    s.serverEmit('presence:updated', { admins: [{ id: 1, name: 'Asha', since: 'x' }] })
    const late = b.openTab('late', { start: false })
    const seen: string[] = []
    late.on('presence:updated', (p) => seen.push(p.admins.map((x) => x.name).join()))
    late.start()
    await flush()
    expect(late.getHealth().state.kind).toBe('live')
    expect(seen).toEqual(['Asha'])
  })

  it('connects on its own without Web Locks or BroadcastChannel', () => {
    const made: number[] = []
    const tab = new TabRealtime({
      locks: null,
      channel: null,
      makeService: (seq) => {
        made.push(seq)
        return new AdminSocketService({
          socketFactory: ({ auth }) => new FakeSocket(auth),
          getToken: () => 't',
          refreshToken: async () => 't',
          onAuthFailure: () => undefined,
          fetchEvents: async () => ({ items: [], lastSeq: 0 }),
          onResync: () => undefined,
          clock: new FakeClock(),
        })
      },
    })
    tab.start()
    expect(tab.isLeader()).toBe(true)
    expect(made).toEqual([0])
    tab.stop()
  })

  it('answers a follower UNAVAILABLE when nobody holds the socket in time', async () => {
    vi.useFakeTimers()
    try {
      const hub = new FakeChannelHub()
      const locks = { request: () => new Promise<unknown>(() => undefined) } // never granted
      const tab = new TabRealtime({ tabId: 'x', locks, channel: hub.open(), makeService: () => { throw new Error('unused') } })
      tab.start()
      const p = tab.request('stats:request', {}, 1_000)
      await vi.advanceTimersByTimeAsync(3_000)
      expect(await p).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } })
    } finally {
      vi.useRealTimers()
    }
  })
})
