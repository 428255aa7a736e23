// Package cluster holds the multi-instance tests. The Node suite (run.sh)
// drives real `livedesk serve` processes; this Go test proves, on
// PostgreSQL, the property the suite relies on: event seqs become visible
// in order, so a reader following the log with "seq > cursor" never skips
// one, even with concurrent writers on several instances.
package cluster

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/postgres"
	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestSeqsBecomeVisibleInOrderAcrossInstances runs writers on two
// connection pools ("instances") of one PostgreSQL database. Each
// transaction does some work before taking its seq and lingers after it
// before committing, so that transactions overlap as much as they can. A
// reader on each instance tails the log the way the real-time hub does and
// fails on any gap: with a plain sequence, a transaction holding 41 that
// commits after the one holding 42 would make the reader skip 41.
func TestSeqsBecomeVisibleInOrderAcrossInstances(t *testing.T) {
	url := storetest.PostgresURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var instances []*store.DB
	for range 2 {
		db, err := postgres.Open(ctx, url)
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		instances = append(instances, db)
	}

	const writersPerInstance, perWriter = 6, 40
	const total = 2 * writersPerInstance * perWriter
	var wg sync.WaitGroup
	var writing atomic.Int32
	writing.Store(2 * writersPerInstance)
	errs := make(chan error, 2*writersPerInstance+2)
	for _, db := range instances {
		for range writersPerInstance {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer writing.Add(-1)
				for k := range perWriter {
					err := db.WithTx(ctx, func(tx *store.Tx) error {
						// Work before the seq: transactions overlap here.
						if _, err := tx.Exec(ctx, `SELECT pg_sleep(?)`, rand.Float64()/500); err != nil {
							return err
						}
						if err := tx.AppendEvent(ctx, &domain.Event{
							At: time.Now(), Action: "test.write", Entity: "test", EntityID: int64(k),
							Summary: "instance write", Payload: []byte(`{}`),
						}); err != nil {
							return err
						}
						// Linger before the commit, holding the seq.
						time.Sleep(time.Duration(rand.IntN(1500)) * time.Microsecond)
						return nil
					})
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
	}

	// A reader per instance, as each instance's hub tails the shared log.
	for i, db := range instances {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var cursor int64
			for {
				done := writing.Load() == 0
				var evs []*domain.Event
				err := db.ReadTx(ctx, func(tx *store.Tx) error {
					var err error
					evs, err = tx.Events(ctx, store.EventQuery{After: cursor, Limit: 500})
					return err
				})
				if err != nil {
					errs <- err
					return
				}
				for _, ev := range evs {
					if ev.Seq != cursor+1 {
						t.Errorf("instance %d reader: after seq %d it saw %d: seq %d was skipped (committed later)", i, cursor, ev.Seq, cursor+1)
						return
					}
					cursor = ev.Seq
				}
				if done && len(evs) == 0 {
					if cursor != total {
						t.Errorf("instance %d reader ended at seq %d, want %d", i, cursor, total)
					}
					return
				}
				time.Sleep(time.Duration(rand.IntN(500)) * time.Microsecond)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
