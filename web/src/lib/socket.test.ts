import { describe, expect, it, vi } from 'vitest'
import { FakeClock, FakeSocket } from '../test/fakes'
import { AdminSocketService, backoffDelay, eventToServerEvents, type SocketServiceDeps } from './socket'
import type { EventsResponse, LogEvent } from './types'

const flush = () => new Promise((r) => setTimeout(r, 0))

function setup(over: Partial<SocketServiceDeps> = {}) {
  const clock = new FakeClock()
  let socket!: FakeSocket
  const fetchEvents = vi.fn(async (after: number): Promise<EventsResponse> => ({ items: [], lastSeq: after }))
  const deps: SocketServiceDeps = {
    socketFactory: ({ auth }) => (socket = new FakeSocket(auth)),
    getToken: () => 'tok-1',
    refreshToken: vi.fn(async () => 'tok-2'),
    onAuthFailure: vi.fn(),
    fetchEvents,
    onResync: vi.fn(),
    onNotice: vi.fn(),
    clock,
    random: () => 0.5, // no jitter
    ...over,
  }
  const svc = new AdminSocketService(deps)
  const states: string[] = []
  svc.subscribeHealth((h) => {
    const s = h.state
    const label = s.kind === 'reconnecting' ? `reconnecting ${s.attempt}/${s.maxAttempts}` : s.kind
    if (states.at(-1) !== label) states.push(label)
  })
  svc.start()
  return { svc, clock, socket: () => socket, deps, fetchEvents, states }
}

function paymentEvent(seq: number, customerId = 7): LogEvent {
  return {
    seq,
    at: '2026-01-01T10:00:00Z',
    actorId: 1,
    actorName: 'Asha',
    action: 'payment.added',
    entity: 'payment',
    entityId: 100 + seq,
    vendorId: 2,
    summary: `payment ${seq}`,
    payload: {
      payment: { id: 100 + seq, customerId, vendorId: 2, amountCents: 5000, method: 'cash', reference: '', recordedBy: 1, createdAt: '2026-01-01T10:00:00Z' },
      customer: { id: customerId, balanceCents: 1000 },
    },
  }
}

describe('backoffDelay', () => {
  it('doubles from 1 s and caps at 16 s', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, () => 0.5))).toEqual([1000, 2000, 4000, 8000, 16000, 16000])
  })
  it('jitters by at most 20 %', () => {
    expect(backoffDelay(1, () => 0)).toBe(800)
    expect(backoffDelay(1, () => 1)).toBe(1200)
  })
})

describe('AdminSocketService', () => {
  it('connects with the token and goes live', () => {
    const { svc, socket } = setup()
    expect(svc.getHealth().state.kind).toBe('connecting')
    expect(socket().auth).toEqual({ token: 'tok-1' })
    socket().serverAccept()
    expect(svc.getHealth().state).toEqual({ kind: 'live' })
    expect(svc.getHealth().transport).toBe('websocket')
  })

  it('measures the round trip with ping', async () => {
    const { svc, socket, clock } = setup()
    socket().serverAccept()
    const ping = socket().emitted.find((e) => e.event === 'ping')
    expect(ping).toBeDefined()
    clock.advance(42)
    ping!.ack({ ok: true, data: { serverTime: '2026-01-01T00:00:00Z' } })
    await flush()
    expect(svc.getHealth().rttMs).toBe(42)
  })

  it('backs off through 5 attempts, then polls over REST while retrying in the background', async () => {
    const { svc, socket, clock, fetchEvents, states } = setup()
    const s = socket()
    s.serverAccept()
    s.serverEmit('payment:added', { seq: 41, at: 'x', payment: {}, customer: { id: 1, balanceCents: 0 } })
    s.serverDrop()
    expect(svc.getHealth().state).toEqual({ kind: 'reconnecting', attempt: 1, maxAttempts: 5 })
    const delays = [1000, 2000, 4000, 8000, 16000]
    for (let i = 0; i < 5; i++) {
      const before = s.connectCalls
      clock.advance(delays[i]! - 1)
      expect(s.connectCalls).toBe(before)
      clock.advance(1)
      expect(s.connectCalls).toBe(before + 1)
      s.serverRefuse()
    }
    expect(states).toEqual([
      'connecting',
      'live',
      'reconnecting 1/5',
      'reconnecting 2/5',
      'reconnecting 3/5',
      'reconnecting 4/5',
      'reconnecting 5/5',
      'polling',
    ])
    await flush()
    // Polling resumes from the socket's cursor.
    expect(fetchEvents).toHaveBeenCalledWith(41, 500)
    // The successful poll makes it try the socket at once; the server is still down.
    s.serverRefuse()
    const calls = fetchEvents.mock.calls.length
    clock.advance(60_000)
    await flush()
    expect(fetchEvents.mock.calls.length).toBe(calls + 1)
    expect(svc.getHealth().state.kind).toBe('polling')
    // The server is back: the next attempt goes live and polling stops.
    s.serverAccept()
    expect(svc.getHealth().state.kind).toBe('live')
    await flush()
    const after = fetchEvents.mock.calls.length
    clock.advance(180_000)
    await flush()
    expect(fetchEvents.mock.calls.length).toBe(after)
    expect(svc.getHealth().state.kind).toBe('live')
  })

  it('retries in the background every ~30 s while polling', async () => {
    const { socket, clock } = setup({ fetchEvents: vi.fn(async () => Promise.reject(new Error('down'))) })
    const s = socket()
    s.serverRefuse() // initial attempt
    for (const d of [1000, 2000, 4000, 8000, 16000]) {
      clock.advance(d)
      s.serverRefuse()
    }
    await flush()
    const before = s.connectCalls
    clock.advance(30_000)
    expect(s.connectCalls).toBe(before + 1)
  })

  it('dispatches polled events as replayed and advances the cursor to lastSeq', async () => {
    const events = [paymentEvent(5), paymentEvent(6)]
    const fetchEvents = vi.fn(async (after: number): Promise<EventsResponse> => ({ items: after < 6 ? events : [], lastSeq: 9 }))
    const { svc, socket, clock } = setup({ fetchEvents })
    const got: Array<[string, number, boolean]> = []
    svc.on('payment:added', (p, m) => got.push(['payment', p.seq, m.replayed]))
    svc.on('activity:updated', (p, m) => got.push(['activity', p.seq, m.replayed]))
    const s = socket()
    s.serverRefuse()
    for (const d of [1000, 2000, 4000, 8000, 16000]) {
      clock.advance(d)
      s.serverRefuse()
    }
    await flush()
    expect(got).toEqual([
      ['payment', 5, true],
      ['activity', 5, true],
      ['payment', 6, true],
      ['activity', 6, true],
    ])
    expect(svc.getHealth().lastSeq).toBe(9)
  })

  it('drops duplicate events and catches up over REST after a reconnect the server could not recover', async () => {
    const fetchEvents = vi.fn(async (): Promise<EventsResponse> => ({ items: [paymentEvent(11), paymentEvent(12)], lastSeq: 12 }))
    const { svc, socket, clock } = setup({ fetchEvents })
    const seqs: number[] = []
    svc.on('payment:added', (p) => seqs.push(p.seq))
    const s = socket()
    s.serverAccept()
    s.serverEmit('payment:added', { seq: 10, at: 'x', payment: {}, customer: { id: 1, balanceCents: 0 } })
    s.serverEmit('payment:added', { seq: 10, at: 'x', payment: {}, customer: { id: 1, balanceCents: 0 } })
    s.serverDrop()
    clock.advance(1000)
    s.serverAccept(false)
    await flush()
    expect(fetchEvents).toHaveBeenCalledWith(10, 500)
    // 12 arrives live too (the server replayed it): still delivered once.
    s.serverEmit('payment:added', { seq: 12, at: 'x', payment: {}, customer: { id: 1, balanceCents: 0 } })
    expect(seqs).toEqual([10, 11, 12])
    expect(svc.getHealth().lastSeq).toBe(12)
  })

  it('does not fetch over REST when the server recovered the session', async () => {
    const { socket, clock, fetchEvents } = setup()
    const s = socket()
    s.serverAccept()
    s.serverEmit('activity:updated', { seq: 3, at: 'x', entry: {} })
    s.serverDrop()
    clock.advance(1000)
    s.serverAccept(true)
    await flush()
    expect(fetchEvents).not.toHaveBeenCalled()
  })

  it('refreshes the token before it expires and hands it to the socket', async () => {
    const clock = new FakeClock()
    const refreshToken = vi.fn(async () => 'tok-2')
    const { socket } = setup({ clock, refreshToken, tokenExpiresAt: () => clock.now() + 120_000 })
    const s = socket()
    s.serverAccept()
    clock.advance(59_000)
    expect(refreshToken).not.toHaveBeenCalled()
    clock.advance(1_000)
    expect(refreshToken).toHaveBeenCalledOnce()
    await flush()
    const sent = s.emitted.find((e) => e.event === 'auth:refresh')
    expect(sent?.payload).toEqual({ token: 'tok-2' })
  })

  it('refreshes and reconnects when the handshake says TOKEN_EXPIRED', async () => {
    const { socket, deps, svc } = setup()
    const s = socket()
    s.serverRefuse('TOKEN_EXPIRED')
    await flush()
    expect(deps.refreshToken).toHaveBeenCalledOnce()
    expect(s.connectCalls).toBe(2)
    s.serverAccept()
    expect(svc.getHealth().state.kind).toBe('live')
  })

  it('logs out when the token is invalid', () => {
    const { socket, deps, svc } = setup()
    socket().serverRefuse('TOKEN_INVALID')
    expect(deps.onAuthFailure).toHaveBeenCalledWith('TOKEN_INVALID')
    expect(svc.getHealth().state).toEqual({ kind: 'offline', reason: 'auth' })
  })

  it('handles server error events', async () => {
    const { socket, deps } = setup()
    const s = socket()
    s.responder = (event) => (event === 'stats:request' ? { ok: true, data: { seq: 99 } } : undefined)
    s.serverAccept()
    // The first connection without a cursor refetches what loaded before it.
    expect(deps.onResync).toHaveBeenCalledTimes(1)
    s.serverEmit('error', { code: 'RESYNC_REQUIRED', message: 'gap too large' })
    expect(deps.onResync).toHaveBeenCalledTimes(2)
    s.serverEmit('error', { code: 'RATE_LIMITED', message: 'slow down' })
    expect(deps.onNotice).toHaveBeenCalledWith({ code: 'RATE_LIMITED', message: 'slow down' })
    s.serverEmit('error', { code: 'TOKEN_EXPIRED', message: 'expired' })
    await flush()
    expect(deps.refreshToken).toHaveBeenCalledOnce()
  })

  it('follows the log with EPOCH:SEQ cursors, and starts again from the head after a restore', async () => {
    let epoch = 'aaaa2222'
    let head = 50
    const fetchEvents = vi.fn(async (after: string | number): Promise<EventsResponse> => {
      const [e, seq] = typeof after === 'string' ? after.split(':') : [undefined, String(after)]
      if ((e !== undefined && e !== epoch) || Number(seq) > head) {
        throw Object.assign(new Error('restored'), { code: 'RESYNC_REQUIRED', status: 409 })
      }
      return { items: [], lastSeq: head, epoch, cursor: `${epoch}:${head}` }
    })
    const fetchHead = vi.fn(async () => ({ seq: head, epoch }))
    const { svc, socket, deps } = setup({ fetchEvents, fetchHead })
    const s = socket()
    s.serverAccept()
    s.serverEmit('payment:added', { seq: 41, at: 'x', payment: {}, customer: { id: 1, balanceCents: 0 } })
    s.serverDrop()
    s.serverAccept() // not recovered: catch up over REST
    await flush()
    // The first call knows no epoch yet; the answer names it.
    expect(fetchEvents).toHaveBeenLastCalledWith(41, 500)
    expect(svc.getHealth().lastSeq).toBe(50)
    const resyncs = vi.mocked(deps.onResync).mock.calls.length

    // The database is restored from a backup: another epoch, a lower head.
    epoch = 'bbbb3333'
    head = 30
    s.serverDrop()
    s.serverAccept()
    await flush()
    await flush()
    expect(fetchEvents).toHaveBeenCalledWith('aaaa2222:50', 500)
    expect(deps.onResync).toHaveBeenCalledTimes(resyncs + 1)
    expect(fetchHead).toHaveBeenCalled()
    expect(svc.getHealth().lastSeq).toBe(30)
    // Seq 41 of the new history is a new event, not one already seen.
    const got: number[] = []
    svc.on('payment:added', (p) => got.push(p.seq))
    head = 41
    s.serverEmit('payment:added', { seq: 41, at: 'y', payment: {}, customer: { id: 1, balanceCents: 0 } })
    expect(got).toEqual([41])
    s.serverDrop()
    s.serverAccept()
    await flush()
    expect(fetchEvents).toHaveBeenLastCalledWith('bbbb3333:41', 500)
  })

  it('answers commands from acks, and UNAVAILABLE or TIMEOUT otherwise', async () => {
    const { svc, socket, clock } = setup()
    expect(await svc.request('stats:request', {})).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } })
    const s = socket()
    s.serverAccept()
    const p = svc.request('payment:add', { customerId: 1, amountCents: 100, method: 'cash', idempotencyKey: 'k' })
    const sent = s.emitted.find((e) => e.event === 'payment:add')!
    sent.ack({ ok: false, error: { code: 'INVALID', message: 'bad', field: 'amountCents' } })
    expect(await p).toEqual({ ok: false, error: { code: 'INVALID', message: 'bad', field: 'amountCents' } })
    const slow = svc.request('stats:request', {})
    clock.advance(8_000)
    expect(await slow).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } })
  })

  it('goes offline with the browser and reconnects when it is back', () => {
    let online = true
    let notify: (o: boolean) => void = () => undefined
    const { svc, socket } = setup({
      network: { isOnline: () => online, subscribe: (fn) => ((notify = fn), () => undefined) },
    })
    const s = socket()
    s.serverAccept()
    online = false
    notify(false)
    s.serverDrop()
    expect(svc.getHealth().state).toEqual({ kind: 'offline', reason: 'network' })
    const calls = s.connectCalls
    online = true
    notify(true)
    expect(s.connectCalls).toBe(calls + 1)
    s.serverAccept()
    expect(svc.getHealth().state.kind).toBe('live')
  })

  it('is live again at once when the connection survived a short offline spell', () => {
    let notify: (o: boolean) => void = () => undefined
    const { svc, socket } = setup({ network: { isOnline: () => true, subscribe: (fn) => ((notify = fn), () => undefined) } })
    socket().serverAccept()
    notify(false)
    expect(svc.getHealth().state.kind).toBe('offline')
    notify(true)
    expect(svc.getHealth().state.kind).toBe('live')
  })

  it('removes every listener and timer when stopped', () => {
    const { svc, socket, clock } = setup({ tokenExpiresAt: () => Date.now() + 3_600_000 })
    const s = socket()
    s.serverAccept()
    svc.stop()
    expect(s.listenerCount()).toBe(0)
    expect(clock.pending()).toBe(0)
    expect(svc.getHealth().state).toEqual({ kind: 'offline', reason: 'stopped' })
  })
})

describe('eventToServerEvents', () => {
  it('maps log events to the socket events they stand for, entity first', () => {
    const out = eventToServerEvents(paymentEvent(3))
    expect(out.map(([n]) => n)).toEqual(['payment:added', 'activity:updated'])
    expect(out[0]![1]).toMatchObject({ seq: 3, customer: { id: 7, balanceCents: 1000 } })
    expect(out[1]![1]).toMatchObject({ seq: 3, entry: { summary: 'payment 3' } })
    expect((out[1]![1] as { entry: object }).entry).not.toHaveProperty('payload')
  })
})
