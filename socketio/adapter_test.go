package socketio

import (
	"context"
	"encoding/json"
	"testing"
)

// TestDispatchServerSideEmit checks the entry point that cluster adapters
// call with the packets other nodes send.
func TestDispatchServerSideEmit(t *testing.T) {
	t.Parallel()
	srv := newServer(Options{})
	ns := srv.Of("/")
	type call struct {
		event string
		args  string
	}
	got := make(chan call, 1)
	ns.OnServerSideEmit(func(_ context.Context, event string, args Args) {
		got <- call{event, args.String()}
	})
	// On one node there is nobody else to reach.
	if err := ns.ServerSideEmit(context.Background(), "wake", 1); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-got:
		t.Fatalf("local handler called with %+v", c)
	default:
	}
	p, err := newEventPacket("/", "commit", []any{41, map[string]string{"by": "node-2"}}, "")
	if err != nil {
		t.Fatal(err)
	}
	// A cluster adapter ships the packet as JSON and back.
	b, _ := json.Marshal(p)
	var back Packet
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if err := ns.DispatchServerSideEmit(context.Background(), &back); err != nil {
		t.Fatal(err)
	}
	want := call{"commit", `[41,{"by":"node-2"}]`}
	if c := <-got; c != want {
		t.Fatalf("got %+v, want %+v", c, want)
	}
	if err := ns.DispatchServerSideEmit(context.Background(), &Packet{Type: PacketEvent, Data: json.RawMessage(`{}`)}); err == nil {
		t.Fatal("malformed packet accepted")
	}
}

// TestBroadcastOperatorImmutable checks that deriving an operator never
// changes the one it came from.
func TestBroadcastOperatorImmutable(t *testing.T) {
	t.Parallel()
	srv := newServer(Options{})
	base := srv.Of("/").To("a")
	derived := base.To("b").Except("c").Volatile().WithOffset("7")
	if o := base.Options(); len(o.Rooms) != 1 || len(o.Except) != 0 || o.Flags != (BroadcastFlags{}) {
		t.Fatalf("base changed: %+v", o)
	}
	o := derived.Options()
	if len(o.Rooms) != 2 || o.Except[0] != "c" || !o.Flags.Volatile || o.Flags.Offset != "7" {
		t.Fatalf("derived: %+v", o)
	}
}

func TestNewArgs(t *testing.T) {
	t.Parallel()
	args, err := NewArgs("a", 2, []byte{3}, map[string]bool{"d": true})
	if err != nil {
		t.Fatal(err)
	}
	var s string
	var n int
	var b []byte
	var m map[string]bool
	if args.Len() != 4 || args.Decode(0, &s) != nil || args.Decode(1, &n) != nil ||
		args.Decode(2, &b) != nil || args.Decode(3, &m) != nil {
		t.Fatalf("decode %v failed", args)
	}
	if s != "a" || n != 2 || len(b) != 1 || b[0] != 3 || !m["d"] {
		t.Fatalf("got %q %d %v %v", s, n, b, m)
	}
	if err := args.Decode(4, &s); err == nil {
		t.Fatal("decoding a missing argument succeeded")
	}
}
