package socketio_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/livedesk/livedesk/socketio"
	"github.com/livedesk/livedesk/socketio/internal/siotest"
)

// answerAcks makes c answer every event that asks for an acknowledgement
// with the value it was given plus the event's first argument.
func answerAcks(t *testing.T, c *siotest.Client, value string) {
	go func() {
		for {
			p, err := c.NextPacket(wait)
			if err != nil {
				return
			}
			if p.Type != socketio.PacketEvent || !p.HasID {
				continue
			}
			var args []any
			_ = jsonUnmarshal(p.Data, &args)
			_ = c.SendText(fmt.Sprintf(`3%d["%s",%v]`, p.ID, value, args[1]))
		}
	}()
}

// TestBroadcastWithAck checks Node's io.timeout(ms).emit(ev, …, cb): every
// selected socket gets the event with an acknowledgement id, the answers
// are collected, and the call returns as soon as all came (or with those
// received and an error when the deadline passes first).
func TestBroadcastWithAck(t *testing.T) {
	t.Parallel()
	joined := make(chan struct{}, 8)
	srv, url := startServer(t, socketio.Options{}, func(srv *socketio.Server) {
		srv.Of("/").OnConnection(func(s *socketio.Socket) {
			var auth struct{ Room string }
			_ = s.Handshake().DecodeAuth(&auth)
			s.Join(auth.Room)
			joined <- struct{}{}
		})
	})
	ns := srv.Of("/")
	for i, tr := range transports {
		c := dial(t, url, tr)
		mustConnect(t, c, "/", `{"room":"answer"}`)
		waitFor(t, joined)
		answerAcks(t, c, fmt.Sprint("c", i))
	}
	silent := dial(t, url, "websocket")
	mustConnect(t, silent, "/", `{"room":"silent"}`)
	waitFor(t, joined)

	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	start := time.Now()
	answers, err := ns.To("answer").EmitWithAck(ctx, "q", 7)
	if err != nil {
		t.Fatalf("EmitWithAck: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("took %v: it waited past the last answer", d)
	}
	var got []string
	for _, a := range answers {
		got = append(got, a.String())
	}
	slices.Sort(got)
	if want := []string{`["c0",7]`, `["c1",7]`, `["c2",7]`}; !slices.Equal(got, want) {
		t.Fatalf("answers %v, want %v", got, want)
	}

	// The silent socket never answers: the deadline ends the wait, with
	// the answers received.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel2()
	answers, err = ns.EmitWithAck(ctx2, "q", 8)
	if !errors.Is(err, context.DeadlineExceeded) || len(answers) != 3 {
		t.Fatalf("got %d answers and %v, want 3 and a deadline error", len(answers), err)
	}
	if p, err := silent.NextPacket(wait); err != nil || !p.HasID || !strings.Contains(string(p.Data), `"q"`) {
		t.Fatalf("the silent client got %v, %v; want the event with an ack id", p, err)
	}

	// No socket selected: done at once.
	answers, err = ns.To("nobody").EmitWithAck(context.Background(), "q", 9)
	if err != nil || len(answers) != 0 {
		t.Fatalf("empty selection: %d answers, %v", len(answers), err)
	}
}
