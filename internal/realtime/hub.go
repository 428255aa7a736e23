// Package realtime connects the business core to the Socket.IO engine: it
// tails the durable event log and broadcasts every committed change to the
// sockets allowed to see it, answers the clients' commands through the same
// services as the REST API, and replays what a reconnecting client missed.
package realtime

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/livedesk/livedesk/engineio"
	"github.com/livedesk/livedesk/internal/auth"
	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/socketio"
)

// TokenVerifier checks access tokens; *auth.Tokens is one.
type TokenVerifier interface {
	Verify(token string) (*auth.Claims, error)
}

// Deps are what the hub needs. Services are used with the connected user as
// the actor, so every command is authorised exactly as over REST.
type Deps struct {
	Users      domain.UserService
	Deliveries domain.DeliveryService
	Payments   domain.PaymentService
	Events     domain.EventService
	Stats      domain.StatsService
	Alerts     domain.AlertService // alert:ack (nil: refused as UNAVAILABLE)
	Rounds     domain.RoundService // deliveries:status
	// StaffEvents chooses the staff members an event concerns (nil: staff
	// receive no business events).
	StaffEvents domain.StaffEventService
	Tokens      TokenVerifier
	// AuthSessions refuses tokens whose login session has ended
	// (domain.SessionService).
	AuthSessions auth.SessionChecker
	// Sessions keeps the recovery sessions of disconnected sockets in the
	// database, so clients resume across restarts and instances (default:
	// in memory, for tests).
	Sessions *DurableSessions
	// Security records refused tokens and sockets (nil: not recorded).
	Security domain.SecurityService
	Logger   *slog.Logger
	Options  Options
}

// Options tune the hub; zero values take the defaults.
type Options struct {
	ReplayLimit      int           // most events replayed before RESYNC_REQUIRED (default 5000)
	StatsInterval    time.Duration // at most one stats:updated per audience per interval (default 300ms)
	PollInterval     time.Duration // how often the log is read without a wake-up (default 1s)
	MaxConnsPerIP    int           // Engine.IO sessions (logged in or not) per client address, 0 = unlimited
	HandshakesPerIP  float64       // new sessions per second per client address, 0 = unlimited
	ReadTimeout      time.Duration // longest a polling request may take to arrive (default 15s)
	WriteTimeout     time.Duration // longest a polling answer may take to be written, after the long-poll's wait (default 30s)
	AllowedOrigins   []string      // cross-origin browsers allowed to connect; empty = same origin only
	RecoveryDuration time.Duration // how long a disconnected client may resume (default 10 minutes)
	CommandRate      float64       // commands per second per socket (default 20, burst 2x)
	PingInterval     time.Duration // Engine.IO heartbeat (default 25s)
	PingTimeout      time.Duration // (default 20s)
	// Adapter connects the instances of a cluster (default: in memory, one
	// instance). Events still come from each instance's own read of the
	// shared log; the adapter carries presence, fetches and commit wake-ups.
	Adapter socketio.AdapterFactory
	Now     func() time.Time
	// EngineHooks and SocketHooks, when set, are told of the engine's
	// sessions and sockets (metrics; see engineio.Hooks, socketio.Hooks).
	EngineHooks *engineio.Hooks
	SocketHooks *socketio.Hooks
}

func (o *Options) setDefaults() {
	if o.ReplayLimit <= 0 {
		o.ReplayLimit = 5000
	}
	if o.StatsInterval <= 0 {
		o.StatsInterval = 300 * time.Millisecond
	}
	if o.PollInterval <= 0 {
		o.PollInterval = time.Second
	}
	if o.RecoveryDuration <= 0 {
		o.RecoveryDuration = 10 * time.Minute
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = 15 * time.Second
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 30 * time.Second
	}
	if o.CommandRate <= 0 {
		o.CommandRate = 20
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Rooms. Every socket joins its user's room and its audience's room.
const roomAdmins = "admins"

func roomVendor(id int64) string { return "vendor:" + strconv.FormatInt(id, 10) }
func roomUser(id int64) string   { return "user:" + strconv.FormatInt(id, 10) }

// roomSession holds the sockets of one login session, so that ending the
// session reaches them on every instance.
func roomSession(id string) string { return "session:" + id }

// Hub is the real-time layer of one Livedesk instance.
type Hub struct {
	deps  Deps
	opts  Options
	log   *slog.Logger
	io    *socketio.Server
	ns    *socketio.Namespace
	wake  chan struct{}
	stats *statsPublisher
	// presenceRun broadcasts presence:updated, coalesced (presence.go).
	presenceRun *coalescer
	// initial shares the figures sent to new sockets among those of an
	// audience connecting at the same moment.
	initial initialStats
	limits  *addrLimits
	// sessions, when durable, records explicit disconnects (nil otherwise:
	// the memory store never resumes what it did not save).
	sessions *DurableSessions

	// mu serialises publishing so that cursor is the seq of the last event
	// handed to the adapter: a replay that reads the log up to cursor and
	// the live broadcasts after it never overlap or leave a gap.
	mu     sync.Mutex
	cursor int64
	epoch  atomic.Pointer[string] // the event log's epoch, in every offset (set by Start)

	shuttingDown atomic.Bool
	localCommit  atomic.Bool // a commit on this instance the others have not been told of
	// staffOnline counts the staff sockets of this instance (from their
	// handshake); without any, live events are not matched against rounds.
	staffOnline atomic.Int64
	counters    counters
	tail        *logTail  // the end of the log, for replays
	rate        rateMeter // events published per second, for Ops
}

// New returns a hub; call Start before serving its Handler.
func New(deps Deps) *Hub {
	deps.Options.setDefaults()
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	var store socketio.SessionStore = socketio.NewMemorySessionStore(deps.Options.RecoveryDuration)
	if deps.Sessions != nil {
		store = deps.Sessions
	}
	h := &Hub{
		sessions: deps.Sessions,
		deps:     deps,
		opts:     deps.Options,
		log:      deps.Logger,
		wake:     make(chan struct{}, 1),
		limits:   newAddrLimits(deps.Options.MaxConnsPerIP, deps.Options.HandshakesPerIP, deps.Options.Now),
		// As many events as one replay may send: a storm of recoveries
		// from anywhere in the replayable range reads the log once.
		tail: newLogTail(deps.Options.ReplayLimit),
	}
	cors := engineio.CORS{AllowedOrigins: h.opts.AllowedOrigins, AllowCredentials: true}
	h.io = socketio.NewServer(socketio.Options{
		Engine: engineio.Options{
			PingInterval: h.opts.PingInterval,
			PingTimeout:  h.opts.PingTimeout,
			CORS:         cors,
			CheckOrigin:  h.checkOrigin(&cors),
			Logger:       deps.Logger,
			SendQueue:    sendQueue(deps.Options.ReplayLimit),
			Hooks:        h.engineHooks(),
		},
		ConnectTimeout: 10 * time.Second,
		Adapter:        h.opts.Adapter,
		Recovery: &socketio.RecoveryOptions{
			MaxDisconnectionDuration: h.opts.RecoveryDuration,
			Store:                    store,
			CompareOffsets:           h.compareOffsets,
		},
		Logger: deps.Logger,
		Hooks:  h.opts.SocketHooks,
	})
	h.ns = h.io.Of("/")
	h.ns.Use(h.authenticate)
	h.ns.OnRecover(h.replay)
	h.ns.OnConnection(h.onConnection)
	h.ns.OnServerSideEmit(func(_ context.Context, event string, _ socketio.Args) {
		if event == commitEvent {
			h.Notify(0) // another instance committed: read the shared log now
		}
	})
	h.stats = newStatsPublisher(h)
	h.presenceRun = newCoalescer(presenceInterval, func() { h.broadcastPresence(context.Background()) })
	return h
}

// Handler serves Socket.IO; mount it at /socket.io/. Its requests go
// through the per-address limits and get the transports' deadlines.
func (h *Hub) Handler() http.Handler { return http.HandlerFunc(h.serveHTTP) }

// commitEvent is the server-side event that tells the other instances of a
// cluster to read the log now rather than at their next poll.
const commitEvent = "livedesk:commit"

// Notify wakes the hub after a local commit; it never blocks (it is the
// services' OnCommit).
func (h *Hub) Notify(seq int64) {
	if seq > 0 {
		h.localCommit.Store(true)
	}
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// Start positions the hub at the end of the event log and runs it until
// ctx is done. Events committed before Start reach clients only by replay.
func (h *Hub) Start(ctx context.Context) error {
	sys := domain.WithActor(ctx, domain.SystemActor())
	epoch, err := h.deps.Events.Epoch(sys)
	if err != nil {
		return err
	}
	h.epoch.Store(&epoch)
	seq, err := h.deps.Events.LastSeq(sys)
	if err != nil {
		return err
	}
	h.mu.Lock()
	h.cursor = seq
	h.mu.Unlock()
	go h.run(ctx)
	return nil
}

func (h *Hub) run(ctx context.Context) {
	ctx = domain.WithActor(ctx, domain.SystemActor())
	tick := time.NewTicker(h.opts.PollInterval)
	defer tick.Stop()
	defer h.stats.stop()
	defer h.presenceRun.stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-h.wake:
		case <-tick.C:
		}
		if h.localCommit.Swap(false) {
			if err := h.ns.ServerSideEmit(ctx, commitEvent); err != nil {
				h.log.Warn("realtime: cannot wake the other instances; they will poll", "err", err)
			}
		}
		h.drain(ctx)
	}
}

// drain publishes every committed event after the cursor, in seq order.
func (h *Hub) drain(ctx context.Context) {
	const page = 500
	for ctx.Err() == nil {
		h.mu.Lock()
		after := h.cursor
		h.mu.Unlock()
		evs, err := h.deps.Events.EventsAfter(ctx, after, page)
		if err != nil {
			if ctx.Err() == nil {
				h.log.Warn("realtime: failed to read the event log; retrying", "after", after, "err", err)
			}
			return
		}
		for _, ev := range evs {
			h.publish(ctx, ev)
		}
		if len(evs) < page {
			return
		}
	}
}

// publish broadcasts one event to its audience and advances the cursor.
func (h *Hub) publish(ctx context.Context, ev *domain.Event) {
	msgs, err := Messages(ev)
	if err != nil {
		h.log.Error("realtime: cannot turn an event into messages; skipping it", "seq", ev.Seq, "err", err)
	}
	// One broadcast per audience room, each encoded once for all its
	// sockets. The rooms are disjoint (a socket joins the admins' room or
	// its own vendor's, by role: audienceRooms), so no socket is in two
	// of them, and a broadcast to both at once would only cost a set of
	// every recipient to find duplicates (8,000 entries per message in
	// the application benchmark).
	rooms := []string{roomAdmins}
	vendor := Audience(ev)
	if vendor != 0 {
		rooms = append(rooms, roomVendor(vendor))
	}
	staff := h.staffMessages(ctx, ev, msgs) // a read, before the lock
	h.mu.Lock()
	if ev.Seq <= h.cursor {
		h.mu.Unlock()
		return
	}
	// The event's messages as one batch: each socket is handed all of
	// them at once, so that they leave in one write (an entity's event
	// and activity:updated: one write per socket, not two).
	batch := make([]socketio.BatchEvent, len(msgs))
	for i, m := range msgs {
		batch[i] = socketio.BatchEvent{Name: m.Name, Args: []any{m.Payload}, Offset: FormatOffset(h.logEpoch(), m.Seq, m.Part)}
	}
	for _, room := range rooms {
		// Local: every node tails the log itself and serves its own sockets.
		if err := h.ns.Local().To(room).EmitBatch(ctx, batch...); err != nil {
			h.log.Warn("realtime: broadcast failed", "seq", ev.Seq, "room", room, "err", err)
		}
	}
	h.counters.sent.Add(int64(len(msgs)))
	for _, sm := range staff {
		// Each staff member apart: a deliveries:generated lists only its ids.
		m := sm.msg
		if err := h.ns.Local().To(roomUser(sm.userID)).WithOffset(FormatOffset(h.logEpoch(), m.Seq, m.Part)).Emit(ctx, m.Name, m.Payload); err != nil {
			h.log.Warn("realtime: broadcast to staff failed", "event", m.Name, "seq", m.Seq, "err", err)
		}
		h.counters.sent.Add(1)
	}
	h.cursor = ev.Seq
	h.tail.add(ev)
	h.mu.Unlock()
	h.counters.published.Add(1)
	h.rate.add(h.opts.Now())

	h.stats.changed(vendor)
	if other := figuresVendor(ev); other != 0 && other != vendor {
		h.stats.changed(other)
	}
	if ev.Entity == domain.EntityUser {
		h.revokeIfNeeded(ctx, ev)
	}
}

// Shutdown tells every client the server is going away and closes the
// transports (not a DISCONNECT packet: the clients must reconnect by
// themselves and recover what they missed).
func (h *Hub) Shutdown(ctx context.Context) error {
	h.shuttingDown.Store(true)
	h.drain(domain.WithActor(ctx, domain.SystemActor()))
	// Local: only this instance is going away; clients of the others stay.
	_ = h.ns.Local().Emit(ctx, EventError, ErrorPayload{Code: CodeServerShuttingDown, Message: "the server is restarting; reconnecting"})
	// Give the transports a moment to flush the error before they close.
	select {
	case <-time.After(100 * time.Millisecond):
	case <-ctx.Done():
	}
	return h.io.Close(ctx)
}
