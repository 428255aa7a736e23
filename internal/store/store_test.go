package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		done, err := db.Migrate(context.Background())
		if err != nil {
			t.Fatalf("second Migrate: %v", err)
		}
		if len(done) != 0 {
			t.Fatalf("second Migrate applied %v, want nothing", done)
		}
	})
}

func TestSettings(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, ok, err := db.GetSetting(ctx, "jwt_secret"); err != nil || ok {
			t.Fatalf("GetSetting on empty = ok %v err %v, want absent", ok, err)
		}
		// Concurrent starters all agree on one value.
		var wg sync.WaitGroup
		got := make([]string, 8)
		errs := make([]error, 8)
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i], errs[i] = db.SetSettingIfAbsent(ctx, "jwt_secret", string(rune('a'+i)))
			}()
		}
		wg.Wait()
		for i := range got {
			if errs[i] != nil {
				t.Fatalf("SetSettingIfAbsent: %v", errs[i])
			}
			if got[i] != got[0] {
				t.Fatalf("SetSettingIfAbsent returned %q and %q", got[0], got[i])
			}
		}
		v, ok, err := db.GetSetting(ctx, "jwt_secret")
		if err != nil || !ok || v != got[0] {
			t.Fatalf("GetSetting = %q %v %v, want %q", v, ok, err, got[0])
		}
		if err := db.SetSetting(ctx, "jwt_secret", "new"); err != nil {
			t.Fatal(err)
		}
		if v, _, _ := db.GetSetting(ctx, "jwt_secret"); v != "new" {
			t.Fatalf("after SetSetting got %q, want new", v)
		}
	})
}

func TestAppendEventAndRead(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for i := range 5 {
			seq, err := db.WithTxSeq(ctx, func(tx *store.Tx) error {
				return tx.AppendEvent(ctx, &domain.Event{Action: "x", Entity: "customer", EntityID: int64(i), VendorID: int64(i % 2), Summary: "s", Payload: []byte(`{"a":1}`)})
			})
			if err != nil {
				t.Fatal(err)
			}
			if seq != int64(i+1) {
				t.Fatalf("seq = %d, want %d", seq, i+1)
			}
		}
		// A rolled back append leaves no gap.
		_ = db.WithTx(ctx, func(tx *store.Tx) error {
			if err := tx.AppendEvent(ctx, &domain.Event{Action: "x", Summary: "rolled back"}); err != nil {
				return err
			}
			return domain.Errorf(domain.CodeInvalid, "roll back")
		})
		err := db.ReadTx(ctx, func(tx *store.Tx) error {
			evs, err := tx.Events(ctx, store.EventQuery{After: 2, Limit: 10})
			if err != nil {
				return err
			}
			if len(evs) != 3 || evs[0].Seq != 3 || string(evs[0].Payload) == "" {
				t.Fatalf("Events after 2 = %d events, first %+v", len(evs), evs[0])
			}
			evs, err = tx.Events(ctx, store.EventQuery{VendorID: 1, Limit: 10, Newest: true})
			if err != nil {
				return err
			}
			if len(evs) != 2 || evs[0].Seq != 4 || evs[1].Seq != 2 {
				t.Fatalf("vendor 1 newest = %v", evs)
			}
			last, err := tx.LastEventSeq(ctx)
			if last != 5 {
				t.Fatalf("LastEventSeq = %d, want 5", last)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestRebind(t *testing.T) {
	t.Parallel()
	d := store.Dialect{Numbered: true}
	got := d.Rebind(`SELECT '?' , a FROM t WHERE a = ? AND b = ?`)
	want := `SELECT '?' , a FROM t WHERE a = $1 AND b = $2`
	if got != want {
		t.Fatalf("Rebind = %q, want %q", got, want)
	}
}
