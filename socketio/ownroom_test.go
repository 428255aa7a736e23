package socketio

import (
	"context"
	"slices"
	"testing"
	"time"
)

// TestRoomsKeptCompactly: a socket's own room (a flag, not an entry of its
// rooms) and one-socket rooms in the index (no set of their own) behave as
// any room: listed, reached, left and joined again.
func TestRoomsKeptCompactly(t *testing.T) {
	t.Parallel()
	srv := newServer(Options{})
	ns := srv.Of("/")
	sockets := make(chan *Socket, 2)
	ns.OnConnection(func(s *Socket) { sockets <- s })
	conns := []*fakeConn{newFakeConn(), newFakeConn()}
	var socks []*Socket
	for _, c := range conns {
		srv.accept(c)
		c.onMessage([]byte("0"), false)
		select {
		case s := <-sockets:
			socks = append(socks, s)
		case <-time.After(5 * time.Second):
			t.Fatal("socket did not connect")
		}
	}
	a, b := socks[0], socks[1]
	ctx := context.Background()
	// reached emits an event to rooms and reports which sockets got it.
	reached := func(rooms ...string) [2]bool {
		t.Helper()
		before := [2]int64{conns[0].frames.Load(), conns[1].frames.Load()}
		if err := ns.To(rooms...).Emit(ctx, "x"); err != nil {
			t.Fatal(err)
		}
		return [2]bool{conns[0].frames.Load() > before[0], conns[1].frames.Load() > before[1]}
	}
	if got := a.Rooms(); !slices.Equal(got, []string{a.ID()}) {
		t.Fatalf("rooms = %v, want its own", got)
	}
	if got := reached(a.ID()); got != [2]bool{true, false} {
		t.Fatalf("to its id reached %v", got)
	}
	a.Leave(a.ID())
	if got := a.Rooms(); len(got) != 0 {
		t.Fatalf("rooms after leaving its own = %v", got)
	}
	if got := reached(a.ID()); got != [2]bool{false, false} {
		t.Fatalf("to its id after leaving reached %v", got)
	}
	a.Join(a.ID(), "r")
	b.Join("r")
	if got := a.Rooms(); !slices.Equal(got, slices.Sorted(slices.Values([]string{a.ID(), "r"}))) {
		t.Fatalf("rooms = %v", got)
	}
	if got := reached("r"); got != [2]bool{true, true} {
		t.Fatalf("to r reached %v", got)
	}
	a.Leave("r") // two members, then one
	if got := reached("r"); got != [2]bool{false, true} {
		t.Fatalf("to r after a left reached %v", got)
	}
	a.Join("r") // one, then two again
	if got := reached("r", a.ID()); got != [2]bool{true, true} {
		t.Fatalf("to r and a reached %v", got)
	}
	a.Leave("r")
	b.Leave("r")
	if slices.Contains(ns.adapter.(*MemoryAdapter).Rooms(), "r") {
		t.Fatal("an empty room stays in the index")
	}
	if got := reached("r"); got != [2]bool{false, false} {
		t.Fatalf("to an empty room reached %v", got)
	}
}
