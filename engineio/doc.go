// Package engineio is a server for the Engine.IO protocol, revision 4: the
// transport layer under Socket.IO v3 and later, spoken unchanged by the
// official engine.io-client and socket.io-client.
//
// A Server is an http.Handler, usually mounted at "/engine.io/" (or
// "/socket.io/" under a Socket.IO layer):
//
//	srv := engineio.NewServer(engineio.Options{
//		CORS: engineio.CORS{AllowedOrigins: []string{"https://admin.example"}},
//		OnConnection: func(c *engineio.Conn) {
//			c.OnMessage(func(data []byte, binary bool) { _ = c.Send(data, binary) })
//			c.OnClose(func(reason string, err error) { log.Println(c.ID(), reason, err) })
//		},
//	})
//	mux.Handle("/engine.io/", srv)
//	...
//	srv.Close(ctx) // on shutdown
//
// It accepts sessions over HTTP long-polling and WebSocket, upgrades polling
// sessions to WebSocket (2probe, 3probe, 5, the pending poll ended with a
// noop), runs the heartbeat (the server pings every PingInterval and closes
// the session when no packet comes back within PingTimeout), enforces
// MaxPayload, answers CORS, checks the Origin of WebSocket handshakes
// against cross-site hijacking, and reports protocol errors with the
// reference server's HTTP answers: 400 (403 for code 4) with the JSON body
// {"code":N,"message":"..."} (see ErrorCode). Clients of revision 3
// (EIO=3) are refused with code 5.
//
// # Connections
//
// Each session is a Conn. Options.OnConnection runs once per session
// before any of its messages is delivered; it registers OnMessage and
// OnClose. OnMessage calls are sequential, OnClose runs exactly once, never
// concurrently with OnMessage, and no message is delivered after it. Close
// reasons are the strings of the reference server: "transport close",
// "transport error", "ping timeout", "parse error", "forced close" and
// "server shutting down".
//
// Send never blocks and never copies: it queues the caller's slice, so one
// encoded message can be handed to thousands of connections. SendBulk is
// Send for such a broadcast: it only appends to a list that a pool writer
// turns into queued messages, so that a broadcast to 10,000 connections
// costs its caller well under a millisecond; Send, SendBatch, Close and
// Server.Close apply that list first, so every connection still sees its
// messages in the order they were sent. On a WebSocket, connections with a
// Send message (a reply, a message to that client alone) are written
// before those with only SendBulk ones, so that acks do not wait for a
// fan-out. Every Conn has
// a bounded send queue (Options.SendQueue); a connection whose queue
// overflows is closed with "transport error" and ErrQueueFull, so that a
// slow client can never stall a broadcast. A polling GET carries everything
// queued in one response.
//
// # Resources
//
// An idle WebSocket session costs no goroutine and about 2 kB of heap (see
// BenchmarkIdleWebSocket). github.com/gobwas/ws answers the opening
// handshake; the handler goroutine returns right after it, and net/http's
// buffers are dropped. Frames are parsed and written by this package
// (wsframe.go). On Linux, reads are driven by readiness: every WebSocket is
// registered, edge-triggered, with one epoll instance (reactor_linux.go),
// and data arriving starts a goroutine that reads the socket empty into a
// pooled buffer, handles the messages and exits; a frame cut between reads
// is kept until the rest arrives. Elsewhere each WebSocket reads in a
// goroutine of its own.
//
// Writes go through a small pool of writer goroutines (writers.go): a
// connection with something queued joins a ready list, and a writer frames
// its whole queue into one buffer and writes it with one non-blocking
// write(2). What the kernel does not take goes to a goroutine of the
// connection's own that finishes with blocking writes, so a slow client
// never holds up the pool. Replies to what a client sent (acks, pongs) are
// written by the reader right after handling the read, ahead of the ready
// list. The heartbeat is one timer per session.
//
// # Wire format
//
// The codec is exported (Packet, DecodePacket, AppendPacket, DecodePayload,
// AppendPayload) for tests and tools that speak the protocol.
package engineio
