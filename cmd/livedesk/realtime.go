package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/livedesk/livedesk/internal/auth"
	"github.com/livedesk/livedesk/internal/config"
	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/metrics"
	"github.com/livedesk/livedesk/internal/realtime"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/socketio"
	"github.com/livedesk/livedesk/socketio/redisadapter"
	"github.com/redis/go-redis/v9"
)

// newHub builds the real-time layer on the services, with recovery
// sessions kept in the database so clients resume across restarts (and on
// another instance). rdb, when not nil, connects the instances of a cluster.
func newHub(cfg config.Config, db *store.DB, svc *service.Services, tokens *auth.Tokens, logger *slog.Logger, rdb *redis.Client, mets *metrics.Metrics) *realtime.Hub {
	opts := realtime.Options{
		ReplayLimit:     cfg.ReplayLimit,
		MaxConnsPerIP:   cfg.MaxConnsPerIP,
		HandshakesPerIP: cfg.HandshakesPerIP,
		ReadTimeout:     cfg.ReadTimeout,
		WriteTimeout:    cfg.WriteTimeout,
		AllowedOrigins:  cfg.AllowedOrigins,
		// Long enough to ride out a restart or a laptop lid closed for lunch;
		// the gap is replayed from the event log, bounded by ReplayLimit.
		RecoveryDuration: 10 * time.Minute,
		EngineHooks:      mets.EngineHooks(),
		SocketHooks:      mets.SocketHooks(),
	}
	// scale-out (issue 7): the adapter reports instances that left, and the
	// hub, created below, refreshes what it derived from their sockets.
	var created atomic.Pointer[realtime.Hub]
	if rdb != nil {
		opts.Adapter = clusterAdapter(cfg, rdb, logger, func(string) {
			if h := created.Load(); h != nil {
				h.RefreshPresence()
			}
		})
	}
	hub := realtime.New(realtime.Deps{
		Users:      svc.Users,
		Deliveries: svc.Deliveries,
		Payments:   svc.Payments,
		Events:     svc.Events,
		Stats:      svc.Stats,
		Alerts:     svc.Alerts,
		Rounds:     svc.Rounds,
		Tokens:     tokens,
		// Staff are sent the events of their round.
		StaffEvents: svc.StaffEvents,
		// Logins are checked at every handshake and auth:refresh.
		AuthSessions: svc.Sessions,
		Security:     svc.Security,
		Sessions:     realtime.NewDurableSessions(db, opts.RecoveryDuration),
		Logger:       logger,
		Options:      opts,
	})
	created.Store(hub)
	return hub
}

// serveAsyncAPI serves the AsyncAPI document of the real-time API.
func serveAsyncAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(realtime.AsyncAPI())
}

// --- scale-out (issue 7): Redis connects the instances of a cluster ---

// openRedis connects to cfg.Redis, or returns nil when no Redis is
// configured (one instance). An unreachable Redis does not stop the
// instance: events come from the shared log anyway, the adapter reconnects
// by itself, and /readyz reports the problem meanwhile.
func openRedis(ctx context.Context, cfg config.Config, logger *slog.Logger) (*redis.Client, error) {
	if cfg.Redis == "" {
		return nil, nil
	}
	opts, err := redis.ParseURL(cfg.Redis)
	if err != nil {
		return nil, fmt.Errorf("failed to parse --redis: %w", err)
	}
	// Short timeouts: an instance must notice a lost Redis within seconds,
	// and no request may wait long on it.
	opts.DialTimeout, opts.ReadTimeout, opts.WriteTimeout = 2*time.Second, 2*time.Second, 2*time.Second
	opts.MaxRetries = 1
	opts.ClientName = cfg.InstanceID
	rdb := redis.NewClient(opts)
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		logger.Warn("redis unreachable; starting anyway (not ready until it answers)", "redis", redactDSN(cfg.Redis), "err", err)
	} else {
		logger.Info("redis connected", "redis", redactDSN(cfg.Redis))
	}
	return rdb, nil
}

// clusterAdapter is the Socket.IO adapter of an instance in a cluster. The
// channel key includes the Redis database number: pub/sub ignores database
// numbers, so two deployments sharing one Redis stay apart by using two.
func clusterAdapter(cfg config.Config, rdb *redis.Client, logger *slog.Logger, onNodeLeft func(uid string)) socketio.AdapterFactory {
	return redisadapter.New(rdb, redisadapter.Options{
		OnNodeLeft:        onNodeLeft,
		Key:               fmt.Sprintf("livedesk.%d", rdb.Options().DB),
		Name:              cfg.InstanceID,
		HeartbeatInterval: 2 * time.Second,
		HeartbeatTimeout:  6 * time.Second,
		RequestTimeout:    2 * time.Second,
		PublishTimeout:    time.Second,
		Logger:            logger,
	})
}

// readiness reports whether the database and, when configured, Redis
// answer (GET /readyz).
func readiness(db *store.DB, rdb *redis.Client) func(ctx context.Context) error {
	check := dependencyChecks(db, rdb)
	return func(ctx context.Context) error {
		for _, d := range check(ctx) {
			if d.Err != nil {
				return d.Err
			}
		}
		return nil
	}
}

// dependencyChecks returns the readiness checks behind /readyz one by one,
// for the dependency_down alert rule as well.
func dependencyChecks(db *store.DB, rdb *redis.Client) func(ctx context.Context) []service.DependencyStatus {
	return func(ctx context.Context) []service.DependencyStatus {
		out := []service.DependencyStatus{{ID: service.DependencyDatabase, Name: "The database", Err: db.Ping(ctx)}}
		if rdb != nil {
			var err error
			if rdb.Ping(ctx).Err() != nil {
				// The cause (an address, a dial error) is for the logs of
				// Redis's client, not for whoever probes /readyz.
				err = domain.Errorf(domain.CodeUnavailable, "redis unreachable")
			}
			out = append(out, service.DependencyStatus{ID: service.DependencyRedis, Name: "Redis", Err: err})
		}
		return out
	}
}
