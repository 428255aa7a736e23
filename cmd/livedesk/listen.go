package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/livedesk/livedesk/internal/clientip"
	"github.com/livedesk/livedesk/internal/config"
	"github.com/livedesk/livedesk/internal/connlimit"
)

// deadlines bounds how long a plain request may take to arrive
// (--read-timeout) and to be answered (--write-timeout); see
// connlimit.SetDeadlines. The real-time transports set their own.
//
// The handler's context ends at three quarters of the write timeout: work
// still waiting then (a write queued behind a locked database) gives up and
// the request is answered 503 UNAVAILABLE in the last quarter, instead of
// the write deadline cutting the connection with no answer at all.
func deadlines(cfg config.Config, next http.Handler) http.Handler {
	budget := cfg.WriteTimeout * 3 / 4
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		connlimit.SetDeadlines(w, r, cfg.ReadTimeout, cfg.WriteTimeout)
		ctx, cancel := context.WithTimeout(r.Context(), budget)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// listen opens the public listener, with at most --max-http-conns-per-ip
// connections per peer address; the trusted proxies are exempt (each
// carries many clients; the shipped nginx config limits them instead).
func listen(cfg config.Config, proxies *clientip.Proxies, logger *slog.Logger) (net.Listener, error) {
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("failed to listen on %s: %w", cfg.Addr, err)
	}
	return connlimit.Wrap(ln, cfg.MaxHTTPConnsPerIP, proxies.Trusted, func(addr string) {
		logger.Warn("connection refused: too many from one address", "remote", addr, "max", cfg.MaxHTTPConnsPerIP)
	}), nil
}

// serveMetrics serves /metrics on its own listener (--metrics-addr), so the
// figures are never on the public port; it returns a function that stops
// it. An empty address serves nothing.
func serveMetrics(cfg config.Config, h http.Handler, stdout io.Writer, logger *slog.Logger) (stop func(), err error) {
	if cfg.MetricsAddr == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", cfg.MetricsAddr)
	if err != nil {
		return nil, fmt.Errorf("failed to listen on --metrics-addr %s (another instance on this host needs its own, or \"\" to turn metrics off): %w", cfg.MetricsAddr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(stdout, "Livedesk metrics on http://%s/metrics\n", ln.Addr())
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("metrics listener stopped", "err", err)
		}
	}()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}
