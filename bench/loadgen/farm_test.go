package main

import (
	"testing"
	"time"
)

// TestAwaitAnswersWhenEveryClientHasTheSeq: a worker answers the
// coordinator's await as soon as its last client records the seq (no
// polling), and after the timeout with what arrived when some never do.
func TestAwaitAnswersWhenEveryClientHasTheSeq(t *testing.T) {
	f := newFarm(farmConfig{Event: "stats:updated"})
	clients := make([]*client, 3)
	for i := range clients {
		clients[i] = &client{f: f}
	}
	f.clients = clients
	if n := f.reset(10, 2); n != 3 {
		t.Fatalf("reset counted %d clients, want 3", n)
	}

	got := make(chan int64, 1)
	go func() { got <- f.await(10, 10*time.Second) }()
	for _, c := range clients {
		select {
		case n := <-got:
			t.Fatalf("await answered %d before every client had the seq", n)
		case <-time.After(20 * time.Millisecond):
		}
		f.record(c, 10, 1, 2)
	}
	select {
	case n := <-got:
		if n != 3 {
			t.Fatalf("await answered %d, want 3", n)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("await did not answer once every client had the seq")
	}

	// Seq 11 reaches one client of three: the timeout answers 1.
	f.record(clients[0], 11, 1, 2)
	start := time.Now()
	if n := f.await(11, 50*time.Millisecond); n != 1 {
		t.Fatalf("await after its timeout answered %d, want 1", n)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Fatalf("await answered after %v, before its timeout", d)
	}
	// Outside the phase: nothing to wait for.
	if n := f.await(99, time.Hour); n != 0 {
		t.Fatalf("await of a seq outside the phase answered %d", n)
	}
}
