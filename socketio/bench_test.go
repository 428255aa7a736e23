package socketio

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"
)

func BenchmarkEncodeEvent(b *testing.B) {
	payload := map[string]any{"seq": 1234, "delivery": map[string]any{"id": "d-1", "status": "delivered", "note": "left at the door"}}
	cases := []struct {
		name string
		args []any
	}{
		{"string", []any{"hello"}},
		{"struct", []any{payload}},
		{"binary", []any{make([]byte, 1024)}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p, err := newEventPacket("/", "delivery:updated", c.args, "1234")
				if err != nil {
					b.Fatal(err)
				}
				_ = p.Encode()
			}
		})
	}
}

func BenchmarkDecodeEvent(b *testing.B) {
	msg := []byte(`2["delivery:update",{"id":"d-1","status":"delivered","note":"left at the door","idempotencyKey":"k-1"}]`)
	b.ReportAllocs()
	for b.Loop() {
		var d Decoder
		p, err := d.Add(msg, false)
		if err != nil || p == nil {
			b.Fatal(err)
		}
	}
}

// connectFake joins n fake connections to ns, every socket in room.
func connectFake(b *testing.B, srv *Server, ns *Namespace, n int, room string) []*fakeConn {
	b.Helper()
	ready := make(chan struct{}, n)
	ns.OnConnection(func(s *Socket) {
		s.Join(room)
		ready <- struct{}{}
	})
	conns := make([]*fakeConn, n)
	for i := range conns {
		c := newFakeConn()
		srv.accept(c)
		c.onMessage([]byte("0"), false)
		conns[i] = c
	}
	for range n {
		select {
		case <-ready:
		case <-time.After(10 * time.Second):
			b.Fatal("sockets did not connect")
		}
	}
	return conns
}

// BenchmarkBroadcast measures the fan-out of one event to every socket of
// a room: one encoding, then one queue operation per socket.
func BenchmarkBroadcast(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		b.Run(fmt.Sprintf("sockets=%d", n), func(b *testing.B) {
			srv := newServer(Options{})
			ns := srv.Of("/")
			conns := connectFake(b, srv, ns, n, "admins")
			payload := map[string]any{"seq": 1, "customer": map[string]any{"id": "c-1", "balanceCents": 1200}}
			op := ns.To("admins").WithOffset("1")
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if err := op.Emit(ctx, "payment:added", payload); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/socket")
			for _, c := range conns {
				c.closeWith("transport close")
			}
		})
	}
}

// BenchmarkIdleSocketMemory reports the heap and goroutines that idle
// connected sockets cost (fake connections included).
func BenchmarkIdleSocketMemory(b *testing.B) {
	const n = 10_000
	for b.Loop() {
		srv := newServer(Options{})
		ns := srv.Of("/")
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		conns := connectFake(b, srv, ns, n, "admins")
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "heapB/socket")
		b.ReportMetric(float64(runtime.NumGoroutine()), "goroutines")
		for _, c := range conns {
			c.closeWith("transport close")
		}
	}
}
