package redisadapter_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/livedesk/livedesk/socketio"
)

func TestBroadcastAcrossNodes(t *testing.T) {
	t.Parallel()
	r := startRedis(t)
	nodes := newCluster(t, r, 3)
	// c0 on node0 in a; c1 on node1 in a and b; c2 on node2 in b.
	c0 := connect(t, nodes[0], "a")
	c1 := connect(t, nodes[1], "a", "b")
	c2 := connect(t, nodes[2], "b")
	clients := []*client{c0, c1, c2}
	ctx := context.Background()

	tests := []struct {
		name string
		emit func(ns *socketio.Namespace) error
		want []bool // which of c0, c1, c2 receive it
	}{
		{"everyone", func(ns *socketio.Namespace) error { return ns.Emit(ctx, "ev") }, []bool{true, true, true}},
		{"room a", func(ns *socketio.Namespace) error { return ns.To("a").Emit(ctx, "ev") }, []bool{true, true, false}},
		{"room b", func(ns *socketio.Namespace) error { return ns.To("b").Emit(ctx, "ev") }, []bool{false, true, true}},
		{"a or b", func(ns *socketio.Namespace) error { return ns.To("a", "b").Emit(ctx, "ev") }, []bool{true, true, true}},
		{"b except a", func(ns *socketio.Namespace) error { return ns.To("b").Except("a").Emit(ctx, "ev") }, []bool{false, false, true}},
		{"except a remote socket", func(ns *socketio.Namespace) error { return ns.Except(c1.id).Emit(ctx, "ev") }, []bool{true, false, true}},
		{"a remote socket's own room", func(ns *socketio.Namespace) error { return ns.To(c2.id).Emit(ctx, "ev") }, []bool{false, false, true}},
		{"local only", func(ns *socketio.Namespace) error { return ns.Local().Emit(ctx, "ev") }, []bool{true, false, false}},
		// Volatile events may be dropped (socketio's TestVolatileBroadcast);
		// the flag travels with the options.
		{"compressed", func(ns *socketio.Namespace) error { return ns.To("b").Compress(true).Emit(ctx, "ev") }, []bool{false, true, true}},
		{"room with nobody", func(ns *socketio.Namespace) error { return ns.To("nobody").Emit(ctx, "ev") }, []bool{false, false, false}},
	}
	for _, tt := range tests {
		// Sent from node0; "end" follows through the same channel, so it
		// arrives after the event on every node.
		if err := tt.emit(nodes[0].ns); err != nil {
			t.Fatalf("%s: emit: %v", tt.name, err)
		}
		if err := nodes[0].ns.Emit(ctx, "end"); err != nil {
			t.Fatalf("%s: emit end: %v", tt.name, err)
		}
		for i, c := range clients {
			got := c.eventsUntil(t, "end")
			want := []string{}
			if tt.want[i] {
				want = []string{"ev"}
			}
			if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Errorf("%s: client %d on node%d got %v, want %v", tt.name, i, i, got, want)
			}
		}
	}
}

func TestBinaryAndOffsetCrossNodes(t *testing.T) {
	t.Parallel()
	r := startRedis(t)
	nodes := newCluster(t, r, 2)
	c := connect(t, nodes[1])
	if err := nodes[0].ns.WithOffset("42").Emit(context.Background(), "bin", []byte{0, 1, 2, 255}, map[string]int{"n": 1}); err != nil {
		t.Fatal(err)
	}
	p, err := c.NextPacket(3 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if p.Type != socketio.PacketBinaryEvent || len(p.Attachments) != 1 || string(p.Attachments[0]) != "\x00\x01\x02\xff" {
		t.Fatalf("got %s %s %q, want BINARY_EVENT with attachment 00 01 02 ff", p.Type, p.Data, p.Attachments)
	}
	if want := `["bin",{"_placeholder":true,"num":0},{"n":1}]`; string(p.Data) != want {
		t.Errorf("data = %s, want %s (no recovery on this server, so no offset)", p.Data, want)
	}
}

func TestFetchSocketsAcrossNodes(t *testing.T) {
	t.Parallel()
	r := startRedis(t)
	nodes := newCluster(t, r, 3)
	c0 := connect(t, nodes[0], "a")
	c1 := connect(t, nodes[1], "a", "b")
	c2 := connect(t, nodes[2], "b")
	ctx := context.Background()

	tests := []struct {
		name string
		op   *socketio.BroadcastOperator
		want []string
	}{
		{"all", nodes[0].ns.To(), []string{c0.id, c1.id, c2.id}},
		{"room b", nodes[0].ns.In("b"), []string{c1.id, c2.id}},
		{"room a except b", nodes[2].ns.In("a").Except("b"), []string{c0.id}},
		{"local", nodes[1].ns.Local(), []string{c1.id}},
	}
	for _, tt := range tests {
		infos, err := tt.op.FetchSockets(ctx)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var got []string
		for _, info := range infos {
			got = append(got, info.ID)
		}
		slices.Sort(got)
		slices.Sort(tt.want)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}

	// What travels is the whole description: rooms, data, handshake.
	infos, err := nodes[0].ns.In(c2.id).FetchSockets(ctx)
	if err != nil || len(infos) != 1 {
		t.Fatalf("fetch c2: %v %v", infos, err)
	}
	info := infos[0]
	if !slices.Equal(info.Rooms, []string{c2.id, "b"}) && !slices.Equal(info.Rooms, []string{"b", c2.id}) {
		t.Errorf("rooms = %v, want [%s b]", info.Rooms, c2.id)
	}
	if string(info.Data) != `{"node":"node2"}` {
		t.Errorf("data = %s, want {\"node\":\"node2\"}", info.Data)
	}
	if info.Handshake == nil || !strings.Contains(string(info.Handshake.Auth), `"b"`) || info.Namespace != "/" {
		t.Errorf("handshake = %+v, nsp %q; want the auth naming room b, nsp /", info.Handshake, info.Namespace)
	}
}

func TestSocketsJoinLeaveAcrossNodes(t *testing.T) {
	t.Parallel()
	r := startRedis(t)
	nodes := newCluster(t, r, 2)
	c := connect(t, nodes[1])
	ctx := context.Background()

	if err := nodes[0].ns.In(c.id).SocketsJoin(ctx, "late"); err != nil {
		t.Fatalf("join: %v", err)
	}
	// SocketsJoin returned once node1 applied it: no waiting needed.
	_ = nodes[0].ns.To("late").Emit(ctx, "joined")
	_ = nodes[0].ns.Emit(ctx, "end")
	if got := c.eventsUntil(t, "end"); !slices.Equal(got, []string{"joined"}) {
		t.Fatalf("after join got %v, want [joined]", got)
	}
	if err := nodes[0].ns.In(c.id).SocketsLeave(ctx, "late"); err != nil {
		t.Fatalf("leave: %v", err)
	}
	_ = nodes[0].ns.To("late").Emit(ctx, "joined")
	_ = nodes[0].ns.Emit(ctx, "end")
	if got := c.eventsUntil(t, "end"); len(got) != 0 {
		t.Fatalf("after leave got %v, want nothing", got)
	}
}

func TestDisconnectSocketsAcrossNodes(t *testing.T) {
	t.Parallel()
	r := startRedis(t)
	nodes := newCluster(t, r, 3)
	stay := connect(t, nodes[1], "keep")
	gone1 := connect(t, nodes[1], "suspended")
	gone2 := connect(t, nodes[2], "suspended")
	ctx := context.Background()

	if err := nodes[0].ns.In("suspended").DisconnectSockets(ctx, false); err != nil {
		t.Fatalf("disconnect: %v", err)
	}
	for _, c := range []*client{gone1, gone2} {
		p, err := c.NextPacket(3 * time.Second)
		if err != nil || p.Type != socketio.PacketDisconnect {
			t.Errorf("client %s: got %v %v, want DISCONNECT", c.id, p, err)
		}
	}
	// The call returned after the other nodes applied it.
	infos, err := nodes[0].ns.FetchSockets(ctx)
	if err != nil || len(infos) != 1 || infos[0].ID != stay.id {
		t.Fatalf("left: %+v %v, want only %s", infos, err, stay.id)
	}
}

func TestServerSideEmit(t *testing.T) {
	t.Parallel()
	r := startRedis(t)
	nodes := newCluster(t, r, 3)
	if err := nodes[0].ns.ServerSideEmit(context.Background(), "livedesk:commit", 42, "x"); err != nil {
		t.Fatal(err)
	}
	for _, nd := range nodes[1:] {
		select {
		case got := <-nd.emits:
			if want := `livedesk:commit [42,"x"]`; got != want {
				t.Errorf("%s got %q, want %q", nd.name, got, want)
			}
		case <-time.After(3 * time.Second):
			t.Errorf("%s received no server-side emit", nd.name)
		}
	}
	select {
	case got := <-nodes[0].emits:
		t.Errorf("the sender received its own server-side emit %q", got)
	case <-time.After(200 * time.Millisecond):
	}
}
