package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/livedesk/livedesk/internal/config"

	"github.com/livedesk/livedesk/internal/postgres"
	"github.com/livedesk/livedesk/internal/sqlite"
	"github.com/livedesk/livedesk/internal/store"
)

// openDB opens (and migrates) the database named by --db: sqlite:PATH or
// postgres://...
func openDB(ctx context.Context, dsn string) (*store.DB, error) {
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		path = strings.TrimPrefix(path, "//") // accept sqlite://PATH too
		return sqlite.Open(ctx, path)
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return postgres.Open(ctx, dsn)
	}
	return nil, fmt.Errorf("--db %q: want sqlite:PATH or postgres://USER@HOST/DB", dsn)
}

// redactDSN hides a password in a database URL, for messages and logs.
func redactDSN(dsn string) string {
	scheme, rest, ok := strings.Cut(dsn, "://")
	if !ok {
		return dsn
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return dsn
	}
	user, _, hasPw := strings.Cut(rest[:at], ":")
	if !hasPw {
		return dsn
	}
	return scheme + "://" + user + ":xxxxx" + rest[at:]
}

// reportsDirOf is where report files go: --reports-dir, else a
// livedesk-reports directory beside a SQLite database (its state lives
// there), else in the temporary directory.
func reportsDirOf(cfg config.Config) string {
	if cfg.ReportsDir != "" {
		return cfg.ReportsDir
	}
	if path, ok := strings.CutPrefix(cfg.DB, "sqlite:"); ok {
		path = strings.TrimPrefix(path, "//")
		return filepath.Join(filepath.Dir(path), "livedesk-reports")
	}
	return filepath.Join(os.TempDir(), "livedesk-reports")
}
