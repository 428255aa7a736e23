package redisadapter

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/livedesk/livedesk/socketio"
	"github.com/redis/go-redis/v9"
)

// Errors of the cluster operations, for errors.Is.
var (
	// ErrUnavailable: Redis cannot be reached; the operation was applied to
	// this node's sockets only.
	ErrUnavailable = errors.New("redisadapter: redis unavailable")
	// ErrTimeout: some nodes did not answer within RequestTimeout.
	ErrTimeout = errors.New("redisadapter: timed out waiting for other nodes")
	// ErrClosed: the adapter was closed.
	ErrClosed = errors.New("redisadapter: adapter closed")
)

// Options configure the adapters of a server. The zero value is usable.
type Options struct {
	// Key prefixes the channel names (default "socket.io"). Servers that
	// must not see each other's messages on one Redis use different keys.
	Key string
	// Name is a readable prefix of this node's uid in logs (default none;
	// Livedesk passes its --instance-id). The uid itself is always unique.
	Name string
	// HeartbeatInterval is how often a node announces itself (default 5s);
	// HeartbeatTimeout, how long a silent node is still counted (default
	// 10s, at least twice the interval).
	HeartbeatInterval time.Duration
	HeartbeatTimeout  time.Duration
	// RequestTimeout bounds how long a request waits for the other nodes'
	// answers (default 5s).
	RequestTimeout time.Duration
	// PublishTimeout bounds each publish to Redis (default 2s), so that an
	// unresponsive Redis delays an operation, never blocks it.
	PublishTimeout time.Duration
	// OnNodeLeft, when set, is called (on its own goroutine) with the uid
	// of a node that closed its adapter, went silent for HeartbeatTimeout,
	// or did not answer a request: what this node knows of the cluster's
	// sockets just changed (presence lists, for instance, need a refresh).
	OnNodeLeft func(uid string)
	// Logger receives the adapter's diagnostics (default: discarded).
	Logger *slog.Logger
}

func (o *Options) setDefaults() {
	if o.Key == "" {
		o.Key = "socket.io"
	}
	if o.HeartbeatInterval <= 0 {
		o.HeartbeatInterval = 5 * time.Second
	}
	if o.HeartbeatTimeout < 2*o.HeartbeatInterval {
		o.HeartbeatTimeout = 2 * o.HeartbeatInterval
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = 5 * time.Second
	}
	if o.PublishTimeout <= 0 {
		o.PublishTimeout = 2 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
}

// New returns the adapter factory of a server: every namespace gets an
// Adapter on rdb. The caller keeps ownership of rdb and closes it after the
// server (whose Close closes the adapters).
func New(rdb redis.UniversalClient, opts Options) socketio.AdapterFactory {
	opts.setDefaults()
	return func(ns *socketio.Namespace) socketio.Adapter { return newAdapter(rdb, ns, opts) }
}

// Adapter is the Redis adapter of one namespace on one node.
type Adapter struct {
	// The embedded memory adapter indexes this node's sockets; its
	// AddAll, Del and DelAll are used as they are.
	*socketio.MemoryAdapter

	ns   *socketio.Namespace
	rdb  redis.UniversalClient
	opts Options
	log  *slog.Logger
	uid  string

	chBroadcast, chRequest string

	ctx    context.Context // ends with Close
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once

	// state is the subscription's health: stateUnknown until the first
	// subscription confirmation or error.
	state atomic.Int32

	psMu sync.Mutex
	ps   *redis.PubSub

	mu    sync.Mutex
	nodes map[string]time.Time // other nodes' uids → last heard from
	// closed holds the nodes that announced their close, with when, for
	// HeartbeatTimeout: a message of theirs still on its way must not
	// count them again.
	closed  map[string]time.Time
	pending map[string]*request
	// ackRequests are this node's broadcasts with acknowledgements still
	// waited for, by request id.
	ackRequests map[string]socketio.BroadcastAcks
}

const (
	stateUnknown int32 = iota
	stateUp
	stateDown
)

func newAdapter(rdb redis.UniversalClient, ns *socketio.Namespace, opts Options) *Adapter {
	uid := randomID()
	if opts.Name != "" {
		uid = opts.Name + "-" + uid
	}
	a := &Adapter{
		MemoryAdapter: socketio.NewMemoryAdapter(ns).(*socketio.MemoryAdapter),
		ns:            ns,
		rdb:           rdb,
		opts:          opts,
		uid:           uid,
		chBroadcast:   opts.Key + "#" + ns.Name() + "#",
		chRequest:     opts.Key + "-request#" + ns.Name() + "#",
		nodes:         map[string]time.Time{},
		closed:        map[string]time.Time{},
		pending:       map[string]*request{},
		ackRequests:   map[string]socketio.BroadcastAcks{},
	}
	a.log = opts.Logger.With("adapter", "redis", "nsp", ns.Name(), "uid", uid)
	a.ctx, a.cancel = context.WithCancel(context.Background())
	// The receive loop subscribes, so that a Redis that does not answer
	// never delays the creation of a namespace.
	a.ps = rdb.Subscribe(a.ctx)
	a.wg.Add(2)
	go a.receive()
	go a.heartbeat()
	return a
}

// UID returns this node's unique id in the cluster.
func (a *Adapter) UID() string { return a.uid }

// Connected reports whether the adapter's subscription is live.
func (a *Adapter) Connected() bool { return a.state.Load() == stateUp }

// Nodes returns the uids of the other nodes currently known, sorted.
func (a *Adapter) Nodes() []string { return a.knownNodes() }

func (a *Adapter) responseChannel(uid string) string {
	return a.opts.Key + "-response#" + a.ns.Name() + "#" + uid + "#"
}

// Broadcast delivers p to this node's selected sockets, then to the other
// nodes' unless opts.Flags.Local is set. Local delivery happens whatever
// Redis does; the error reports the cross-node part.
func (a *Adapter) Broadcast(ctx context.Context, p *socketio.Packet, opts socketio.BroadcastOptions) error {
	if err := a.MemoryAdapter.Broadcast(ctx, p, opts); err != nil {
		return err
	}
	if opts.Flags.Local {
		return nil
	}
	return a.publish(ctx, a.chBroadcast, typeBroadcast, &payload{Opts: &opts, Packet: toWire(p)})
}

// AddSockets makes the selected sockets of every node join rooms, and
// returns once every known node has done so (or RequestTimeout passed).
func (a *Adapter) AddSockets(ctx context.Context, opts socketio.BroadcastOptions, rooms []string) error {
	_ = a.MemoryAdapter.AddSockets(ctx, opts, rooms)
	if opts.Flags.Local {
		return nil
	}
	_, err := a.request(ctx, typeSocketsJoin, &payload{Opts: &opts, Rooms: rooms})
	return err
}

// DelSockets makes the selected sockets of every node leave rooms.
func (a *Adapter) DelSockets(ctx context.Context, opts socketio.BroadcastOptions, rooms []string) error {
	_ = a.MemoryAdapter.DelSockets(ctx, opts, rooms)
	if opts.Flags.Local {
		return nil
	}
	_, err := a.request(ctx, typeSocketsLeave, &payload{Opts: &opts, Rooms: rooms})
	return err
}

// DisconnectSockets disconnects the selected sockets of every node, and
// returns once every known node has done so (or RequestTimeout passed).
func (a *Adapter) DisconnectSockets(ctx context.Context, opts socketio.BroadcastOptions, close bool) error {
	_ = a.MemoryAdapter.DisconnectSockets(ctx, opts, close)
	if opts.Flags.Local {
		return nil
	}
	_, err := a.request(ctx, typeDisconnectSockets, &payload{Opts: &opts, Close: close})
	return err
}

// FetchSockets describes the selected sockets of every node. On a timeout
// it returns what it gathered with an error wrapping ErrTimeout.
func (a *Adapter) FetchSockets(ctx context.Context, opts socketio.BroadcastOptions) ([]socketio.SocketInfo, error) {
	local, _ := a.MemoryAdapter.FetchSockets(ctx, opts)
	if opts.Flags.Local {
		return local, nil
	}
	remote, err := a.request(ctx, typeFetchSockets, &payload{Opts: &opts})
	return append(local, remote...), err
}

// ServerSideEmit hands p to the server-side handlers of every other node.
// It does not wait for them.
func (a *Adapter) ServerSideEmit(ctx context.Context, p *socketio.Packet) error {
	return a.publish(ctx, a.chRequest, typeServerSideEmit, &payload{Packet: toWire(p)})
}

// Close tells the other nodes this one is leaving and stops the
// subscription. It does not close the Redis client.
func (a *Adapter) Close() error {
	a.once.Do(func() {
		up := a.state.Load() != stateDown
		// Stop the heartbeats and answers first, so that the close is
		// this node's last message: one published after it would make
		// the others count the node again until its heartbeat expired.
		a.cancel()
		a.psMu.Lock()
		_ = a.ps.Close() // unblocks the receive loop
		a.psMu.Unlock()
		a.wg.Wait()
		if up {
			ctx, cancel := context.WithTimeout(context.Background(), a.opts.PublishTimeout)
			if err := a.publish(ctx, a.chRequest, typeAdapterClose, nil); err != nil {
				a.log.Debug("redisadapter: could not announce the close", "err", err)
			}
			cancel()
		}
	})
	return nil
}

// publish sends one message to channel within PublishTimeout.
func (a *Adapter) publish(ctx context.Context, channel string, typ messageType, d *payload) error {
	if a.ctx.Err() != nil && typ != typeAdapterClose {
		return ErrClosed
	}
	if a.state.Load() == stateDown {
		// The subscription is reconnecting: Redis was unreachable a moment
		// ago, and a publish would most likely wait for a dial timeout.
		return fmt.Errorf("failed to publish %s: %w", typ, ErrUnavailable)
	}
	b, err := json.Marshal(&message{UID: a.uid, Nsp: a.ns.Name(), Type: typ, Data: d})
	if err != nil {
		return fmt.Errorf("failed to encode %s: %w", typ, err)
	}
	ctx, cancel := context.WithTimeout(ctx, a.opts.PublishTimeout)
	defer cancel()
	if err := a.rdb.Publish(ctx, channel, b).Err(); err != nil {
		return fmt.Errorf("failed to publish %s: %w: %w", typ, ErrUnavailable, err)
	}
	return nil
}

func randomID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Key returns the prefix of the adapter's channels.
func (a *Adapter) Key() string { return a.opts.Key }
