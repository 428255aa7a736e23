package realtime

import (
	"fmt"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/livedesk/livedesk/socketio"
)

func TestPresenceOf(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	info := func(id int64, name string, at time.Time) socketio.SocketInfo {
		return socketio.SocketInfo{Data: []byte(fmt.Sprintf(`{"userId":%d,"name":%q,"role":"admin"}`, id, name)), Handshake: &socketio.Handshake{Time: at}}
	}
	got := presenceOf([]socketio.SocketInfo{
		info(2, "Bea", t0.Add(time.Minute)),
		info(1, "Ann", t0.Add(2*time.Minute)),
		info(1, "Ann", t0), // a second tab, opened earlier
		{Data: []byte(`not json`)},
	})
	want := []PresenceAdmin{{ID: 1, Name: "Ann", Since: t0}, {ID: 2, Name: "Bea", Since: t0.Add(time.Minute)}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("presenceOf = %+v, want %+v", got, want)
	}
}

func TestCoalescerBurst(t *testing.T) {
	t.Parallel()
	var runs atomic.Int32
	c := newCoalescer(50*time.Millisecond, func() { runs.Add(1) })
	defer c.stop()
	for range 100 {
		c.trigger()
	}
	time.Sleep(20 * time.Millisecond)
	for range 100 {
		c.trigger()
	}
	time.Sleep(200 * time.Millisecond)
	if got := runs.Load(); got < 1 || got > 3 {
		t.Fatalf("200 triggers in a burst ran fn %d times, want 1..3", got)
	}
	before := runs.Load()
	c.trigger()
	time.Sleep(120 * time.Millisecond)
	if runs.Load() != before+1 {
		t.Fatalf("a trigger after the burst did not run fn once more (%d → %d)", before, runs.Load())
	}
}

func TestBucket(t *testing.T) {
	t.Parallel()
	b := newBucket(10, 3)
	now := time.Now()
	for i := range 3 {
		if !b.allow(now) {
			t.Fatalf("token %d refused within burst", i)
		}
	}
	if b.allow(now) {
		t.Fatal("fourth token allowed beyond burst")
	}
	if !b.allow(now.Add(150 * time.Millisecond)) {
		t.Fatal("token not refilled after 150ms at 10/s")
	}
}
