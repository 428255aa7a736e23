package main

import (
	"context"
	"io"
	"log/slog"

	"github.com/livedesk/livedesk/internal/config"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store"
)

// startDemo seeds an empty database with the demo business and runs the
// simulator until the returned stop is called (safe to call twice). It does
// nothing without --demo.
func startDemo(ctx context.Context, cfg config.Config, db *store.DB, svc *service.Services, stdout io.Writer, logger *slog.Logger) (stop func(), err error) {
	return func() {}, nil
}

// seed fills an empty database with the demo business.
func seed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return nil
}
