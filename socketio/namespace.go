package socketio

import (
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"

	"github.com/livedesk/livedesk/engineio"
)

// Namespace is a communication channel multiplexed over the client
// connections; "/" is the main one.
type Namespace struct {
	srv     *Server
	name    string
	adapter Adapter

	mu           sync.RWMutex
	middlewares  []Middleware
	onConnection []func(s *Socket)
	replayer     Replayer
	onServerEmit []func(ctx context.Context, event string, args Args)

	shards [shardCount]socketShard

	ackIDs atomic.Uint64 // the ids of the acknowledgements asked of clients
}

// nextAckID returns a fresh acknowledgement id, unique in the namespace.
func (ns *Namespace) nextAckID() uint64 { return ns.ackIDs.Add(1) - 1 }

type socketShard struct {
	mu      sync.RWMutex
	sockets map[string]*Socket
}

func newNamespace(srv *Server, name string) *Namespace {
	ns := &Namespace{srv: srv, name: name}
	for i := range ns.shards {
		ns.shards[i].sockets = make(map[string]*Socket)
	}
	ns.adapter = srv.opts.Adapter(ns)
	return ns
}

// Name returns the namespace's name, such as "/" or "/admin".
func (ns *Namespace) Name() string { return ns.name }

// Adapter returns the namespace's adapter.
func (ns *Namespace) Adapter() Adapter { return ns.adapter }

// Use adds a middleware, run in order for every connecting socket.
func (ns *Namespace) Use(m Middleware) {
	ns.mu.Lock()
	ns.middlewares = append(ns.middlewares, m)
	ns.mu.Unlock()
}

// OnConnection registers fn, called for every socket that joins the
// namespace (recovered ones too, after their replay). fn runs on the
// socket's handler goroutine before its first event: register the socket's
// event handlers there.
func (ns *Namespace) OnConnection(fn func(s *Socket)) {
	ns.mu.Lock()
	ns.onConnection = append(ns.onConnection, fn)
	ns.mu.Unlock()
}

// OnRecover sets the replay hook of recovered sockets (see Replayer).
// Without one, a recovered socket gets its id, rooms and data back but no
// missed events.
func (ns *Namespace) OnRecover(r Replayer) {
	ns.mu.Lock()
	ns.replayer = r
	ns.mu.Unlock()
}

// OnServerSideEmit registers fn, called for the events other nodes send
// with ServerSideEmit.
func (ns *Namespace) OnServerSideEmit(fn func(ctx context.Context, event string, args Args)) {
	ns.mu.Lock()
	ns.onServerEmit = append(ns.onServerEmit, fn)
	ns.mu.Unlock()
}

// ServerSideEmit sends an event to the other nodes of the cluster (not to
// clients, nor to this node).
func (ns *Namespace) ServerSideEmit(ctx context.Context, event string, args ...any) error {
	p, err := newEventPacket(ns.name, event, args, "")
	if err != nil {
		return err
	}
	return ns.adapter.ServerSideEmit(ctx, p)
}

// DispatchServerSideEmit is called by cluster adapters with an EVENT packet
// that another node sent with ServerSideEmit.
func (ns *Namespace) DispatchServerSideEmit(ctx context.Context, p *Packet) error {
	name, err := eventName(p.Data)
	if err != nil {
		return err
	}
	args, err := splitArgs(p.Data, p.Attachments, 1)
	if err != nil {
		return err
	}
	ns.mu.RLock()
	fns := ns.onServerEmit
	ns.mu.RUnlock()
	for _, fn := range fns {
		fn(ctx, name, args)
	}
	return nil
}

// Socket returns the local socket with id.
func (ns *Namespace) Socket(id string) (*Socket, bool) {
	sh := &ns.shards[shardOf(id)]
	sh.mu.RLock()
	s, ok := sh.sockets[id]
	sh.mu.RUnlock()
	return s, ok
}

// Len reports the number of sockets connected to this namespace on this
// node.
func (ns *Namespace) Len() int {
	n := 0
	for i := range ns.shards {
		sh := &ns.shards[i]
		sh.mu.RLock()
		n += len(sh.sockets)
		sh.mu.RUnlock()
	}
	return n
}

func (ns *Namespace) appendSockets(list []*Socket, keep func(*Socket) bool) []*Socket {
	for i := range ns.shards {
		sh := &ns.shards[i]
		sh.mu.RLock()
		for _, s := range sh.sockets {
			if keep(s) {
				list = append(list, s)
			}
		}
		sh.mu.RUnlock()
	}
	return list
}

func (ns *Namespace) removeSocket(s *Socket) {
	id := s.ID()
	sh := &ns.shards[shardOf(id)]
	sh.mu.Lock()
	if sh.sockets[id] == s {
		delete(sh.sockets, id)
	}
	sh.mu.Unlock()
}

// run is the start of a socket, on its handler goroutine: middlewares,
// session recovery, the CONNECT answer, the replay and the connection
// handlers; then the queued events.
func (s *Socket) run() {
	ns := s.ns
	ns.mu.RLock()
	mws, onConn, replayer := ns.middlewares, ns.onConnection, ns.replayer
	ns.mu.RUnlock()

	// The session is restored first, so that middlewares see
	// Socket.Recovered and the restored data, as in the reference server.
	var (
		sess      Session
		offset    string
		recovered bool
	)
	if ns.srv.recoveryEnabled() {
		sess, offset, recovered = ns.srv.restoreSession(s.ctx, s)
	}
	if !recovered || !ns.srv.opts.Recovery.SkipMiddlewares {
		for _, m := range mws {
			if err := m(s.ctx, s); err != nil {
				s.client.sendPacket(&Packet{Type: PacketConnectError, Namespace: ns.name, Data: connectErrorPayload(err)})
				s.onClose(ReasonServerNamespaceDisconnect)
				if recovered {
					ns.srv.putBackSession(sess)
				}
				return
			}
		}
	}
	if !s.connect(recovered) {
		// The client left during the middlewares: keep its session for
		// its next attempt.
		if recovered {
			ns.srv.putBackSession(sess)
		}
		return
	}
	s.client.connectedOne()

	if recovered && replayer != nil {
		// The missed events go out before the CONNECT answer, as with the
		// reference server: the client emits them before "connect", so
		// that application code sees them first.
		if err := s.replay(replayer, offset); err != nil {
			ns.srv.logger.Warn("socketio: replay failed, closing the connection", "sid", engineio.LogID(s.ID()), "err", err)
			// A reason that saves no session: the retry starts afresh.
			s.client.fail(ReasonServerNamespaceDisconnect)
		}
	}
	if recovered {
		s.finishRecovery() // the CONNECT answer, then the held-back events
	}

	for _, fn := range onConn {
		s.safely(func() { fn(s) })
	}
	s.work()
}

// notifyDisconnect calls the OnDisconnect handlers of a socket that was
// connected.
func (s *Socket) notifyDisconnect() {
	s.mu.Lock()
	fns, reason := s.onDisconnect, s.reason
	s.mu.Unlock()
	for _, fn := range fns {
		s.safely(func() { fn(reason) })
	}
}

func (s *Socket) replay(r Replayer, offset string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &ConnectError{Message: "replay panicked"}
		}
	}()
	return r(s.ctx, s, offset)
}

func (s *Socket) safely(fn func()) {
	defer func() {
		if r := recover(); r != nil {
			s.ns.srv.logger.Error("socketio: handler panicked", "namespace", s.ns.name, "panic", r)
		}
	}()
	fn()
}

// connect registers the socket in its namespace and answers the CONNECT
// packet; it reports false when the socket closed meanwhile. A recovered
// socket is answered by finishRecovery, after its replay: until then its
// live events are held back.
func (s *Socket) connect(recovered bool) bool {
	ns := s.ns
	// sendMu is taken before the socket becomes reachable, so that the
	// CONNECT answer goes out before any broadcast.
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	s.mu.Lock()
	if s.state != stateConnecting {
		s.mu.Unlock()
		return false
	}
	if !recovered && ns.srv.recoveryEnabled() {
		s.pid = newID()
	}
	s.state = stateConnected
	s.inOwnRoom = true
	rooms := s.appendRoomsLocked(make([]string, 0, s.roomCountLocked()))
	sh := &ns.shards[shardOf(s.id)]
	sh.mu.Lock()
	sh.sockets[s.id] = s
	sh.mu.Unlock()
	ns.adapter.AddAll(s, rooms)
	s.mu.Unlock()
	if !recovered {
		s.answerConnect(false)
	}
	return true
}

// answerConnect sends the CONNECT answer; sendMu must be held.
func (s *Socket) answerConnect(recovered bool) {
	s.mu.Lock()
	p := s.connectAnswerLocked()
	s.mu.Unlock()
	s.sendConnectAnswer(p, recovered)
}

// connectAnswerLocked returns the CONNECT answer; s.mu must be held.
func (s *Socket) connectAnswerLocked() *Packet {
	answer, _ := json.Marshal(struct {
		SID string `json:"sid"`
		PID string `json:"pid,omitempty"`
	}{s.id, s.pid})
	return &Packet{Type: PacketConnect, Namespace: s.ns.name, Data: answer}
}

func (s *Socket) sendConnectAnswer(p *Packet, recovered bool) {
	s.client.sendPacket(p)
	s.ns.srv.opts.Hooks.connect(s.ns.name, recovered)
}
