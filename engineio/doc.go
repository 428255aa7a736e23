// Package engineio is a server for the Engine.IO protocol, revision 4: the
// transport layer under Socket.IO v3 and later.
//
// A Server is an http.Handler, usually mounted at "/engine.io/" (or
// "/socket.io/" under a Socket.IO layer). It accepts sessions over HTTP
// long-polling and WebSocket, upgrades polling sessions to WebSocket, runs the
// heartbeat, enforces maxPayload, answers CORS and reports protocol errors with
// the standard JSON body {"code":N,"message":"..."}.
//
// Each session is a Conn. The application learns about new sessions through
// Options.OnConnection, registers OnMessage and OnClose there, and writes with
// Send, which never blocks: every Conn has a bounded send queue, and a
// connection whose queue overflows is closed with reason "transport error" so
// that one slow client can never stall a broadcast.
//
// Close reasons reported to OnClose are the strings used by the reference
// server: "transport close", "transport error", "ping timeout",
// "parse error", "forced close" and "server shutting down".
//
// The wire format is exposed too (Packet, DecodePacket, AppendPacket,
// DecodePayload, AppendPayload) for tests and tools that speak the protocol.
package engineio
