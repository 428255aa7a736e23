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
	Tokens     TokenVerifier
	// Sessions keeps the recovery sessions of disconnected sockets in the
	// database, so clients resume across restarts and instances (default:
	// in memory, for tests).
	Sessions *DurableSessions
	Logger   *slog.Logger
	Options  Options
}

// Options tune the hub; zero values take the defaults.
type Options struct {
	ReplayLimit      int           // most events replayed before RESYNC_REQUIRED (default 5000)
	StatsInterval    time.Duration // at most one stats:updated per audience per interval (default 300ms)
	PollInterval     time.Duration // how often the log is read without a wake-up (default 1s)
	MaxConnsPerIP    int           // sockets per client address, 0 = unlimited
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

// Hub is the real-time layer of one Livedesk instance.
type Hub struct {
	deps  Deps
	opts  Options
	log   *slog.Logger
	io    *socketio.Server
	ns    *socketio.Namespace
	wake  chan struct{}
	stats *statsPublisher
	ips   *ipCounter
	// sessions, when durable, records explicit disconnects (nil otherwise:
	// the memory store never resumes what it did not save).
	sessions *DurableSessions

	// mu serialises publishing so that cursor is the seq of the last event
	// handed to the adapter: a replay that reads the log up to cursor and
	// the live broadcasts after it never overlap or leave a gap.
	mu     sync.Mutex
	cursor int64

	shuttingDown atomic.Bool
	localCommit  atomic.Bool // a commit on this instance the others have not been told of
	counters     counters
	rate         rateMeter // events published per second, for Ops
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
		ips:      newIPCounter(deps.Options.MaxConnsPerIP),
	}
	h.io = socketio.NewServer(socketio.Options{
		Engine: engineio.Options{
			PingInterval: h.opts.PingInterval,
			PingTimeout:  h.opts.PingTimeout,
			CORS:         engineio.CORS{AllowedOrigins: h.opts.AllowedOrigins, AllowCredentials: true},
			Logger:       deps.Logger,
			SendQueue:    sendQueue(deps.Options.ReplayLimit),
			Hooks:        h.engineHooks(),
		},
		ConnectTimeout: 10 * time.Second,
		Adapter:        h.opts.Adapter,
		Recovery: &socketio.RecoveryOptions{
			MaxDisconnectionDuration: h.opts.RecoveryDuration,
			Store:                    store,
			CompareOffsets:           compareOffsets,
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
	return h
}

// Handler serves Socket.IO; mount it at /socket.io/.
func (h *Hub) Handler() http.Handler { return h.io }

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
	seq, err := h.deps.Events.LastSeq(domain.WithActor(ctx, domain.SystemActor()))
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
	rooms := []string{roomAdmins}
	vendor := Audience(ev)
	if vendor != 0 {
		rooms = append(rooms, roomVendor(vendor))
	}
	h.mu.Lock()
	if ev.Seq <= h.cursor {
		h.mu.Unlock()
		return
	}
	for _, m := range msgs {
		// Local: every node tails the log itself and serves its own sockets.
		if err := h.ns.Local().To(rooms...).WithOffset(m.Offset()).Emit(ctx, m.Name, m.Payload); err != nil {
			h.log.Warn("realtime: broadcast failed", "event", m.Name, "seq", m.Seq, "err", err)
		}
		h.counters.sent.Add(1)
	}
	h.cursor = ev.Seq
	h.mu.Unlock()
	h.counters.published.Add(1)
	h.rate.add(h.opts.Now())

	h.stats.changed(vendor)
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
