package redisadapter_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/livedesk/livedesk/socketio"
	"github.com/livedesk/livedesk/socketio/redisadapter"
)

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

func TestClientClosedUnderTheAdapter(t *testing.T) {
	t.Parallel()
	r := startRedis(t)
	opts := testOptions
	opts.Key = "test-" + randomHex()
	rdb := r.Client()
	srv := socketio.NewServer(socketio.Options{Adapter: redisadapter.New(rdb, opts)})
	ad := srv.Of("/").Adapter().(*redisadapter.Adapter)
	waitFor(t, "the subscription", ad.Connected)
	_ = rdb.Close()
	waitFor(t, "the adapter to notice", func() bool { return !ad.Connected() })
	if err := srv.Of("/").Emit(context.Background(), "x"); !errors.Is(err, redisadapter.ErrClosed) && !errors.Is(err, redisadapter.ErrUnavailable) {
		t.Errorf("emit on a closed client: %v, want ErrClosed or ErrUnavailable", err)
	}
	done := make(chan struct{})
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Close(ctx)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close hung after the client was closed")
	}
}

// A node's last messages can reach the others after its close: a
// heartbeat published on another connection of the pool just before, or a
// broadcast in flight. Such a straggler must not bring the node back, or
// it would be reported gone a second time when its heartbeat expires (seen
// in CI as TestOnNodeLeft's "want crashed").
func TestMessagesAfterCloseDoNotReviveANode(t *testing.T) {
	t.Parallel()
	r := startRedis(t)
	opts := testOptions
	opts.Key = "test-" + randomHex()
	left := make(chan string, 4)
	opts.OnNodeLeft = func(uid string) { left <- uid }
	watcher := startNode(t, r, opts)

	ctx := context.Background()
	publish := func(typ int) {
		t.Helper()
		msg := fmt.Sprintf(`{"uid":"late","nsp":"/","type":%d}`, typ)
		if err := r.Client().Publish(ctx, opts.Key+"-request#/#", msg).Err(); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the watcher to subscribe", watcher.ad.Connected)
	publish(2) // heartbeat: the node is known
	waitFor(t, "the node to be known", func() bool { return slices.Contains(watcher.ad.Nodes(), "late") })
	publish(13) // its close
	publish(2)  // and a heartbeat that was on its way
	select {
	case uid := <-left:
		if uid != "late" {
			t.Fatalf("OnNodeLeft(%q), want late", uid)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("OnNodeLeft was not called for a node that closed")
	}
	select {
	case uid := <-left:
		t.Errorf("OnNodeLeft(%q) again: a message after the close brought the node back", uid)
	case <-time.After(opts.HeartbeatTimeout + time.Second):
	}
	if nodes := watcher.ad.Nodes(); slices.Contains(nodes, "late") {
		t.Errorf("Nodes() = %v after the close, want without late", nodes)
	}
}
