package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

func TestSocketSessions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now()
		if err := db.SaveSocketSession(ctx, "old", []byte(`{"a":1}`), now.Add(-time.Hour), now.Add(-2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		// Saving another session expires the old one.
		if err := db.SaveSocketSession(ctx, "p1", []byte(`{"b":2}`), now, now.Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		if _, found, err := db.TakeSocketSession(ctx, "old"); err != nil || found {
			t.Fatalf("expired session: found=%v err=%v, want gone", found, err)
		}
		body, found, err := db.TakeSocketSession(ctx, "p1")
		if err != nil || !found || string(body) != `{"b":2}` {
			t.Fatalf("TakeSocketSession = %q, %v, %v", body, found, err)
		}
		if _, found, _ := db.TakeSocketSession(ctx, "p1"); found {
			t.Fatal("a session was taken twice")
		}
	})
}

// TestSocketSessionsInBatches: a shutdown saves more sessions than one
// statement holds in one call, and reconnections take them back in one
// call, each once.
func TestSocketSessionsInBatches(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now()
		if err := db.SaveSocketSession(ctx, "stale", []byte(`{}`), now.Add(-time.Hour), now.Add(-2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		bodies := map[string][]byte{}
		var pids []string
		for i := range 1200 {
			pid := fmt.Sprintf("p%04d", i)
			bodies[pid] = []byte(fmt.Sprintf(`{"n":%d}`, i))
			pids = append(pids, pid)
		}
		if err := db.SaveSocketSessions(ctx, bodies, now, now.Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		got, err := db.TakeSocketSessions(ctx, append(pids, "stale", "unknown"))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(pids) {
			t.Fatalf("took %d sessions, want %d (the stale one expired, the unknown one absent)", len(got), len(pids))
		}
		for pid, body := range bodies {
			if string(got[pid]) != string(body) {
				t.Fatalf("session %s = %q, want %q", pid, got[pid], body)
			}
		}
		again, err := db.TakeSocketSessions(ctx, pids[:10])
		if err != nil || len(again) != 0 {
			t.Fatalf("taking again = %v, %v; want nothing", again, err)
		}
	})
}
