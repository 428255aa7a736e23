package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/sqlite"
	"github.com/livedesk/livedesk/internal/store"
)

// TestLockedWriteWaitsWithItsContext: a write meeting a write lock another
// connection holds waits for it, gives up when its context's deadline
// passes (UNAVAILABLE, long before the 10 s busy wait) and goes through as
// soon as the lock is released.
func TestLockedWriteWaitsWithItsContext(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	hc := lockWrites(t, path)
	insert := func(ctx context.Context, key string) error {
		return db.WithTx(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, 'v', 0)`, key)
			return err
		})
	}

	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	start := time.Now()
	err = insert(short, "deadline")
	cancel()
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("the locked write gave up after %s, want about its 300ms deadline", took)
	}
	if got := domain.ErrorCode(err); got != domain.CodeUnavailable {
		t.Fatalf("locked write past its deadline = %v (%s), want %s", err, got, domain.CodeUnavailable)
	}

	done := make(chan error, 1)
	go func() { done <- insert(ctx, "released") }()
	time.Sleep(200 * time.Millisecond)
	if _, err := hc.ExecContext(ctx, `ROLLBACK`); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("write waiting for a lock released after 200ms: %v", err)
	}
}
