package realtime

import (
	"context"
	"encoding/json"
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
