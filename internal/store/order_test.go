package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestAppendEventCommitOrder pins the property the real-time layer relies
// on: while a transaction that appended an event is open, another append
// waits, so seqs become visible in order and a reader's cursor never passes
// a seq that commits later. (With a plain sequence, the second transaction
// would take seq 2 and commit while seq 1 is still pending; a reader seeing
// 2 would then skip 1 for ever.)
func TestAppendEventCommitOrder(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		firstAppended := make(chan struct{})
		releaseFirst := make(chan struct{})
		firstDone := make(chan error, 1)
		go func() {
			firstDone <- db.WithTx(ctx, func(tx *store.Tx) error {
				if err := tx.AppendEvent(ctx, &domain.Event{Action: "first", Summary: "first"}); err != nil {
					return err
				}
				close(firstAppended)
				<-releaseFirst // a slow transaction: more work after the append
				return nil
			})
		}()
		<-firstAppended
		secondSeq := make(chan int64, 1)
		secondErr := make(chan error, 1)
		go func() {
			seq, err := db.WithTxSeq(ctx, func(tx *store.Tx) error {
				return tx.AppendEvent(ctx, &domain.Event{Action: "second", Summary: "second"})
			})
			secondSeq <- seq
			secondErr <- err
		}()
		// The second writer must not commit while the first is open.
		select {
		case seq := <-secondSeq:
			t.Fatalf("second append committed seq %d while the first transaction was still open", seq)
		case <-time.After(200 * time.Millisecond):
		}
		// Meanwhile a reader sees neither.
		err := db.ReadTx(ctx, func(tx *store.Tx) error {
			evs, err := tx.Events(ctx, store.EventQuery{Limit: 10})
			if len(evs) != 0 {
				t.Fatalf("reader sees %d uncommitted events", len(evs))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		close(releaseFirst)
		if err := <-firstDone; err != nil {
			t.Fatal(err)
		}
		if seq := <-secondSeq; seq != 2 {
			t.Fatalf("second append got seq %d, want 2", seq)
		}
		if err := <-secondErr; err != nil {
			t.Fatal(err)
		}
	})
}
