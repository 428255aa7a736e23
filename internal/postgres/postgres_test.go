package postgres_test

import (
	"context"
	"sync"
	"testing"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/postgres"
	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestTransientErrorsAreUnavailable checks the error mapping of
// serialization failures, deadlocks and lost connections.
func TestTransientErrorsAreUnavailable(t *testing.T) {
	t.Parallel()
	db := storetest.OpenPostgres(t)
	ctx := context.Background()
	tests := []struct{ name, sql string }{
		{"serialization failure", `DO $$ BEGIN RAISE EXCEPTION 'x' USING ERRCODE = '40001'; END $$`},
		{"deadlock", `DO $$ BEGIN RAISE EXCEPTION 'x' USING ERRCODE = '40P01'; END $$`},
		{"connection terminated", `SELECT pg_terminate_backend(pg_backend_pid())`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := db.WithTx(ctx, func(tx *store.Tx) error {
				_, err := tx.Exec(ctx, tt.sql)
				return err
			})
			if got := domain.ErrorCode(err); got != domain.CodeUnavailable {
				t.Fatalf("error %v has code %s, want %s", err, got, domain.CodeUnavailable)
			}
		})
	}
	// The pool recovers from the terminated connection.
	if err := db.Ping(ctx); err != nil {
		t.Fatalf("ping after terminate: %v", err)
	}
}

// TestConcurrentMigrations starts several instances on one fresh schema at
// once: the advisory lock makes exactly one of them apply the migrations.
func TestConcurrentMigrations(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresURL(t)
	ctx := context.Background()
	const n = 4
	var wg sync.WaitGroup
	dbs := make([]*store.DB, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dbs[i], errs[i] = postgres.Open(ctx, url)
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("instance %d: %v", i, errs[i])
		}
		defer dbs[i].Close()
	}
	var applied int
	err := dbs[0].ReadTx(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&applied)
	})
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := store.Migrations("postgres")
	if applied != len(ms) {
		t.Fatalf("schema_migrations has %d rows, want %d", applied, len(ms))
	}
}

func TestPoolMaxConns(t *testing.T) {
	t.Parallel()
	db, err := postgres.Open(context.Background(), storetest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// pool_max_conns was taken out of the URL: the server would refuse it
	// as a run-time parameter.
	if err := db.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := postgres.Open(context.Background(), "postgres://postgres@127.0.0.1:5432/test?pool_max_conns=zero"); err == nil {
		t.Fatal("a bad pool_max_conns was accepted")
	}
}

// TestStatementsStayPrepared checks that a connection prepares a query once
// and keeps it (pgx's statement cache, its default exec mode): the store
// relies on it on PostgreSQL, where it keeps no statement cache of its own
// (see store.CacheStatements, used on SQLite).
func TestStatementsStayPrepared(t *testing.T) {
	t.Parallel()
	db := storetest.OpenPostgres(t)
	ctx := context.Background()
	const q = `SELECT COUNT(*) FROM events WHERE seq > ?`
	err := db.WithTx(ctx, func(tx *store.Tx) error {
		for range 3 {
			var n int
			if err := tx.QueryRow(ctx, q, 0).Scan(&n); err != nil {
				return err
			}
		}
		var kept int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM pg_prepared_statements WHERE statement = ?`, tx.Dialect().Rebind(q)).Scan(&kept); err != nil {
			return err
		}
		if kept != 1 {
			t.Errorf("the connection keeps %d prepared statements of the query, want 1", kept)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
