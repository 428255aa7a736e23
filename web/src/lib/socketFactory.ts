import { io, type Socket } from 'socket.io-client'
import type { SocketFactory, Transport } from './socket'
import type { ClientToServerEvents, ServerToClientEvents } from './types'

/** socketIOFactory connects to the same origin's /socket.io/ with the official client. */
export function socketIOFactory(url?: string): SocketFactory {
  return ({ auth }) => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url ?? '', {
      path: '/socket.io/',
      autoConnect: false,
      // AdminSocketService runs the reconnection loop itself (see above).
      reconnection: false,
      timeout: 10_000,
      auth,
    })
    const name = (): Transport | null => {
      const t = socket.io.engine?.transport?.name
      return t === 'websocket' || t === 'polling' ? t : null
    }
    const transportListeners = new Set<(t: Transport) => void>()
    socket.io.on('open', () => {
      socket.io.engine.on('upgrade', () => {
        const t = name()
        if (t) for (const fn of transportListeners) fn(t)
      })
    })
    const untyped = socket as unknown as {
      on(ev: string, fn: (...a: unknown[]) => void): void
      emit(ev: string, ...a: unknown[]): void
    }
    return {
      get connected() {
        return socket.connected
      },
      get recovered() {
        return socket.recovered
      },
      connect: () => void socket.connect(),
      disconnect: () => void socket.disconnect(),
      on: (ev, fn) => untyped.on(ev, fn as (...a: unknown[]) => void),
      removeAllListeners: () => {
        socket.removeAllListeners()
        transportListeners.clear()
      },
      emit: (ev, payload, ack) => untyped.emit(ev, payload, ack),
      transport: name,
      onTransportChange: (fn) => void transportListeners.add(fn),
    }
  }
}
