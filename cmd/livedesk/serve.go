package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/livedesk/livedesk/internal/auth"
	"github.com/livedesk/livedesk/internal/config"
	"github.com/livedesk/livedesk/internal/httpapi"
	"github.com/livedesk/livedesk/internal/metrics"
	"github.com/livedesk/livedesk/internal/realtime"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/web"
)

// serve runs the HTTP server until ctx is cancelled, then shuts down
// gracefully within the configured grace period.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg := config.Default()
	fs, err := config.FlagSet("serve", &cfg, getenv, stderr,
		"addr", "db", "demo", "redis", "instance-id", "allowed-origins", "token-ttl",
		"shutdown-grace", "max-conns-per-ip", "replay-limit", "log-format", "log-level")
	if err != nil {
		return err
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	logger := newLogger(cfg, stderr)

	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	// Metrics see every transaction, session and request from the start.
	mets := metrics.New()
	db.Observe(mets.ObserveTx)
	logger.Info("database open", "db", redactDSN(cfg.DB), "dialect", db.Dialect().Name)

	// The hub is created after the services it uses; until then, commits
	// have no one to wake (it reads the log from its start position anyway).
	var hub *realtime.Hub
	svc := service.New(db, service.Options{
		OnCommit: func(seq int64) {
			if hub != nil {
				hub.Notify(seq)
			}
		},
	})

	secret, err := auth.Secret(ctx, cfg.JWTSecret, db)
	if err != nil {
		return err
	}
	tokens := auth.NewTokens(secret, cfg.TokenTTL, nil)

	rdb, err := openRedis(ctx, cfg, logger) // scale-out: nil without --redis
	if err != nil {
		return err
	}
	if rdb != nil {
		defer rdb.Close()
	}
	hub = newHub(cfg, db, svc, tokens, logger, rdb, mets)
	mets.Hub(hub.Counters)

	api := httpapi.NewServer(httpapi.Deps{
		Users:      svc.Users,
		Customers:  svc.Customers,
		Deliveries: svc.Deliveries,
		Payments:   svc.Payments,
		Events:     svc.Events,
		Stats:      svc.Stats,
		Tokens:     tokens,
		Logger:     logger,
		Ready:      readiness(db, rdb), // database, and Redis when configured
		Ops:        func(ctx context.Context) any { return hub.Ops(ctx) },
		Options:    httpapi.Options{AllowedOrigins: cfg.AllowedOrigins, Observe: mets.ObserveRequest},
	})

	mux := http.NewServeMux()
	mux.Handle("/api/", api)
	mux.Handle("/healthz", api)
	mux.Handle("/readyz", api)
	mux.Handle("/socket.io/", hub.Handler())
	mux.Handle("GET /metrics", mets.Handler())
	mux.HandleFunc("GET /api/asyncapi.json", serveAsyncAPI)
	mux.Handle("/", web.Handler())

	stopDemo, err := startDemo(ctx, cfg, svc, stdout, logger)
	if err != nil {
		return err
	}
	defer stopDemo()

	// The hub starts at the end of the log as it is now, after any demo
	// seeding (thousands of backdated events no client is there to see);
	// nobody can connect before the listener opens below.
	if err := hub.Start(ctx); err != nil {
		return fmt.Errorf("failed to start the real-time hub: %w", err)
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("failed to listen on %s: %w", cfg.Addr, err)
	}
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(stdout, "Livedesk listening on http://%s\n", ln.Addr())
	logger.Info("listening", "addr", ln.Addr().String(), "ui", web.Built())

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down", "grace", cfg.ShutdownGrace)
	// Stop producing demo activity before the server stops taking requests.
	stopDemo()
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace)
	defer cancel()
	// Tell socket clients first and close their transports (hijacked
	// WebSockets and parked long-polls would otherwise hold Shutdown until
	// the grace period ends); they reconnect elsewhere or after the restart
	// and recover what they missed from the event log.
	if err := hub.Shutdown(sctx); err != nil {
		logger.Warn("real-time shutdown incomplete", "err", err)
	}
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("failed to shut down: %w", err)
	}
	return nil
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(strings.ToUpper(cfg.LogLevel)))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts)).With("instance", cfg.InstanceID)
	}
	return slog.New(slog.NewTextHandler(w, opts)).With("instance", cfg.InstanceID)
}
