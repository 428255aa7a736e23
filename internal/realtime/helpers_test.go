package realtime

import (
	"sync/atomic"
	"testing"
	"time"
)

func TestPresence(t *testing.T) {
	t.Parallel()
	p := newPresence()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	steps := []struct {
		op      string
		id      int64
		changed bool
		online  int
	}{
		{"join", 1, true, 1},
		{"join", 1, false, 1}, // second tab
		{"join", 2, true, 2},
		{"leave", 1, false, 2},
		{"leave", 1, true, 1},
		{"leave", 1, false, 1}, // unknown: no change
		{"leave", 2, true, 0},
	}
	for i, s := range steps {
		var changed bool
		if s.op == "join" {
			changed = p.join(s.id, "admin", t0.Add(time.Duration(i)*time.Second))
		} else {
			changed = p.leave(s.id)
		}
		if changed != s.changed || len(p.list()) != s.online {
			t.Fatalf("step %d (%s %d): changed=%v online=%d, want %v %d", i, s.op, s.id, changed, len(p.list()), s.changed, s.online)
		}
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
