package store_test

import (
	"context"
	"testing"

	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestEventEpoch: the epoch is settled once and kept; NewEventEpoch starts
// another; on PostgreSQL, a database whose tables are not the ones the
// epoch was taken on (a pg_restore) gets a new one at the next start.
func TestEventEpoch(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e1, err := db.EventEpoch(ctx)
		if err != nil || len(e1) != 8 {
			t.Fatalf("EventEpoch = %q, %v", e1, err)
		}
		if again, err := db.InitEventEpoch(ctx); err != nil || again != e1 {
			t.Fatalf("a second start: epoch %q (%v), want %q", again, err, e1)
		}
		e2, err := db.NewEventEpoch(ctx)
		if err != nil || e2 == e1 {
			t.Fatalf("NewEventEpoch = %q (%v), want other than %q", e2, err, e1)
		}
		if got, _ := db.EventEpoch(ctx); got != e2 {
			t.Fatalf("EventEpoch after NewEventEpoch = %q, want %q", got, e2)
		}
		if db.Dialect().LogOrigin == "" {
			return
		}
		// Recreate the event counter as a restore does: new table, new oid.
		if err := db.WithTx(ctx, func(tx *store.Tx) error {
			for _, q := range []string{
				`CREATE TABLE event_counter_copy AS SELECT * FROM event_counter`,
				`DROP TABLE event_counter`,
				`ALTER TABLE event_counter_copy RENAME TO event_counter`,
			} {
				if _, err := tx.Exec(ctx, q); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		e3, err := db.InitEventEpoch(ctx)
		if err != nil || e3 == e2 {
			t.Fatalf("after a restore into new tables: epoch %q (%v), want a new one (was %q)", e3, err, e2)
		}
	})
}
