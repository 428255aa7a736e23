package realtime

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/store/storetest"
	"github.com/livedesk/livedesk/socketio"
)

func TestDurableSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.OpenSQLite(t)
	ds := NewDurableSessions(db, time.Minute)

	// A saved session resumes once, without the rooms and data it had.
	saved := socketio.Session{PID: "p-saved", SID: "sid-1", Namespace: "/", Rooms: []string{"admins"},
		Data: json.RawMessage(`{"userId":1}`), DisconnectedAt: time.Now()}
	if err := ds.SaveSession(ctx, saved); err != nil {
		t.Fatal(err)
	}
	got, ok, err := ds.TakeSession(ctx, "p-saved")
	if err != nil || !ok || got.SID != "sid-1" || got.Rooms != nil || got.Data != nil {
		t.Fatalf("TakeSession(saved) = %+v, %v, %v; want sid-1 without rooms or data", got, ok, err)
	}

	// A pid nobody saved (its instance crashed) resumes with a fresh sid.
	got, ok, err = ds.TakeSession(ctx, "p-crashed")
	if err != nil || !ok || got.PID != "p-crashed" || got.SID == "" || got.Namespace != "/" {
		t.Fatalf("TakeSession(crashed) = %+v, %v, %v; want a synthesised session", got, ok, err)
	}

	// An explicit disconnect is never resumed, from memory or from the table.
	if err := ds.End(ctx, "p-ended"); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := ds.TakeSession(ctx, "p-ended"); ok || err != nil {
		t.Fatalf("TakeSession(ended) = %v, %v; want not resumed", ok, err)
	}
	other := NewDurableSessions(db, time.Minute) // another instance: only the table knows
	if _, ok, err := other.TakeSession(ctx, "p-ended"); ok || err != nil {
		t.Fatalf("another instance resumed an ended session (%v, %v)", ok, err)
	}

	// Expired sessions are not resumed; absurd pids are refused.
	old := socketio.Session{PID: "p-old", SID: "sid-2", Namespace: "/", DisconnectedAt: time.Now().Add(-time.Hour)}
	if err := ds.SaveSession(ctx, old); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := ds.TakeSession(ctx, "p-old"); ok {
		t.Fatal("an expired session was resumed")
	}
	if _, ok, _ := ds.TakeSession(ctx, string(make([]byte, 100))); ok {
		t.Fatal("a 100-byte pid was accepted")
	}
}

// TestDurableSessionsInBatches: a shutdown's 2,000 sessions are saved in
// one call, 2,000 simultaneous reconnections take them back with a few
// transactions, each its own session, once, and 2,000 simultaneous drops
// save theirs with a few transactions.
func TestDurableSessionsInBatches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.OpenSQLite(t)
	ds := NewDurableSessions(db, time.Minute)
	const n = 2000
	// Batched means ten requests or more per transaction on average (one
	// each would be 2,000). How many arrive while a batch runs depends on
	// how fast 2,000 goroutines are scheduled: 4-40 transactions alone on a
	// quiet machine, 108 seen on a slower host with three packages'
	// tests at once, so a tighter bound measured the machine.
	const maxBatches = n / 10
	ss := make([]socketio.Session, n)
	for i := range ss {
		ss[i] = socketio.Session{PID: fmt.Sprintf("pid-%d", i), SID: fmt.Sprintf("sid-%d", i), Namespace: "/", DisconnectedAt: time.Now()}
	}
	if err := ds.SaveSessions(ctx, ss); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	// Every caller starts at once, as a storm's do: on a loaded machine
	// (CI runs every package at once) goroutines started one by one reach
	// the batcher spread out, and the count measured the scheduler.
	start := make(chan struct{})
	for _, s := range ss {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			got, ok, err := ds.TakeSession(ctx, s.PID)
			if err != nil || !ok || got.SID != s.SID {
				errs <- fmt.Errorf("TakeSession(%s) = %+v, %v, %v; want %s", s.PID, got, ok, err, s.SID)
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if b := ds.TakeBatches(); b > maxBatches {
		t.Fatalf("%d simultaneous takes ran %d transactions; want them batched (at most %d)", n, b, maxBatches)
	}
	// 2,000 connections dropping at once save their sessions in a few
	// transactions too.
	start = make(chan struct{})
	for _, s := range ss {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if err := ds.SaveSession(ctx, s); err != nil {
				t.Error(err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if b := ds.SaveBatches(); b > maxBatches {
		t.Fatalf("%d simultaneous saves ran %d transactions; want them batched (at most %d)", n, b, maxBatches)
	}
	for _, s := range ss {
		if got, ok, err := ds.TakeSession(ctx, s.PID); err != nil || !ok || got.SID != s.SID {
			t.Fatalf("TakeSession(%s) after a batched save = %+v, %v, %v", s.PID, got, ok, err)
		}
	}
	// Taken once: the table is empty now (a second take synthesises a
	// fresh session, with another sid).
	if got, ok, err := ds.TakeSession(ctx, ss[0].PID); err != nil || !ok || got.SID == ss[0].SID {
		t.Fatalf("second take = %+v, %v, %v; want a fresh session", got, ok, err)
	}
}
