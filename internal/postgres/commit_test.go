package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestLostCommitIsResolved cuts the connection at COMMIT (a proxy between
// the store and PostgreSQL) and checks that the store reports what really
// happened: committed is success, never "please retry"; a COMMIT that never
// reached the server is the retryable error; and when the server cannot be
// asked, the outcome is reported as unknown.
func TestLostCommitIsResolved(t *testing.T) {
	t.Parallel()
	db, proxy := storetest.OpenPostgresVia(t)
	db.SetResolveTimeout(time.Second)
	ctx := context.Background()
	write := func(key string) error {
		return db.WithTx(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, 'v', 0)`, key)
			return err
		})
	}
	saved := func(key string) bool {
		var n int
		if err := db.ReadTx(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT COUNT(*) FROM settings WHERE key = ?`, key).Scan(&n)
		}); err != nil {
			t.Fatalf("count: %v", err)
		}
		return n == 1
	}

	tests := []struct {
		name      string
		cut       storetest.Cut
		refuse    bool
		wantCode  string
		wantSaved bool
	}{
		{"cut after COMMIT was sent", storetest.CutAfterCommit, false, "", true},
		{"cut before COMMIT was sent", storetest.CutBeforeCommit, false, domain.CodeUnavailable, false},
		{"cut after COMMIT, database unreachable", storetest.CutAfterCommit, true, domain.CodeOutcomeUnknown, true},
	}
	for i, tt := range tests {
		key := "commit-test-" + string(rune('a'+i))
		cuts := proxy.Cuts()
		proxy.Arm(tt.cut)
		if tt.refuse {
			proxy.Refuse(true)
		}
		err := write(key)
		proxy.Refuse(false)
		if proxy.Cuts() != cuts+1 {
			// Seen once in CI on a slow machine, not reproduced in 40 runs
			// alone: say what the write did instead.
			t.Fatalf("%s: the proxy did not cut the connection (the write returned %v; saved: %v)", tt.name, err, saved(key))
		}
		if got := domain.ErrorCode(err); got != tt.wantCode {
			t.Errorf("%s: error %v has code %q, want %q", tt.name, err, got, tt.wantCode)
		}
		if got := saved(key); got != tt.wantSaved {
			t.Errorf("%s: saved = %v, want %v", tt.name, got, tt.wantSaved)
		}
	}
}
