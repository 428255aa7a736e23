package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// migrationFiles holds one directory of numbered .sql files per dialect
// ("0001_init.sql", ...). A file is applied once, in its own transaction,
// and recorded in schema_migrations; files are never edited once released,
// a change is a new file.
//
//go:embed migrations
var migrationFiles embed.FS

// Migration is one versioned schema change.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the dialect's migrations in version order.
func Migrations(dialect string) ([]Migration, error) {
	dir := path.Join("migrations", dialect)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("failed to list migrations for %s: %w", dialect, err)
	}
	var ms []Migration
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number and '_'", e.Name())
		}
		b, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("failed to read migration %s: %w", e.Name(), err)
		}
		ms = append(ms, Migration{Version: v, Name: e.Name(), SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i := 1; i < len(ms); i++ {
		if ms[i].Version == ms[i-1].Version {
			return nil, fmt.Errorf("duplicate migration version %d", ms[i].Version)
		}
	}
	return ms, nil
}

// Migrate applies every migration not yet recorded in schema_migrations and
// returns the versions it applied. It holds the dialect's migration lock (if
// any) so that instances starting together do not migrate twice.
func (db *DB) Migrate(ctx context.Context) ([]int, error) {
	ms, err := Migrations(db.dialect.Name)
	if err != nil {
		return nil, err
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, db.mapErr(fmt.Errorf("failed to get a connection for migrations: %w", err))
	}
	defer conn.Close()
	if db.dialect.MigrationLock != nil {
		unlock, err := db.dialect.MigrationLock(ctx, conn)
		if err != nil {
			return nil, db.mapErr(fmt.Errorf("failed to take the migration lock: %w", err))
		}
		defer unlock()
	}
	if err := db.waitBusy(ctx, func() error {
		_, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version BIGINT PRIMARY KEY,
			name TEXT NOT NULL,
			applied_at BIGINT NOT NULL)`)
		return err
	}); err != nil {
		return nil, db.mapErr(fmt.Errorf("failed to create schema_migrations: %w", err))
	}
	applied := map[int]bool{}
	rows, err := conn.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, db.mapErr(fmt.Errorf("failed to read schema_migrations: %w", err))
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return nil, fmt.Errorf("failed to scan schema_migrations: %w", err)
		}
		applied[v] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("failed to read schema_migrations: %w", err)
	}
	if err := checkKnown(ms, applied); err != nil {
		return nil, err
	}
	var done []int
	for _, m := range ms {
		if applied[m.Version] {
			continue
		}
		var tx *sql.Tx
		err := db.waitBusy(ctx, func() (err error) {
			tx, err = conn.BeginTx(ctx, nil)
			return err
		})
		if err != nil {
			return done, db.mapErr(fmt.Errorf("failed to begin migration %s: %w", m.Name, err))
		}
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			_ = tx.Rollback()
			return done, fmt.Errorf("failed to apply migration %s: %w", m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, db.dialect.Rebind(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`),
			m.Version, m.Name, time.Now().UnixMicro()); err != nil {
			_ = tx.Rollback()
			return done, fmt.Errorf("failed to record migration %s: %w", m.Name, err)
		}
		if err := tx.Commit(); err != nil {
			return done, db.mapErr(fmt.Errorf("failed to commit migration %s: %w", m.Name, err))
		}
		done = append(done, m.Version)
	}
	return done, nil
}

// checkKnown refuses a database that holds migrations this binary does not
// have: a newer binary migrated it, and an older one running on it would
// write rows that the newer migrations' backfills never see again.
func checkKnown(ms []Migration, applied map[int]bool) error {
	known := map[int]bool{}
	latest := 0
	for _, m := range ms {
		known[m.Version] = true
		latest = max(latest, m.Version)
	}
	var unknown []int
	for v := range applied {
		if !known[v] {
			unknown = append(unknown, v)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Ints(unknown)
	names := make([]string, len(unknown))
	for i, v := range unknown {
		names[i] = strconv.Itoa(v)
	}
	return fmt.Errorf("the database has schema migrations %s, which this binary does not know (it knows up to %d): "+
		"a newer Livedesk migrated it; run that version or a later one (see docs/operations.md, \"Upgrades\")",
		strings.Join(names, ", "), latest)
}
