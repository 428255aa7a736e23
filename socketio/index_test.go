package socketio

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestIndexUnderConcurrency joins, leaves, broadcasts and closes from many
// goroutines at once; afterwards the room index and the namespace must be
// empty, with no stale entry left by a join racing a close.
func TestIndexUnderConcurrency(t *testing.T) {
	t.Parallel()
	srv := newServer(Options{})
	ns := srv.Of("/")
	const n = 200
	sockets := make(chan *Socket, n)
	ns.OnConnection(func(s *Socket) { sockets <- s })
	conns := make([]*fakeConn, n)
	for i := range conns {
		conns[i] = newFakeConn()
		srv.accept(conns[i])
		conns[i].onMessage([]byte("0"), false)
	}
	all := make([]*Socket, 0, n)
	for range n {
		select {
		case s := <-sockets:
			all = append(all, s)
		case <-time.After(5 * time.Second):
			t.Fatal("sockets did not connect")
		}
	}
	var wg sync.WaitGroup
	for i, s := range all {
		wg.Add(4)
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				s.Join(fmt.Sprintf("room-%d", (i+j)%7))
			}
		}()
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				s.Leave(fmt.Sprintf("room-%d", j%7))
			}
		}()
		go func() {
			defer wg.Done()
			_ = ns.To(fmt.Sprintf("room-%d", i%7)).Emit(context.Background(), "x", i)
		}()
		go func() {
			defer wg.Done()
			conns[i].closeWith("transport close")
		}()
	}
	wg.Wait()
	if got := ns.Len(); got != 0 {
		t.Fatalf("%d sockets left in the namespace", got)
	}
	if rooms := ns.adapter.(*MemoryAdapter).Rooms(); len(rooms) != 0 {
		t.Fatalf("stale rooms in the index: %v", rooms)
	}
}

func TestMemorySessionStoreExpiry(t *testing.T) {
	t.Parallel()
	now := time.Unix(1000, 0)
	st := NewMemorySessionStore(time.Minute)
	st.now = func() time.Time { return now }
	ctx := context.Background()
	_ = st.SaveSession(ctx, Session{PID: "fresh", DisconnectedAt: now.Add(-30 * time.Second)})
	_ = st.SaveSession(ctx, Session{PID: "old", DisconnectedAt: now.Add(-2 * time.Minute)})
	if _, ok, _ := st.TakeSession(ctx, "old"); ok {
		t.Fatal("expired session taken")
	}
	if s, ok, _ := st.TakeSession(ctx, "fresh"); !ok || s.PID != "fresh" {
		t.Fatalf("fresh session: got %+v %v", s, ok)
	}
	if _, ok, _ := st.TakeSession(ctx, "fresh"); ok {
		t.Fatal("session taken twice")
	}
	for i := 0; i < 256; i++ {
		_ = st.SaveSession(ctx, Session{PID: fmt.Sprint(i), DisconnectedAt: now.Add(-time.Hour)})
	}
	if st.Len() >= 256 {
		t.Fatalf("%d sessions kept, expired ones were not swept", st.Len())
	}
}

// TestOverflowWhileSending makes the connection overflow, and close itself
// on the sending goroutine, while the socket sends its CONNECT answer or
// flushes the live events held back during a replay: nothing may deadlock
// and the socket leaves with "transport error".
func TestOverflowWhileSending(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		overflow int64
	}{
		{"on the CONNECT answer", 1},
		{"during the flush after a replay", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store := NewMemorySessionStore(time.Minute)
			srv := newServer(Options{Recovery: &RecoveryOptions{Store: store}})
			ns := srv.Of("/")
			ns.OnRecover(func(ctx context.Context, s *Socket, _ string) error {
				for i := 0; i < 20; i++ {
					_ = ns.WithOffset(fmt.Sprint(100+i)).Emit(ctx, "live", i)
				}
				return nil
			})
			gone := make(chan DisconnectReason, 2)
			ns.OnConnection(func(s *Socket) {
				s.OnDisconnect(func(r DisconnectReason) { gone <- r })
			})
			_ = store.SaveSession(context.Background(), Session{PID: "p1", SID: "s1", Namespace: "/", DisconnectedAt: time.Now()})
			c := newFakeConn()
			c.overflow = tt.overflow
			srv.accept(c)
			c.onMessage([]byte(`0{"pid":"p1","offset":"1"}`), false)
			select {
			case r := <-gone:
				if r != ReasonTransportError {
					t.Fatalf("reason %q, want %q", r, ReasonTransportError)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("no disconnect: deadlock?")
			}
		})
	}
}

// TestRecoveryHeldBackOverflow checks that a replay during which too many
// live events arrive is abandoned: the connection closes and no session is
// kept, so the client starts afresh instead of missing events.
func TestRecoveryHeldBackOverflow(t *testing.T) {
	t.Parallel()
	store := NewMemorySessionStore(time.Minute)
	srv := newServer(Options{Recovery: &RecoveryOptions{Store: store, MaxHeldBack: 5}})
	ns := srv.Of("/")
	ns.OnRecover(func(ctx context.Context, s *Socket, _ string) error {
		for i := 0; i < 10; i++ {
			_ = ns.WithOffset(fmt.Sprint(100+i)).Emit(ctx, "live", i)
		}
		return nil
	})
	gone := make(chan DisconnectReason, 1)
	ns.OnConnection(func(s *Socket) {
		s.OnDisconnect(func(r DisconnectReason) { gone <- r })
	})
	_ = store.SaveSession(context.Background(), Session{PID: "p1", SID: "s1", Namespace: "/", DisconnectedAt: time.Now()})
	c := newFakeConn()
	srv.accept(c)
	c.onMessage([]byte(`0{"pid":"p1","offset":"1"}`), false)
	select {
	case r := <-gone:
		if r != ReasonServerNamespaceDisconnect {
			t.Fatalf("reason %q, want %q", r, ReasonServerNamespaceDisconnect)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("socket not disconnected")
	}
	if !c.closed.Load() {
		t.Fatal("connection not closed")
	}
	if n := store.Len(); n != 0 {
		t.Fatalf("%d sessions saved, want none", n)
	}
	// The CONNECT answer of a recovered socket follows its replay: an
	// abandoned replay sends nothing.
	if got := c.frames.Load(); got != 0 {
		t.Fatalf("%d frames sent, want none", got)
	}
}
