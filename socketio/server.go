package socketio

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/livedesk/livedesk/engineio"
)

// Options configure a Server. The zero value is usable.
type Options struct {
	// Engine configures the Engine.IO server below; its OnConnection is
	// set by NewServer.
	Engine engineio.Options
	// ConnectTimeout closes a connection that joined no namespace in time
	// (default 45 s).
	ConnectTimeout time.Duration
	// Adapter creates the adapter of each namespace (default
	// NewMemoryAdapter).
	Adapter AdapterFactory
	// Recovery enables connection state recovery when not nil.
	Recovery *RecoveryOptions
	// MaxAttachments and MaxAttachmentBytes bound what a binary packet may
	// announce and carry (defaults 10000 and 16 MiB).
	MaxAttachments     int
	MaxAttachmentBytes int
	// MaxPendingEvents and MaxPendingBytes bound the events of one socket
	// waiting for its handlers (defaults 1024 events and 16 MiB). The
	// connection's reader never waits for a busy handler; a client that
	// sends beyond either bound is disconnected from the namespace with
	// ReasonInboxOverflow.
	MaxPendingEvents int
	MaxPendingBytes  int
	// Logger receives the server's diagnostics (default: discarded).
	Logger *slog.Logger
	// Hooks, when set, are told of sockets connecting and leaving and of
	// events received, sent and broadcast (see Hooks); for metrics.
	Hooks *Hooks
}

func (o *Options) setDefaults() {
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = 45 * time.Second
	}
	if o.Adapter == nil {
		o.Adapter = NewMemoryAdapter
	}
	if o.MaxPendingEvents <= 0 {
		o.MaxPendingEvents = 1024
	}
	if o.MaxPendingBytes <= 0 {
		o.MaxPendingBytes = 16 << 20
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if r := o.Recovery; r != nil {
		rc := *r
		if rc.MaxDisconnectionDuration <= 0 {
			rc.MaxDisconnectionDuration = 2 * time.Minute
		}
		if rc.Store == nil {
			rc.Store = NewMemorySessionStore(rc.MaxDisconnectionDuration)
		}
		if rc.CompareOffsets == nil {
			rc.CompareOffsets = CompareOffsets
		}
		if rc.MaxHeldBack <= 0 {
			rc.MaxHeldBack = 10000
		}
		o.Recovery = &rc
	}
}

// dynamicNamespace accepts namespaces created on demand.
type dynamicNamespace struct {
	match func(name string, h *Handshake) bool
	setup func(ns *Namespace)
}

// Server is a Socket.IO v5 server: namespaces over client connections.
// It is an http.Handler; mount it on the protocol path:
//
//	mux.Handle("/socket.io/", srv)
type Server struct {
	opts    Options
	logger  *slog.Logger
	engine  engine
	handler http.Handler

	dynMu      sync.Mutex
	mu         sync.RWMutex
	namespaces map[string]*Namespace
	dynamic    []dynamicNamespace
	clients    map[*client]struct{}
	closed     bool
	// closing collects the sessions of the sockets Close disconnects, when
	// the store saves in batches (nil otherwise).
	closing []Session
}

// engine is the Engine.IO server below, if any.
type engine interface {
	Close(ctx context.Context) error
}

// NewServer returns a Socket.IO server over a new Engine.IO server
// configured by opts.Engine.
func NewServer(opts Options) *Server {
	srv := newServer(opts)
	eopts := opts.Engine
	if eopts.Logger == nil {
		eopts.Logger = srv.logger
	}
	eopts.OnConnection = func(c *engineio.Conn) { srv.accept(c) }
	eio := engineio.NewServer(eopts)
	srv.engine, srv.handler = eio, eio
	return srv
}

// ServeHTTP serves the Engine.IO transports.
func (srv *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	srv.handler.ServeHTTP(w, r)
}

func newServer(opts Options) *Server {
	opts.setDefaults()
	srv := &Server{
		opts:       opts,
		logger:     opts.Logger,
		namespaces: make(map[string]*Namespace),
		clients:    make(map[*client]struct{}),
	}
	srv.Of("/")
	return srv
}

// Of returns the namespace name, creating it if needed. Names start with a
// slash; one is added when missing.
func (srv *Server) Of(name string) *Namespace {
	if !strings.HasPrefix(name, "/") {
		name = "/" + name
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	ns := srv.namespaces[name]
	if ns == nil {
		ns = newNamespace(srv, name)
		srv.namespaces[name] = ns
	}
	return ns
}

// OfMatch accepts namespaces created on demand: when a client connects to
// a namespace that does not exist and match returns true, the namespace is
// created and setup is called once, before any socket joins it, to install
// its middlewares and handlers.
func (srv *Server) OfMatch(match func(name string, h *Handshake) bool, setup func(ns *Namespace)) {
	srv.mu.Lock()
	srv.dynamic = append(srv.dynamic, dynamicNamespace{match: match, setup: setup})
	srv.mu.Unlock()
}

// namespace finds or creates the namespace a client asks for, or returns
// nil when it is refused. The handshake is built only for a dynamic
// namespace's match.
func (srv *Server) namespace(name string, h func() *Handshake) *Namespace {
	srv.mu.RLock()
	ns, dyn := srv.namespaces[name], srv.dynamic
	srv.mu.RUnlock()
	if ns != nil {
		return ns
	}
	for _, d := range dyn {
		if !d.match(name, h()) {
			continue
		}
		// dynMu makes creation and setup happen once per name, and before
		// any socket joins, while setup may still call Of.
		srv.dynMu.Lock()
		defer srv.dynMu.Unlock()
		srv.mu.RLock()
		ns = srv.namespaces[name]
		srv.mu.RUnlock()
		if ns != nil {
			return ns
		}
		ns = newNamespace(srv, name)
		if d.setup != nil {
			d.setup(ns)
		}
		srv.mu.Lock()
		srv.namespaces[name] = ns
		srv.mu.Unlock()
		return ns
	}
	return nil
}

func (srv *Server) addClient(cl *client) {
	srv.mu.Lock()
	closed := srv.closed
	if !closed {
		srv.clients[cl] = struct{}{}
	}
	srv.mu.Unlock()
	if closed {
		cl.fail(ReasonServerShuttingDown)
	}
}

func (srv *Server) removeClient(cl *client) {
	srv.mu.Lock()
	delete(srv.clients, cl)
	srv.mu.Unlock()
}

// Close disconnects every socket with the reason "server shutting down"
// (their sessions are kept for recovery), closes the Engine.IO server and
// the adapters.
//
// With a SessionBatchStore, the sessions are saved together, in batches of
// SessionBatchSize, within ctx: thousands of sockets cost a few
// transactions rather than one each.
func (srv *Server) Close(ctx context.Context) error {
	batch, _ := srv.sessionStore().(SessionBatchStore)
	srv.mu.Lock()
	srv.closed = true
	if batch != nil {
		srv.closing = []Session{}
	}
	clients := make([]*client, 0, len(srv.clients))
	for cl := range srv.clients {
		clients = append(clients, cl)
	}
	nss := make([]*Namespace, 0, len(srv.namespaces))
	for _, ns := range srv.namespaces {
		nss = append(nss, ns)
	}
	srv.mu.Unlock()
	for _, cl := range clients {
		cl.closeAll(ReasonServerShuttingDown)
	}
	if batch != nil {
		srv.mu.Lock()
		sessions := srv.closing
		srv.closing = nil // later leavers are saved one by one
		srv.mu.Unlock()
		srv.saveSessions(ctx, batch, sessions)
	}
	var err error
	if srv.engine != nil {
		err = srv.engine.Close(ctx)
	} else {
		for _, cl := range clients {
			cl.conn.Close()
		}
	}
	for _, ns := range nss {
		if cerr := ns.adapter.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	return err
}
