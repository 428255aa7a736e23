package redisadapter_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/livedesk/livedesk/engineio"
	"github.com/livedesk/livedesk/socketio"
	"github.com/livedesk/livedesk/socketio/internal/siotest"
	"github.com/livedesk/livedesk/socketio/redisadapter"
)

// Timings short enough for tests: a node is forgotten after 1.2 s of
// silence and a request waits at most 1 s.
var testOptions = redisadapter.Options{
	HeartbeatInterval: 200 * time.Millisecond,
	HeartbeatTimeout:  1200 * time.Millisecond,
	RequestTimeout:    time.Second,
	PublishTimeout:    500 * time.Millisecond,
}

// node is one Socket.IO server of a test cluster.
type node struct {
	name  string
	srv   *socketio.Server
	ns    *socketio.Namespace
	ad    *redisadapter.Adapter
	url   string
	emits chan string // the server-side emits it received: "event args"
}

// newCluster starts n servers sharing r under a key of their own, and
// waits until each knows the others. Clients join the rooms listed in
// their auth object ({"rooms": [...]}).
func newCluster(t *testing.T, r *redisServer, n int) []*node {
	t.Helper()
	opts := testOptions
	opts.Key = "test-" + randomHex()
	nodes := make([]*node, n)
	for i := range nodes {
		opts.Name = fmt.Sprintf("node%d", i)
		nodes[i] = startNode(t, r, opts)
	}
	waitFor(t, "the nodes to discover each other", func() bool {
		for _, nd := range nodes {
			if len(nd.ad.Nodes()) != n-1 {
				return false
			}
		}
		return true
	})
	return nodes
}

func startNode(t *testing.T, r *redisServer, opts redisadapter.Options) *node {
	t.Helper()
	nd := &node{name: opts.Name, emits: make(chan string, 16)}
	nd.srv = socketio.NewServer(socketio.Options{
		Adapter: redisadapter.New(r.Client(), opts),
		Engine:  engineio.Options{PingInterval: 10 * time.Second, PingTimeout: 10 * time.Second},
	})
	nd.ns = nd.srv.Of("/")
	nd.ad = nd.ns.Adapter().(*redisadapter.Adapter)
	nd.ns.Use(func(_ context.Context, s *socketio.Socket) error {
		var a struct {
			Rooms []string `json:"rooms"`
		}
		_ = s.Handshake().DecodeAuth(&a)
		s.Join(a.Rooms...)
		return s.SetData(map[string]string{"node": opts.Name})
	})
	nd.ns.OnServerSideEmit(func(_ context.Context, event string, args socketio.Args) {
		nd.emits <- event + " " + args.String()
	})
	hs := httptest.NewServer(nd.srv)
	nd.url = hs.URL + "/socket.io/"
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = nd.srv.Close(ctx)
		hs.Close()
	})
	return nd
}

// client is a raw Socket.IO client connected to namespace "/".
type client struct {
	*siotest.Client
	id string
}

func connect(t *testing.T, nd *node, rooms ...string) *client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := siotest.Dial(ctx, nd.url, "websocket")
	if err != nil {
		t.Fatalf("dial %s: %v", nd.name, err)
	}
	t.Cleanup(c.Close)
	auth, _ := json.Marshal(map[string]any{"rooms": rooms})
	ans, err := c.Connect("/", string(auth))
	if err != nil {
		t.Fatalf("connect to %s: %v", nd.name, err)
	}
	var a struct {
		SID string `json:"sid"`
	}
	if err := json.Unmarshal([]byte(ans), &a); err != nil || a.SID == "" {
		t.Fatalf("connect answer %s: %v", ans, err)
	}
	return &client{Client: c, id: a.SID}
}

// eventsUntil returns the names of the events c receives before the event
// named end.
func (c *client) eventsUntil(t *testing.T, end string) []string {
	t.Helper()
	var got []string
	for {
		p, err := c.NextPacket(3 * time.Second)
		if err != nil {
			t.Fatalf("client %s: waiting for %q after %v: %v", c.id, end, got, err)
		}
		if p.Type != socketio.PacketEvent {
			got = append(got, p.Type.String())
			continue
		}
		var args []json.RawMessage
		var name string
		if json.Unmarshal(p.Data, &args) != nil || len(args) == 0 || json.Unmarshal(args[0], &name) != nil {
			t.Fatalf("client %s: bad event %s", c.id, p.Data)
		}
		if name == end {
			return got
		}
		got = append(got, name)
	}
}

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
		{"volatile", func(ns *socketio.Namespace) error { return ns.Volatile().To("b").Emit(ctx, "ev") }, []bool{false, true, true}},
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

func TestNodeLeavingAndCrashing(t *testing.T) {
	t.Parallel()
	r := startRedis(t)
	nodes := newCluster(t, r, 3)
	ctx := context.Background()

	// A node that closes its adapter is forgotten at once.
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_ = nodes[2].srv.Close(cctx)
	waitFor(t, "node0 to forget the closed node2", func() bool { return len(nodes[0].ad.Nodes()) == 1 })

	// A node that stops answering but whose heartbeats still arrive (here a
	// fake one) delays one request by RequestTimeout; the request then
	// fails with ErrTimeout, and the next one does not wait for it.
	rdb := r.Client()
	key := nodes[0].ad.Key()
	fake := `{"uid":"zombie","nsp":"/","type":2}`
	if err := rdb.Publish(ctx, key+"-request#/#", fake).Err(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "node0 to count the zombie", func() bool { return slices.Contains(nodes[0].ad.Nodes(), "zombie") })
	start := time.Now()
	_, err := nodes[0].ns.FetchSockets(ctx)
	if !errors.Is(err, redisadapter.ErrTimeout) {
		t.Fatalf("fetch with a zombie: err = %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d < testOptions.RequestTimeout || d > 3*testOptions.RequestTimeout {
		t.Errorf("fetch with a zombie took %s, want about %s", d, testOptions.RequestTimeout)
	}
	start = time.Now()
	if _, err := nodes[0].ns.FetchSockets(ctx); err != nil {
		t.Fatalf("second fetch: %v", err)
	}
	if d := time.Since(start); d > testOptions.RequestTimeout/2 {
		t.Errorf("second fetch took %s: the zombie was not forgotten", d)
	}

	// Malformed messages are ignored.
	for _, bad := range []string{"not json", `{"nsp":"/","type":3}`, `{"uid":"x","nsp":"/","type":3,"data":{}}`, `{"uid":"x","nsp":"/","type":7}`} {
		_ = rdb.Publish(ctx, key+"#/#", bad).Err()
		_ = rdb.Publish(ctx, key+"-request#/#", bad).Err()
	}
	c := connect(t, nodes[1])
	_ = nodes[0].ns.Emit(ctx, "still")
	_ = nodes[0].ns.Emit(ctx, "end")
	if got := c.eventsUntil(t, "end"); !slices.Equal(got, []string{"still"}) {
		t.Errorf("after malformed messages got %v, want [still]", got)
	}
}

func TestOnNodeLeft(t *testing.T) {
	t.Parallel()
	r := startRedis(t)
	opts := testOptions
	opts.Key = "test-" + randomHex()
	left := make(chan string, 4)
	opts.Name = "watcher"
	opts.OnNodeLeft = func(uid string) { left <- uid }
	watcher := startNode(t, r, opts)
	opts.OnNodeLeft = nil
	opts.Name = "closing"
	closing := startNode(t, r, opts)
	waitFor(t, "the nodes to meet", func() bool { return len(watcher.ad.Nodes()) == 1 })

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = closing.srv.Close(ctx)
	select {
	case uid := <-left:
		if uid != closing.ad.UID() {
			t.Errorf("OnNodeLeft(%q), want %q", uid, closing.ad.UID())
		}
	case <-time.After(3 * time.Second):
		t.Fatal("OnNodeLeft was not called for a node that closed")
	}

	// A node that goes silent (a crash) is reported after HeartbeatTimeout.
	if err := r.Client().Publish(ctx, opts.Key+"-request#/#", `{"uid":"crashed","nsp":"/","type":2}`).Err(); err != nil {
		t.Fatal(err)
	}
	select {
	case uid := <-left:
		if uid != "crashed" {
			t.Errorf("OnNodeLeft(%q), want crashed", uid)
		}
	case <-time.After(testOptions.HeartbeatTimeout + 3*time.Second):
		t.Fatal("OnNodeLeft was not called for a silent node")
	}
}

func TestRedisRestart(t *testing.T) {
	t.Parallel()
	r := startRedis(t)
	if !r.private {
		t.Skip("\n*** no redis-server binary: the restart test needs a private Redis it may stop (the shared one is left alone)")
	}
	nodes := newCluster(t, r, 2)
	local := connect(t, nodes[0])
	remote := connect(t, nodes[1])
	ctx := context.Background()

	r.Stop()
	waitFor(t, "the adapters to notice Redis is gone", func() bool {
		return !nodes[0].ad.Connected() && !nodes[1].ad.Connected()
	})

	// Local delivery continues; cross-node operations fail fast.
	start := time.Now()
	err := nodes[0].ns.Emit(ctx, "during")
	if !errors.Is(err, redisadapter.ErrUnavailable) {
		t.Errorf("broadcast without Redis: err = %v, want ErrUnavailable", err)
	}
	_ = nodes[0].ns.Local().Emit(ctx, "end")
	if got := local.eventsUntil(t, "end"); !slices.Equal(got, []string{"during"}) {
		t.Errorf("local client got %v during the outage, want [during]", got)
	}
	if _, err := nodes[0].ns.FetchSockets(ctx); !errors.Is(err, redisadapter.ErrUnavailable) {
		t.Errorf("fetch without Redis: err = %v, want ErrUnavailable", err)
	}
	if err := nodes[0].ns.ServerSideEmit(ctx, "x"); !errors.Is(err, redisadapter.ErrUnavailable) {
		t.Errorf("server-side emit without Redis: err = %v, want ErrUnavailable", err)
	}
	if err := nodes[0].ns.DisconnectSockets(ctx, false); err == nil {
		// Local sockets were disconnected anyway; reconnect one for below.
		t.Errorf("disconnect without Redis: no error")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("operations without Redis took %s, want fast failures", d)
	}
	local = connect(t, nodes[0])

	r.Start()
	waitFor(t, "the adapters to reconnect and find each other", func() bool {
		return nodes[0].ad.Connected() && nodes[1].ad.Connected() &&
			len(nodes[0].ad.Nodes()) == 1 && len(nodes[1].ad.Nodes()) == 1
	})
	if err := nodes[0].ns.Emit(ctx, "after"); err != nil {
		t.Fatalf("broadcast after the restart: %v", err)
	}
	_ = nodes[0].ns.Emit(ctx, "end")
	if got := remote.eventsUntil(t, "end"); !slices.Equal(got, []string{"after"}) {
		t.Errorf("remote client got %v after the restart, want [after] (nothing from the outage)", got)
	}
	if got := local.eventsUntil(t, "end"); !slices.Equal(got, []string{"after"}) {
		t.Errorf("local client got %v after the restart, want [after]", got)
	}
	infos, err := nodes[1].ns.FetchSockets(ctx)
	if err != nil || len(infos) != 2 {
		t.Errorf("fetch after the restart: %d sockets, %v; want 2", len(infos), err)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func randomHex() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
