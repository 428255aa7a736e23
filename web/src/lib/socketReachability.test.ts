import { describe, expect, it, vi } from 'vitest'
import { FakeClock, FakeSocket } from '../test/fakes'
import { AdminSocketService, PROBE_INTERVAL_MS, type SocketServiceDeps } from './socket'
import type { EventsResponse } from './types'

// The connection indicator must be honest (issue 17): a server that cannot
// be reached is Offline (red), not a calm "Polling"; Polling means the
// socket is blocked while REST works; and once the server answers again the
// app is live within 3 s of that answer, not after the next background retry.

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0))
}

function setup(over: Partial<SocketServiceDeps> = {}) {
  const clock = new FakeClock()
  let socket!: FakeSocket
  let serverUp = true
  const fetchEvents = vi.fn(async (after: number | string): Promise<EventsResponse> => {
    if (!serverUp) throw Object.assign(new Error('Cannot reach the server'), { code: 'NETWORK' })
    return { items: [], lastSeq: Number(after) }
  })
  const deps: SocketServiceDeps = {
    socketFactory: ({ auth }) => (socket = new FakeSocket(auth)),
    getToken: () => 'tok-1',
    refreshToken: vi.fn(async () => 'tok-2'),
    onAuthFailure: vi.fn(),
    fetchEvents,
    onResync: vi.fn(),
    clock,
    random: () => 0.5,
    ...over,
  }
  const svc = new AdminSocketService(deps)
  svc.start()
  return {
    svc,
    clock,
    socket: () => socket,
    fetchEvents,
    setServer: (up: boolean) => (serverUp = up),
  }
}

describe('AdminSocketService reachability', () => {
  it('is Offline (server unreachable), not Reconnecting or Polling, while REST cannot reach the server either', async () => {
    const { svc, socket, clock, setServer } = setup()
    const s = socket()
    s.serverAccept()
    setServer(false)
    s.serverDrop()
    // The first retry (after 1 s) fails too: now REST is asked, and fails.
    clock.advance(1_000)
    s.serverRefuse()
    await flush()
    expect(svc.getHealth().state).toEqual({ kind: 'offline', reason: 'unreachable' })
    // However long it stays down, it never claims to be polling.
    for (let i = 0; i < 20; i++) {
      clock.advance(10_000)
      s.serverRefuse()
      await flush()
      expect(svc.getHealth().state).toEqual({ kind: 'offline', reason: 'unreachable' })
    }
  })

  it('is live within 3 s of the server answering again', async () => {
    const { svc, socket, clock, setServer } = setup()
    const s = socket()
    s.serverAccept()
    setServer(false)
    s.serverDrop()
    clock.advance(1_000)
    s.serverRefuse()
    await flush()
    clock.advance(120_000)
    s.serverRefuse()
    await flush()
    expect(svc.getHealth().state.kind).toBe('offline')
    setServer(true)
    // The next probe is at most PROBE_INTERVAL_MS away; its success tries the socket at once.
    const before = s.connectCalls
    clock.advance(PROBE_INTERVAL_MS)
    await flush()
    expect(s.connectCalls).toBeGreaterThan(before)
    s.serverAccept()
    expect(svc.getHealth().state.kind).toBe('live')
  })

  it('tries the socket at once when any other request succeeds', async () => {
    const { svc, socket, clock, setServer } = setup()
    const s = socket()
    s.serverAccept()
    setServer(false)
    s.serverDrop()
    clock.advance(1_000)
    s.serverRefuse()
    await flush()
    expect(svc.getHealth().state.kind).toBe('offline')
    setServer(true)
    const before = s.connectCalls
    svc.noteServer(true)
    expect(s.connectCalls).toBe(before + 1)
    s.serverAccept()
    expect(svc.getHealth().state.kind).toBe('live')
  })

  it('polls only when the socket is blocked but REST works, and goes offline when REST fails too', async () => {
    const { svc, socket, clock, setServer } = setup()
    const s = socket()
    s.serverAccept()
    s.serverDrop()
    for (const d of [1000, 2000, 4000, 8000, 16000]) {
      await flush()
      clock.advance(d)
      s.serverRefuse()
    }
    await flush()
    expect(svc.getHealth().state.kind).toBe('polling')
    setServer(false)
    clock.advance(60_000)
    await flush()
    expect(svc.getHealth().state).toEqual({ kind: 'offline', reason: 'unreachable' })
  })

  it('a failed request while live does not override the socket', async () => {
    const { svc, socket } = setup()
    socket().serverAccept()
    svc.noteServer(false)
    expect(svc.getHealth().state.kind).toBe('live')
  })

  it('counts an HTTP error from the event log as the server answering (staff may not read it)', async () => {
    const fetchEvents = vi.fn(async (): Promise<EventsResponse> => {
      throw Object.assign(new Error('staff may not'), { status: 403, code: 'FORBIDDEN' })
    })
    const { svc, socket, clock } = setup({ fetchEvents })
    const s = socket()
    s.serverAccept()
    s.serverDrop()
    clock.advance(1_000)
    s.serverRefuse()
    await flush()
    expect(svc.getHealth().state).toEqual({ kind: 'reconnecting', attempt: 2, maxAttempts: 5 })
  })
})
