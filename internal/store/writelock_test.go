package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestEventTimesNeverGoBack: an event whose time is before the log's last
// (a clock stepped back, another instance's clock is behind) is logged at
// the last time instead, with and without LockWrites first.
func TestEventTimesNeverGoBack(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := time.Date(2026, 11, 25, 4, 30, 0, 0, time.UTC)
		appendAt := func(at time.Time, lock bool) *domain.Event {
			e := &domain.Event{At: at, Action: "test", Entity: "test", Summary: "s"}
			if err := db.WithTx(ctx, func(tx *store.Tx) error {
				if lock {
					if _, err := tx.LockWrites(ctx); err != nil {
						return err
					}
				}
				return tx.AppendEvent(ctx, e)
			}); err != nil {
				t.Fatal(err)
			}
			return e
		}
		appendAt(t0, false)
		if e := appendAt(t0.Add(-time.Second), false); !e.At.Equal(t0) {
			t.Errorf("without LockWrites: event at %s, want %s", e.At, t0)
		}
		if e := appendAt(t0.Add(-time.Minute), true); !e.At.Equal(t0) {
			t.Errorf("with LockWrites: event at %s, want %s", e.At, t0)
		}
		if e := appendAt(t0.Add(time.Second), true); !e.At.Equal(t0.Add(time.Second)) {
			t.Errorf("a later event moved: at %s", e.At)
		}
	})
}
