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
// the session when no pong comes back within PingTimeout: other traffic
// does not count, as in the spec and the reference server), enforces
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
// fan-out. Every Conn has a bounded send queue (Options.SendQueue); a
// connection whose queue overflows is closed with "transport error" and
// ErrQueueFull, its OnClose run in a goroutine of its own (never the
// sender's), so that a slow client can never stall a broadcast. What the
// kernel holds for a WebSocket is bounded too (Options.SendBuffer, 128 kB
// by default, where Linux would grow it to 4 MB): copying megabytes into
// the buffers of clients that stopped reading stalled the others. A
// polling GET carries everything queued in one response.
//
// # Closing
//
// Close and Server.Close are graceful: what is queued is written first. Over
// polling the close packet then goes in a response of its own, as the
// reference server sends it (the official client handles a close packet
// before the messages decoded with it, and would drop them); at shutdown a
// session with no GET in flight is discarded, as by the reference. Over
// WebSocket the queue is written, then a close frame. A close during an
// upgrade is always signalled: before the probe is answered, the pending
// GET gets the close packet and the probe a 1001 close frame; once it is
// answered the client is pausing polling for the WebSocket, so the pending
// GET ends with noop, the upgrade completes and the queue and the close go
// out on the WebSocket (on polling after all if the probe is lost). Other
// closes (errors, timeouts, the client's own close) drop what is queued.
// Over polling, a malformed POST payload is answered "200 ok" and closes
// the session with "parse error", and a body over MaxPayload is answered
// 413 with the session kept, both as in the reference (engine.io 6.6.0 to
// 6.6.12; 6.6.13 also closes the session after a 413).
//
// # Volatile messages
//
// SendVolatile and SendBulkVolatile send a message that may be lost rather
// than wait (positions, typing indicators; Socket.IO's volatile flag is
// built on them): it is queued only if the transport is writable at that
// moment and dropped otherwise, silently, without closing anything.
// Writable is the reference server's notion: over polling, a GET is
// parked with nothing queued (the message answers it at once); over
// WebSocket, nothing is queued or being written for the connection (a
// client that has not taken what it was sent is skipped). Nothing is
// writable during an upgrade's probe or after close. SendVolatile decides
// at the call, after every SendBulk message sent to the connection before
// it, and reports whether the message was queued; several messages given
// together (a binary packet's frames) are all queued or all dropped.
// SendBulkVolatile, for broadcasts, costs its caller an append like
// SendBulk and decides when a pool writer puts the message on the queue,
// after the messages sent before it: a volatile broadcast right behind
// another message to the same client is dropped, as in the reference.
//
// # Text is UTF-8
//
// Text messages are checked at the boundary, so that text handed to
// OnMessage is always valid UTF-8 and may be relayed to other clients as it
// is (an official client fails its WebSocket on an invalid text frame, so
// one bad sender could otherwise disconnect everyone it is broadcast to). A
// WebSocket text message that is not UTF-8 (checked once its fragments are
// joined) fails the sender's connection with close code 1007 (RFC 6455
// §8.1), OnClose getting "transport error" and ErrInvalidUTF8. A polling
// body that is not UTF-8 is a malformed payload and refused whole, none of
// its packets delivered: answered "200 ok" as the reference answers any
// payload it cannot decode, the session closed with "parse error" and
// ErrInvalidUTF8. (The reference decodes such a body with U+FFFD
// replacement characters instead; refusing it keeps both transports
// alike.) What the application sends is not checked: text given to Send
// must be UTF-8, as encoding/json's output is.
//
// # Resources
//
// An idle WebSocket session costs no goroutine and about 1.7 kB of heap
// (see BenchmarkIdleWebSocket). github.com/gobwas/ws answers the opening
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
// A session keeps its handshake request in a compact form: the strings
// net/http read (request line, host, address) and the headers encoded in
// one string, not the header map and a copy of the request, which were
// more than half of an idle session's heap. Conn.Request rebuilds a copy
// from it at each call (so each caller gets its own, safe to keep and to
// modify, and nothing is kept for sessions nobody asks about); RemoteAddr
// gives the address without that cost. The handshake's method is GET,
// always: a handshake of any other method is refused.
//
// # Wire format
//
// The codec is exported (Packet, DecodePacket, AppendPacket, DecodePayload,
// AppendPayload) for tests and tools that speak the protocol.
package engineio
