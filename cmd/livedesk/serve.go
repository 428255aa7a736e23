package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/livedesk/livedesk/internal/auth"
	"github.com/livedesk/livedesk/internal/clientip"
	"github.com/livedesk/livedesk/internal/config"
	"github.com/livedesk/livedesk/internal/httpapi"
	"github.com/livedesk/livedesk/internal/metrics"
	"github.com/livedesk/livedesk/internal/push"
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
		"shutdown-grace", "max-conns-per-ip", "replay-limit", "log-format", "log-level", "timezone",
		"trusted-proxies", "metrics-addr", "read-timeout", "write-timeout", "max-http-conns-per-ip", "handshakes-per-ip",
		"reports-dir", "report-retention",
		"push-allow-hosts", "push-contact")
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
	proxies, err := clientip.ParseProxies(cfg.TrustedProxies)
	if err != nil {
		return err
	}

	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	// Metrics see every transaction, session and request from the start.
	mets := metrics.New()
	db.Observe(mets.ObserveTx)
	logger.Info("database open", "db", redactDSN(cfg.DB), "dialect", db.Dialect().Name)
	fallback := "UTC"
	if cfg.Demo {
		// Checked before anything is stored in a database that is not
		// the demo's, its time zone included.
		if err := checkDemoDB(ctx, service.New(db, service.Options{})); err != nil {
			return err
		}
		fallback = demoTimeZone
	}
	loc, err := businessZone(ctx, db, cfg.DB, cfg.TimeZone, fallback)
	if err != nil {
		return err
	}
	logger.Info("business time zone", "timezone", loc.String())

	// The hub is created after the services it uses; until then, commits
	// have no one to wake (it reads the log from its start position anyway).
	var hub *realtime.Hub
	var pusher *push.Sender
	alertWake := make(chan struct{}, 1)
	reportWake := make(chan struct{}, 1)
	reportsDir := reportsDirOf(cfg)
	guard := push.NewGuard(cfg.PushAllowHosts)
	svc := service.New(db, service.Options{
		PushEndpointCheck: guard.CheckEndpoint,
		OnCommit: func(seq int64) {
			if hub != nil {
				hub.Notify(seq)
			}
			if pusher != nil {
				pusher.Notify()
			}
			select { // the alert rules run after commits, coalesced
			case alertWake <- struct{}{}:
			default:
			}
			select { // so does the report runner (a report queued)
			case reportWake <- struct{}{}:
			default:
			}
		},
		ReportsDir:      reportsDir,
		ReportRetention: cfg.ReportRetention,
	})

	keys, err := auth.SigningKeys(ctx, cfg.JWTSecret, db)
	if err != nil {
		return err
	}
	tokens, err := auth.NewTokensWithKeys(keys, cfg.TokenTTL, nil)
	if err != nil {
		return err
	}
	logger.Info("token keys", "signing_kid", keys[0].ID, "verifying", len(keys))

	rdb, err := openRedis(ctx, cfg, logger) // scale-out: nil without --redis
	if err != nil {
		return err
	}
	if rdb != nil {
		defer rdb.Close()
	}
	// The alert rules stop when serve returns, before the database closes.
	alertCtx, stopAlerts := context.WithCancel(ctx)
	defer stopAlerts()
	hub = newHub(cfg, db, svc, tokens, logger, rdb, mets)
	go runAlerts(alertCtx, svc, alertInputs(cfg.InstanceID, dependencyChecks(db, rdb), hub.Counters), alertWake, logger)
	// Web Push: notifications from the log, sent apart from every request;
	// stops when serve returns, before the database closes.
	pusher = push.New(svc.Push, guard, logger, push.Options{Subject: cfg.PushContact})
	pushCtx, stopPush := context.WithCancel(ctx)
	pushDone := pusher.Start(pushCtx)
	defer func() { stopPush(); <-pushDone }()
	mets.Hub(hub.Counters)
	mets.Push(pusher.Counters)

	api := httpapi.NewServer(httpapi.Deps{
		Users:      svc.Users,
		Customers:  svc.Customers,
		Deliveries: svc.Deliveries,
		Payments:   svc.Payments,
		Events:     svc.Events,
		Stats:      svc.Stats,
		Sessions:   svc.Sessions,
		Reversals:  svc.Reversals,
		Alerts:     svc.Alerts,
		Push:       svc.Push,
		Settings:   svc.Settings,
		Security:   svc.Security,
		Tokens:     tokens,

		Products:      svc.Products,
		Areas:         svc.Areas,
		Subscriptions: svc.Subscriptions,
		Rounds:        svc.Rounds,
		Statements:    svc.Statements,
		Reports:       svc.Reports,

		Logger: logger,
		Ready:  readiness(db, rdb), // database, and Redis when configured
		Ops:    func(ctx context.Context) any { return hub.Ops(ctx) },
		// A logout or a reused refresh token disconnects the session's
		// sockets on every instance.
		OnSessionEnded: func(id string) { go hub.EndSession(id) },
		Options:        httpapi.Options{AllowedOrigins: cfg.AllowedOrigins, Observe: mets.ObserveRequest},
	})

	// Every route but the real-time transports gets the REST deadlines;
	// those set their own (see realtime.Hub.Handler).
	mux := http.NewServeMux()
	mux.Handle("/api/", deadlines(cfg, api))
	mux.Handle("/healthz", deadlines(cfg, api))
	mux.Handle("/readyz", deadlines(cfg, api))
	mux.Handle("/socket.io/", hub.Handler())
	mux.Handle("GET /api/asyncapi.json", deadlines(cfg, http.HandlerFunc(serveAsyncAPI)))
	// Metrics live on --metrics-addr only; here they are a plain 404, not
	// the dashboard's page.
	mux.Handle("/metrics", deadlines(cfg, http.NotFoundHandler()))
	mux.Handle("/metrics/", deadlines(cfg, http.NotFoundHandler()))
	mux.Handle("/", deadlines(cfg, web.Handler()))

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

	// The day's deliveries from the subscriptions: now (catching up a day
	// missed while no instance ran) and at each business day's start. Every
	// instance runs it; the database creates each delivery once.
	genCtx, stopGen := context.WithCancel(ctx)
	genDone := make(chan struct{})
	go func() {
		defer close(genDone)
		svc.RunDailyGeneration(genCtx, logger)
	}()
	defer func() { stopGen(); <-genDone }()

	// Report jobs (issue 18): this instance's runner. On shutdown the job
	// it runs goes back to queued before the database closes.
	logger.Info("reports", "dir", reportsDir, "retention", cfg.ReportRetention)
	repCtx, stopReports := context.WithCancel(ctx)
	repDone := make(chan struct{})
	go func() {
		defer close(repDone)
		svc.RunReports(repCtx, service.ReportRunnerOptions{Instance: cfg.InstanceID, Wake: reportWake, Logger: logger})
	}()
	defer func() { stopReports(); <-repDone }()

	stopMetrics, err := serveMetrics(cfg, mets.Handler(), stdout, logger)
	if err != nil {
		return err
	}
	defer stopMetrics()
	ln, err := listen(cfg, proxies, logger)
	if err != nil {
		return err
	}
	srv := &http.Server{
		// The client address (behind a trusted proxy, the one it reports)
		// is resolved once, before anything logs or limits by it.
		Handler:           proxies.Handler(mux),
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
