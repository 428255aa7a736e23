package redisadapter_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/livedesk/livedesk/socketio"
)

// answer makes c answer each event asking for an acknowledgement with its
// name and, when binary is set, a binary argument.
func (c *client) answer(name string, binary bool) {
	go func() {
		for {
			p, err := c.NextPacket(10 * time.Second)
			if err != nil {
				return
			}
			if p.Type != socketio.PacketEvent || !p.HasID {
				continue
			}
			if binary {
				_ = c.SendText(fmt.Sprintf(`61-%d["%s",{"_placeholder":true,"num":0}]`, p.ID, name))
				_ = c.SendBinary([]byte{42})
				continue
			}
			_ = c.SendText(fmt.Sprintf(`3%d["%s"]`, p.ID, name))
		}
	}()
}

// TestBroadcastWithAckAcrossNodes checks broadcasts with acknowledgements
// through Redis as the reference adapters do them: every node reports how
// many of its sockets it reached and forwards their answers (binary ones
// included) to the node that broadcast, which returns once it has them all.
func TestBroadcastWithAckAcrossNodes(t *testing.T) {
	t.Parallel()
	r := startRedis(t)
	nodes := newCluster(t, r, 3)
	connect(t, nodes[0], "a").answer("c0", false)
	connect(t, nodes[1], "a").answer("c1", false)
	connect(t, nodes[2], "a").answer("c2", true)
	connect(t, nodes[2], "b") // not selected, never answers

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	answers, err := nodes[0].ns.To("a").EmitWithAck(ctx, "q", 1)
	if err != nil {
		t.Fatalf("EmitWithAck: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("took %v: it waited past the last answer", d)
	}
	var names []string
	for _, a := range answers {
		var name string
		_ = a.Decode(0, &name)
		names = append(names, name)
		if name == "c2" {
			if b, ok := a.Bytes(1); !ok || !slices.Equal(b, []byte{42}) {
				t.Fatalf("c2's binary answer arrived as %v (%s)", b, a)
			}
		}
	}
	slices.Sort(names)
	if want := []string{"c0", "c1", "c2"}; !slices.Equal(names, want) {
		t.Fatalf("answers from %v, want %v", names, want)
	}

	// The whole namespace, b's silent socket included: the deadline ends
	// the wait with the three answers.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel2()
	answers, err = nodes[1].ns.EmitWithAck(ctx2, "q", 2)
	if !errors.Is(err, context.DeadlineExceeded) || len(answers) != 3 {
		t.Fatalf("got %d answers and %v, want 3 and a deadline error", len(answers), err)
	}

	// Local only: node0's own socket.
	answers, err = nodes[0].ns.Local().EmitWithAck(ctx, "q", 3)
	if err != nil || len(answers) != 1 {
		t.Fatalf("local: %d answers, %v; want 1", len(answers), err)
	}
}
