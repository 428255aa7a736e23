package socketio_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/livedesk/livedesk/socketio"
)

// TestVolatileBroadcast checks Node's volatile flag: the event reaches a
// client whose transport is writable (an idle WebSocket) and is dropped for
// one whose transport is not (a polling client with no GET waiting), while
// an ordinary event after it reaches both.
func TestVolatileBroadcast(t *testing.T) {
	t.Parallel()
	joined := make(chan *socketio.Socket, 2)
	srv, url := startServer(t, socketio.Options{}, func(srv *socketio.Server) {
		srv.Of("/").OnConnection(func(s *socketio.Socket) { joined <- s })
	})
	ws := dial(t, url, "websocket")
	mustConnect(t, ws, "/", "")
	waitFor(t, joined)

	// A polling session driven by hand, so that no GET is waiting.
	get := func(sid string) string {
		t.Helper()
		u := url + "?EIO=4&transport=polling"
		if sid != "" {
			u += "&sid=" + sid
		}
		res, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return string(b)
	}
	open := get("")
	sid := open[strings.Index(open, `"sid":"`)+7:]
	sid = sid[:strings.IndexByte(sid, '"')]
	res, err := http.Post(url+"?EIO=4&transport=polling&sid="+sid, "text/plain", strings.NewReader("40"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	waitFor(t, joined)
	if got := get(sid); !strings.HasPrefix(got, "40{") {
		t.Fatalf("polling client got %q, want the CONNECT answer", got)
	}

	// The WebSocket client reads everything, so its transport is writable
	// again soon after each write (how soon is up to the scheduler): some
	// round gets the volatile event through. The polling client never
	// has a GET waiting: it gets none of them.
	ctx := context.Background()
	ns := srv.Of("/")
	var wsGot bool
	rounds := 0
	for ; rounds < 20 && !wsGot; rounds++ {
		if err := ns.Volatile().Emit(ctx, "v", rounds); err != nil {
			t.Fatal(err)
		}
		if err := ns.Emit(ctx, "n", rounds); err != nil {
			t.Fatal(err)
		}
		for {
			got, err := ws.NextText(wait)
			if err != nil {
				t.Fatal(err)
			}
			if got == fmt.Sprintf(`2["v",%d]`, rounds) {
				wsGot = true
				continue
			}
			if got != fmt.Sprintf(`2["n",%d]`, rounds) {
				t.Fatalf("WebSocket client got %q in round %d", got, rounds)
			}
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !wsGot {
		t.Fatalf("the idle WebSocket client got no volatile event in %d rounds", rounds)
	}
	var want []string
	for i := 0; i < rounds; i++ {
		want = append(want, fmt.Sprintf(`42["n",%d]`, i))
	}
	if got := get(sid); got != strings.Join(want, "\x1e") {
		t.Fatalf("polling client got %q, want only the ordinary events %q", got, want)
	}
}

// TestEmitVolatile checks the socket's own volatile emit on a writable
// transport, and that it carries no recovery offset.
func TestEmitVolatile(t *testing.T) {
	t.Parallel()
	_, url := startServer(t, socketio.Options{Recovery: &socketio.RecoveryOptions{}}, func(srv *socketio.Server) {
		srv.Of("/").OnConnection(func(s *socketio.Socket) {
			s.On("go", func(context.Context, socketio.Args, socketio.AckFunc) { _ = s.EmitVolatile("pos", 1, 2) })
		})
	})
	c := dial(t, url, "websocket")
	mustConnect(t, c, "/", "")
	// A volatile packet may be dropped when the transport is busy at that
	// instant (that is what volatile means; on a loaded machine the writer
	// can be), so ask again until one arrives; whatever arrives must be
	// the event without an offset.
	for attempt := 1; ; attempt++ {
		if err := c.SendText(`2["go"]`); err != nil {
			t.Fatal(err)
		}
		got, err := c.NextText(500 * time.Millisecond)
		if err == nil {
			if got != `2["pos",1,2]` {
				t.Fatalf("got %q, want %q", got, `2["pos",1,2]`)
			}
			return
		}
		if attempt == 20 {
			t.Fatalf("no volatile event in %d attempts on an idle WebSocket: %v", attempt, err)
		}
	}
}
