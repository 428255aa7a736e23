package engineio

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Transport names, as sent in the "transport" query parameter.
const (
	TransportPolling   = "polling"
	TransportWebSocket = "websocket"
)

// DefaultSendBuffer is Options.SendBuffer's default: 128 kB, which the
// kernel doubles for its bookkeeping. A dashboard's messages are a few
// hundred bytes to a few kB, so it holds hundreds of them; what is
// bounded is a stalled client's cost. With the kernel's own tuning, 50
// clients that stopped reading took 2 MB of kernel memory each within
// half a second of 16 kB messages, and the copying and slab allocation
// stalled the other clients' writes by up to 25 ms (bench: slow
// consumers).
const DefaultSendBuffer = 128 << 10

// Options configures a Server. The zero value of each field selects the
// default documented on it.
type Options struct {
	PingInterval    time.Duration // default 25s
	PingTimeout     time.Duration // default 20s
	UpgradeTimeout  time.Duration // default 10s
	MaxPayload      int64         // default 1_000_000 bytes
	Transports      []string      // default {"polling","websocket"}
	DisableUpgrades bool
	CORS            CORS
	// CheckOrigin vets the Origin of WebSocket handshakes; nil accepts
	// requests without Origin, same-host origins and the CORS allow-list.
	CheckOrigin func(r *http.Request) bool
	// SendQueue is the most packets queued per connection (default 1024).
	// Overflow closes the connection with "transport error".
	SendQueue int
	// SendBuffer is the kernel's send buffer of a WebSocket connection
	// (SO_SNDBUF), in bytes: what a client that stops reading gets from
	// the kernel before its packets wait in SendQueue. Default
	// DefaultSendBuffer; negative leaves it to the kernel, whose tuning
	// grows it up to tcp_wmem's maximum (4 MB on Linux) per connection.
	SendBuffer int
	// AllowRequest may refuse a handshake (403, code 4) by returning an error.
	AllowRequest func(r *http.Request) error
	// OnConnection is called once per new session, before any message of
	// that session is delivered.
	OnConnection func(c *Conn)
	Logger       *slog.Logger // nil discards
	// Hooks, when set, are told of sessions opening, upgrading and closing
	// (see Hooks); for metrics.
	Hooks *Hooks
}

func (o *Options) setDefaults() {
	if o.PingInterval <= 0 {
		o.PingInterval = 25 * time.Second
	}
	if o.PingTimeout <= 0 {
		o.PingTimeout = 20 * time.Second
	}
	if o.UpgradeTimeout <= 0 {
		o.UpgradeTimeout = 10 * time.Second
	}
	if o.MaxPayload <= 0 {
		o.MaxPayload = 1_000_000
	}
	if len(o.Transports) == 0 {
		o.Transports = []string{TransportPolling, TransportWebSocket}
	}
	if o.SendQueue <= 0 {
		o.SendQueue = 1024
	}
	if o.SendBuffer == 0 {
		o.SendBuffer = DefaultSendBuffer
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.CheckOrigin == nil {
		o.CheckOrigin = o.CORS.sameOrigin
	}
}

// Server is an Engine.IO server. It is an http.Handler; mount it on the
// protocol path, e.g. mux.Handle("/engine.io/", srv).
type Server struct {
	opts      Options
	log       *slog.Logger
	polling   bool
	websocket bool

	// mu guards conns and closed; polling requests only read.
	mu     sync.RWMutex
	conns  map[string]*Conn
	closed bool

	count atomic.Int64
	// writers write WebSocket queues (see writerPool).
	writers writerPool
	// live counts sessions not yet finished (removed from conns and, for
	// WebSocket, their handler returned), for Close to wait on.
	live sync.WaitGroup
}

// NewServer returns a Server with opts, defaults filled in.
func NewServer(opts Options) *Server {
	opts.setDefaults()
	return &Server{
		opts:      opts,
		log:       opts.Logger,
		polling:   slices.Contains(opts.Transports, TransportPolling),
		websocket: slices.Contains(opts.Transports, TransportWebSocket),
		conns:     make(map[string]*Conn),
	}
}

// Count returns the number of open sessions.
func (s *Server) Count() int { return int(s.count.Load()) }

// Close refuses new handshakes and closes every session with reason
// "server shutting down", flushing what is queued. It waits until every
// session has finished or ctx is done.
func (s *Server) Close(ctx context.Context) error {
	applyBulk()
	s.mu.Lock()
	s.closed = true
	conns := make([]*Conn, 0, len(s.conns))
	for _, c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.close(ReasonServerShutdown, nil, true)
		c.abandon()
	}
	done := make(chan struct{})
	go func() {
		s.live.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		for _, c := range conns {
			c.kill()
		}
		return ctx.Err()
	}
}

// ServeHTTP routes an Engine.IO request: a handshake, a polling GET or
// POST, or a WebSocket (new session or upgrade).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.opts.CORS.apply(w, r) {
		return
	}
	q := r.URL.Query()
	transport := q.Get("transport")
	if !(transport == TransportPolling && s.polling) && !(transport == TransportWebSocket && s.websocket) {
		s.refuse(w, r, CodeUnknownTransport)
		return
	}
	if !validHeaderValue(r.Header.Get("Origin")) {
		s.refuse(w, r, CodeBadRequest)
		return
	}
	if q.Get("EIO") != "4" {
		s.refuse(w, r, CodeUnsupportedVersion)
		return
	}
	isWS := transport == TransportWebSocket
	if isWS && !isUpgradeRequest(r) {
		s.refuse(w, r, CodeBadRequest)
		return
	}
	if sid := q.Get("sid"); sid != "" {
		s.serveSession(w, r, sid, isWS)
		return
	}
	if r.Method != http.MethodGet {
		s.refuse(w, r, CodeBadHandshakeMethod)
		return
	}
	if isWS && !s.opts.CheckOrigin(r) {
		s.refuse(w, r, CodeForbidden)
		return
	}
	if s.opts.AllowRequest != nil {
		if err := s.opts.AllowRequest(r); err != nil {
			s.log.Debug("engineio: handshake refused", "remote", r.RemoteAddr, "err", err)
			s.refuse(w, r, CodeForbidden)
			return
		}
	}
	s.mu.RLock()
	closed := s.closed
	s.mu.RUnlock()
	if closed {
		writeError(w, http.StatusServiceUnavailable, CodeBadRequest)
		return
	}
	if isWS {
		s.serveWebSocket(w, r, nil)
		return
	}
	s.handshakePolling(w, r)
}

func (s *Server) serveSession(w http.ResponseWriter, r *http.Request, sid string, isWS bool) {
	s.mu.RLock()
	c := s.conns[sid]
	s.mu.RUnlock()
	if c == nil {
		s.refuse(w, r, CodeUnknownSID)
		return
	}
	if isWS {
		if !s.opts.CheckOrigin(r) {
			s.refuse(w, r, CodeForbidden)
			return
		}
		s.serveWebSocket(w, r, c)
		return
	}
	switch r.Method {
	case http.MethodGet:
		c.servePoll(w, r)
	case http.MethodPost:
		c.serveData(w, r)
	default:
		s.refuse(w, r, CodeBadRequest)
	}
}

func (s *Server) refuse(w http.ResponseWriter, r *http.Request, code ErrorCode) {
	s.log.Debug("engineio: request refused", "code", int(code), "method", r.Method, "path", r.URL.Path, "remote", r.RemoteAddr)
	writeError(w, statusFor(code), code)
}

func isUpgradeRequest(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// newConn creates and registers a session whose current transport is
// transport, and queues its open packet.
func (s *Server) newConn(r *http.Request, transport string) (*Conn, bool) {
	c := newConn(s, newSessionID(), r, transport)
	var upgrades []string
	if transport == TransportPolling && s.websocket && !s.opts.DisableUpgrades {
		upgrades = []string{TransportWebSocket}
	} else {
		upgrades = []string{}
	}
	open, _ := json.Marshal(handshake{
		SID:          c.id,
		Upgrades:     upgrades,
		PingInterval: s.opts.PingInterval.Milliseconds(),
		PingTimeout:  s.opts.PingTimeout.Milliseconds(),
		MaxPayload:   s.opts.MaxPayload,
	})
	c.queue = append(c.queue, Packet{Type: PacketOpen, Data: open})

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, false
	}
	s.conns[c.id] = c
	s.live.Add(1)
	s.mu.Unlock()
	s.count.Add(1)
	s.opts.Hooks.open(transport)
	s.opts.Hooks.sessionOpen(c)
	s.log.Debug("engineio: session opened", "sid", LogID(c.id), "transport", transport, "remote", r.RemoteAddr)
	return c, true
}

// unregister forgets c, so that its sid is unknown from now on.
func (s *Server) unregister(c *Conn) {
	s.mu.Lock()
	if s.conns[c.id] == c {
		delete(s.conns, c.id)
	}
	s.mu.Unlock()
}

type handshake struct {
	SID          string   `json:"sid"`
	Upgrades     []string `json:"upgrades"`
	PingInterval int64    `json:"pingInterval"`
	PingTimeout  int64    `json:"pingTimeout"`
	MaxPayload   int64    `json:"maxPayload"`
}

// newSessionID returns 20 URL-safe characters from 120 random bits: enough
// that a session cannot be guessed and hijacked.
func newSessionID() string {
	var b [15]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
