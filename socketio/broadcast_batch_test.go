package socketio

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// batchServer connects n fake sockets to a server with recovery on, all in
// room "r", and journals every frame sent, in order, with its connection.
func batchServer(t *testing.T, n int) (*Namespace, func() []string) {
	t.Helper()
	srv := newServer(Options{Recovery: &RecoveryOptions{}})
	ns := srv.Of("/")
	joined := make(chan struct{}, n)
	ns.OnConnection(func(s *Socket) { s.Join("r"); joined <- struct{}{} })
	var mu sync.Mutex
	var journal []string
	for i := range n {
		c := newFakeConn()
		c.onSend = func(_ *fakeConn, data []byte) {
			if strings.HasPrefix(string(data), "2[") { // events, not the CONNECT answer
				mu.Lock()
				journal = append(journal, fmt.Sprintf("%d %s", i, data))
				mu.Unlock()
			}
		}
		srv.accept(c)
		c.onMessage([]byte("0"), false)
	}
	for range n {
		select {
		case <-joined:
		case <-time.After(5 * time.Second):
			t.Fatal("sockets did not connect")
		}
	}
	return ns, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), journal...)
	}
}

// TestEmitBatchHandsEachSocketItsEventsTogether: EmitBatch gives each
// socket every event of the batch, in order and with its own offset,
// before the next socket, so that a connection's writer finds them queued
// together and writes them at once. One Emit per event (the contrast
// below) hands the first event to every socket before the second, and on
// one CPU the writers' yield (broadcastHead) sends most sockets the first
// event alone.
func TestEmitBatchHandsEachSocketItsEventsTogether(t *testing.T) {
	const n = 100
	ctx := context.Background()

	ns, journal := batchServer(t, n)
	err := ns.Local().To("r").EmitBatch(ctx,
		BatchEvent{Name: "payment:added", Args: []any{1}, Offset: "e:7-0"},
		BatchEvent{Name: "activity:updated", Args: []any{2}, Offset: "e:7-1"})
	if err != nil {
		t.Fatal(err)
	}
	got := journal()
	if len(got) != 2*n {
		t.Fatalf("%d frames sent, want %d: %q", len(got), 2*n, got)
	}
	for k := 0; k < len(got); k += 2 {
		conn := strings.Fields(got[k])[0]
		want := []string{conn + ` 2["payment:added",1,"e:7-0"]`, conn + ` 2["activity:updated",2,"e:7-1"]`}
		if got[k] != want[0] || got[k+1] != want[1] {
			t.Fatalf("frames %d and %d are %q and %q, want one socket's two events in order: %q", k, k+1, got[k], got[k+1], want)
		}
	}

	// The contrast, so that the check above can tell: two Emits.
	ns, journal = batchServer(t, n)
	_ = ns.Local().To("r").WithOffset("e:7-0").Emit(ctx, "payment:added", 1)
	_ = ns.Local().To("r").WithOffset("e:7-1").Emit(ctx, "activity:updated", 2)
	if got := journal(); len(got) != 2*n || !strings.Contains(got[1], "payment:added") {
		t.Fatalf("two Emits: the second frame sent is %q, expected the first event to another socket", got[1])
	}
}

// TestEmitBatchWithoutBatchingAdapter: an adapter that cannot batch (or an
// operation that is not Local on one that embeds a MemoryAdapter) gets one
// Broadcast per event, each with its offset and the operator's selection.
func TestEmitBatchWithoutBatchingAdapter(t *testing.T) {
	srv := newServer(Options{Recovery: &RecoveryOptions{}})
	ns := srv.Of("/")
	rec := &recordingAdapter{MemoryAdapter: newMemoryAdapter(ns)}
	ns.adapter = rec
	err := ns.To("a").Except("b").EmitBatch(context.Background(),
		BatchEvent{Name: "x", Offset: "1"}, BatchEvent{Name: "y", Args: []any{"s"}, Offset: "2"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`[a] [b] 1 2["x","1"]`, `[a] [b] 2 2["y","s","2"]`}
	if fmt.Sprint(rec.calls) != fmt.Sprint(want) {
		t.Fatalf("broadcasts %q, want %q", rec.calls, want)
	}
}

// recordingAdapter embeds a MemoryAdapter, as the Redis adapter does, and
// records its Broadcasts.
type recordingAdapter struct {
	*MemoryAdapter
	calls []string
}

func (r *recordingAdapter) Broadcast(ctx context.Context, p *Packet, opts BroadcastOptions) error {
	r.calls = append(r.calls, fmt.Sprintf("%v %v %s %s", opts.Rooms, opts.Except, opts.Flags.Offset, p.Encode()[0]))
	return nil
}
