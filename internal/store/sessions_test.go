package store_test

import (
	"context"
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
