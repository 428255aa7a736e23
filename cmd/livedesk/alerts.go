package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/livedesk/livedesk/internal/realtime"
	"github.com/livedesk/livedesk/internal/service"
)

// alertInterval is how often the alert rules run without a commit to wake
// them (time-based conditions: a minimum duration passing, a day ending).
const alertInterval = 15 * time.Second

// alertGap is the least time between two evaluations: under a stream of
// commits the rules run about once a second (an idle evaluation is a few
// read transactions, ~5 ms on PostgreSQL), not after every commit.
const alertGap = time.Second

// runAlerts evaluates the alert rules after commits (wake, coalesced) and
// every alertInterval, until ctx ends. Every instance runs it: evaluation
// is serialised by the database and the partial unique index on alerts
// makes a double raise impossible. deps are the readiness checks, for
// dependency_down, and the hub's socket totals, for socket_errors (see
// alertInputs). Its own commits wake it once more, and that run changes
// nothing, so it settles.
func runAlerts(ctx context.Context, svc *service.Services, inputs func(context.Context) service.AlertInputs, wake <-chan struct{}, logger *slog.Logger) {
	t := time.NewTicker(alertInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-t.C:
		}
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		in := inputs(pctx)
		cancel()
		if err := svc.EvaluateAlertsWith(ctx, in); err != nil && ctx.Err() == nil {
			logger.Warn("alerts: evaluation failed", "err", err)
		}
		select { // commits meanwhile stay coalesced in wake
		case <-ctx.Done():
			return
		case <-time.After(alertGap):
		}
	}
}

// alertInputs gathers what this instance knows for the rules: its
// readiness checks and its hub's socket totals (read through a function,
// so that the service does not depend on the real-time package).
func alertInputs(instance string, deps func(context.Context) []service.DependencyStatus, counters func() realtime.Counters) func(context.Context) service.AlertInputs {
	return func(ctx context.Context) service.AlertInputs {
		c := counters()
		return service.AlertInputs{Deps: deps(ctx), Sockets: &service.SocketStats{Instance: instance, SlowDropped: c.SlowDropped, Errors: c.SocketErrors}}
	}
}
