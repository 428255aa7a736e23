package main

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/livedesk/livedesk/internal/auth"
	"github.com/livedesk/livedesk/internal/config"
	"github.com/livedesk/livedesk/internal/realtime"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store"
)

// newHub builds the real-time layer on the services, with recovery
// sessions kept in the database so clients resume across restarts.
func newHub(cfg config.Config, db *store.DB, svc *service.Services, tokens *auth.Tokens, logger *slog.Logger) *realtime.Hub {
	opts := realtime.Options{
		ReplayLimit:    cfg.ReplayLimit,
		MaxConnsPerIP:  cfg.MaxConnsPerIP,
		AllowedOrigins: cfg.AllowedOrigins,
		// Long enough to ride out a restart or a laptop lid closed for lunch;
		// the gap is replayed from the event log, bounded by ReplayLimit.
		RecoveryDuration: 10 * time.Minute,
	}
	return realtime.New(realtime.Deps{
		Users:      svc.Users,
		Deliveries: svc.Deliveries,
		Payments:   svc.Payments,
		Events:     svc.Events,
		Stats:      svc.Stats,
		Tokens:     tokens,
		Sessions:   realtime.NewDurableSessions(db, opts.RecoveryDuration),
		Logger:     logger,
		Options:    opts,
	})
}

// serveAsyncAPI serves the AsyncAPI document of the real-time API.
func serveAsyncAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(realtime.AsyncAPI())
}
