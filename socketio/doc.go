// Package socketio is a Socket.IO v5 server over package engineio, for the
// official socket.io-client v4 and any other client of the v5 protocol.
//
// A Server multiplexes namespaces over each client connection. A client
// joins a namespace with a CONNECT packet: the namespace's middlewares see
// the handshake (auth object, headers, query, address) and may refuse it
// with a *ConnectError; otherwise a Socket is created and the OnConnection
// handlers register its event handlers:
//
//	srv := socketio.NewServer(socketio.Options{})
//	srv.Of("/").OnConnection(func(s *socketio.Socket) {
//		s.On("greet", func(ctx context.Context, args socketio.Args, ack socketio.AckFunc) {
//			var name string
//			if err := args.Decode(0, &name); err != nil || ack == nil {
//				return
//			}
//			_ = ack("hello " + name)
//		})
//	})
//	mux.Handle("/socket.io/", srv)
//
// The handlers of one socket run one at a time, in arrival order, on the
// socket's own goroutine, so they may block (on EmitWithAck, a database…)
// without stalling other sockets or the connection's acknowledgements.
// The connection's reader never waits for a handler: acknowledgements are
// answered at once, and a socket's events wait in its inbox, bounded by
// Options.MaxPendingEvents and MaxPendingBytes. A client that sends beyond
// the bound while its handlers are busy is disconnected from the namespace
// with ReasonInboxOverflow (it sees "io server disconnect").
//
// # Rooms and broadcasts
//
// Sockets join rooms (every socket is in the room named by its id);
// BroadcastOperator selects sockets with To, In and Except and emits to
// them. A broadcast is encoded once and the same bytes are queued on every
// Engine.IO connection, whose bounded queue drops a client that does not
// keep up rather than blocking the broadcaster. The room index is sharded.
// An Adapter carries broadcasts and the other room operations (joins,
// fetches, disconnections, server-side emits) to the sockets; the
// MemoryAdapter serves one node, and cluster adapters embed it.
//
// Several events that announce one change go out with EmitBatch: each
// socket is handed all of them, in order and each with its own recovery
// offset, before the next socket, so that its connection writes them at
// once (one write per client instead of one per event and client; on a
// single CPU, consecutive Emits let the writers send most clients the
// first event alone). It is an extension of ours; a client sees the same
// packets as from one Emit per event.
//
// A broadcast can ask every socket for an acknowledgement, as Node's
// io.timeout(ms).emit(ev, …, (err, responses) => …):
//
//	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
//	defer cancel()
//	answers, err := ns.To("drivers").EmitWithAck(ctx, "route:confirm", route)
//
// It returns once every selected socket, on every node, answered, or with
// the answers received so far and an error when ctx ends. Volatile events
// (BroadcastOperator.Volatile, Socket.EmitVolatile) may be lost, as Node's:
// one is dropped for a client whose transport is not writable at once (a
// polling client with no request waiting, a WebSocket with messages still
// queued, a connection in the middle of its upgrade), for positions or
// typing indicators that are stale a moment later.
//
// # Connection state recovery
//
// With Options.Recovery set, every socket gets a private session id (pid)
// in its CONNECT answer. The application tags the events it can replay with
// its own offsets, for instance the sequence numbers of a durable event
// log:
//
//	ns.To("admins").WithOffset(strconv.FormatInt(seq, 10)).Emit(ctx, "payment:added", payload)
//
// The offset travels as the event's last argument; the client remembers the
// last one. The official client takes the last string argument of any event
// for an offset, so under recovery an event sent without one that would end
// with a string (or has no arguments) gets a trailing null: the offset the
// client sends back is always the last real one it received. When a socket loses its connection (not when it disconnects on
// purpose), its session (id, rooms, data, last offset) goes to the
// SessionStore. When the client comes back with its pid and offset within
// RecoveryOptions.MaxDisconnectionDuration, the socket resumes with the same
// id, rooms and data, and the namespace's OnRecover hook emits the missed
// events with Socket.EmitWithOffset, before the CONNECT answer (the client
// emits them before "connect", as with the reference server). Live broadcasts that arrive during the
// replay are held back and then delivered, minus those at or before the
// last replayed offset. A SessionStore backed by a database lets clients
// resume across a server restart.
//
// # Memory
//
// An idle connection joined to a namespace costs about 2.4 kB of heap
// with a browser's headers, checked by TestIdleSocketMemory (about 3.4 kB
// of RSS at 10,000 clients). For that, a socket builds what it may never
// need only when asked: Socket.Handshake is built on its first call, from
// the auth object and the Engine.IO connection's compact handshake request
// (see engineio.Conn.Request), then kept and returned again; Socket.Auth
// and Socket.Address give those parts without building it, and Socket.Info
// (FetchSockets) uses a Handshake built for the occasion when the socket
// has none, without keeping it. A socket's rooms, event handlers and
// pending acknowledgements take memory only once it has some (its own
// room is a flag, and the room index keeps a one-socket room without a set
// of its own), and a connection keeps no timer once a namespace is joined.
package socketio
