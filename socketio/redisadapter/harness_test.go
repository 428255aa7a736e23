package redisadapter_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http/httptest"
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
