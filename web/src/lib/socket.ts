// The real-time client, one entry point: AdminSocketService (socket/) and the
// vocabulary it speaks (socketModel.ts: states, clock, socket handle, backoff
// and event mapping).
//
// AdminSocketService owns the one Socket.IO connection of this browser (see
// tabs.ts for how tabs share it). It runs its own reconnection loop instead of
// Socket.IO's so that the states the header shows are exact and so that the
// whole machine can be driven by a fake socket and a fake clock in tests:
//
//   connecting ──connect──▶ live ──disconnect──▶ reconnecting 1/5 … 5/5
//        ▲                    ▲                        │ 5th failure
//        │                    └──────connect───────────┤
//        └─ online ◀─ offline (browser offline)        ▼
//                                              polling (REST every 60 s,
//                                              reconnecting in the background)
//
// Every socket failure also asks REST (the event log) whether the server
// answers at all. When it does not, the state is offline/unreachable (red),
// whatever the socket's attempt count: "polling" is only shown when REST
// works and the socket does not. While unreachable, a probe runs every
// PROBE_INTERVAL_MS, and any successful request of the app (noteServer)
// counts as one: the first answer from the server tries the socket at once,
// so the app is live again within a second or two of the server's return
// instead of after the next background retry.
//
// Its parts live in socket/: service.ts (the class), options.ts
// (dependencies, timings), acks.ts (commands and their acks), listeners.ts
// (event listeners, seen events), replay.ts (the event-log cursor and REST
// catch-up), fallback.ts (polling and probing over REST), ping.ts
// (round-trip time), tokens.ts (token renewal).

export * from './socketModel'
export { AdminSocketService } from './socket/service'
export { MAX_ATTEMPTS, POLL_INTERVAL_MS, PROBE_INTERVAL_MS, type SocketServiceDeps } from './socket/options'
