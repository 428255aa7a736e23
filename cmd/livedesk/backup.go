package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/livedesk/livedesk/internal/config"
	"github.com/livedesk/livedesk/internal/store"
)

// pgDumpHelp is what `livedesk backup` says for a PostgreSQL database.
const pgDumpHelp = `livedesk backup copies SQLite databases. For PostgreSQL, use pg_dump, which takes a
consistent snapshot while the instances keep running:

  pg_dump --format=custom --file=livedesk-$(date +%%Y%%m%%d-%%H%%M).dump '%s'

and restore it, with every instance stopped, into an empty database or over the old one:

  pg_restore --clean --if-exists --no-owner --dbname='%s' livedesk-YYYYMMDD-HHMM.dump

The restored tables are new, so the next start gives the event log a new epoch and every
dashboard reloads its data. After a point-in-time recovery or a failover to a replica that
may have lagged, run "livedesk epoch new --db ..." before starting. See docs/operations.md.`

// backup runs `livedesk backup --db sqlite:PATH --out FILE`: a consistent
// copy of a live SQLite database, taken with VACUUM INTO in one read
// transaction, so it holds exactly the commits made before it started
// (copying the file under WAL can miss the latest ones).
func backup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg := config.Default()
	fs, err := config.FlagSet("backup", &cfg, getenv, stderr, "db")
	if err != nil {
		return err
	}
	var out string
	fs.StringVar(&out, "out", "", "file to write the copy to (must not exist)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	if !strings.HasPrefix(cfg.DB, "sqlite:") {
		dsn := redactDSN(cfg.DB)
		fmt.Fprintf(stdout, pgDumpHelp+"\n", dsn, dsn)
		return errors.New("no backup taken: use pg_dump for PostgreSQL (see above)")
	}
	if out == "" {
		return errors.New("--out FILE is required: where to write the copy")
	}
	src := strings.TrimPrefix(strings.TrimPrefix(cfg.DB, "sqlite:"), "//")
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("--db: %w", err)
	}
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("--out %s already exists; choose a new file", out)
	}
	if abs, err := filepath.Abs(out); err == nil {
		out = abs
	}
	start := time.Now()
	if err := vacuumInto(ctx, src, out); err != nil {
		_ = os.Remove(out)
		return err
	}
	epoch, seq, payments, err := stampBackup(ctx, out)
	if err != nil {
		_ = os.Remove(out)
		return err
	}
	info, _ := os.Stat(out)
	size := int64(0)
	if info != nil {
		size = info.Size()
	}
	fmt.Fprintf(stdout, "Backed up %s to %s in %s: %d bytes, %d payments, event log up to seq %d.\n",
		src, out, time.Since(start).Round(time.Millisecond), size, payments, seq)
	fmt.Fprintf(stdout, "The copy starts event-log epoch %s: dashboards reload their data when it is restored.\n", epoch)
	fmt.Fprintln(stdout, "It holds the token signing key (unless LIVEDESK_JWT_SECRET is set) and password hashes: keep it as safe as the database.")
	return nil
}

// vacuumInto writes a consistent copy of the database at src to out,
// through a read-only connection (nothing is migrated or written in src).
func vacuumInto(ctx context.Context, src, out string) error {
	params := url.Values{}
	params.Add("mode", "ro")
	params.Add("_pragma", "busy_timeout(10000)")
	db, err := sql.Open("sqlite", "file:"+src+"?"+params.Encode())
	if err != nil {
		return fmt.Errorf("failed to open %s: %w", src, err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE name = 'schema_migrations'`).Scan(&n); err != nil {
		return fmt.Errorf("failed to read %s: %w", src, err)
	}
	if n == 0 {
		return fmt.Errorf("%s is not a Livedesk database", src)
	}
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, out); err != nil {
		return fmt.Errorf("failed to copy %s: %w", src, err)
	}
	return nil
}

// stampBackup checks the copy and gives it an event-log epoch of its own,
// so that restoring it makes every cursor of the live database resync.
func stampBackup(ctx context.Context, path string) (epoch string, seq, payments int64, err error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return "", 0, 0, fmt.Errorf("failed to open the copy: %w", err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		return "", 0, 0, fmt.Errorf("the copy fails its integrity check (%q): %v", check, err)
	}
	if epoch, err = store.NewEpochID(); err != nil {
		return "", 0, 0, err
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		store.SettingEventEpoch, epoch, time.Now().UnixMicro()); err != nil {
		return "", 0, 0, fmt.Errorf("failed to stamp the copy: %w", err)
	}
	if err := db.QueryRowContext(ctx, `SELECT seq FROM event_counter WHERE id = 1`).Scan(&seq); err != nil {
		return "", 0, 0, fmt.Errorf("failed to read the copy: %w", err)
	}
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM payments`).Scan(&payments); err != nil {
		return "", 0, 0, fmt.Errorf("failed to read the copy: %w", err)
	}
	return epoch, seq, payments, nil
}

// epochCmd runs `livedesk epoch new`: after a restore Livedesk cannot see.
func epochCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "new" {
		return errors.New("usage: livedesk epoch new [--db ...]   start a new event-log epoch (after a restore; see docs/operations.md)")
	}
	cfg := config.Default()
	fs, err := config.FlagSet("epoch new", &cfg, getenv, stderr, "db")
	if err != nil {
		return err
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	epoch, err := db.NewEventEpoch(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "The event log is in epoch %s now: every dashboard reloads its data when it reconnects.\n", epoch)
	return nil
}
