package engineio

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestPollingMessages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		post string
		want string
	}{
		{"one text packet", "4hello", "4hello"},
		{"several text packets", "4test1\x1e4test2\x1e4test3", "4test1\x1e4test2\x1e4test3"},
		{"text and binary", "4hello\x1ebAQIDBA==", "4hello\x1ebAQIDBA=="},
		{"UTF-8", "4€ 😀", "4€ 😀"},
		{"empty message", "4", "4"},
		{"pong and noop are not echoed", "3\x1e6\x1e4x", "4x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, Options{})
			sid, _ := h.openPolling()
			if status, body := h.post(sid, tt.post); status != 200 || body != "ok" {
				t.Fatalf("POST = %d %q, want 200 ok", status, body)
			}
			if status, body := h.get(sid); status != 200 || body != tt.want {
				t.Errorf("GET = %d %q, want 200 %q", status, body, tt.want)
			}
		})
	}
}

func TestPollingDeliversToOnMessage(t *testing.T) {
	t.Parallel()
	type msg struct {
		data   string
		binary bool
	}
	got := make(chan msg, 8)
	h := newHarness(t, Options{OnConnection: func(c *Conn) {
		c.OnMessage(func(data []byte, binary bool) { got <- msg{string(data), binary} })
	}})
	sid, _ := h.openPolling()
	h.post(sid, "4a\x1ebAQI=\x1e4b")
	want := []msg{{"a", false}, {"\x01\x02", true}, {"b", false}}
	for _, w := range want {
		if m := <-got; m != w {
			t.Errorf("message = %+v, want %+v", m, w)
		}
	}
}

// TestPollingCoalesces checks that everything queued goes out in one
// response, in order, and that a parked GET is answered by a later Send.
func TestPollingCoalesces(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{OnConnection: func(c *Conn) {
		// Queued during OnConnection: travels with the open packet.
		_ = c.Send([]byte("welcome"), false)
	}})
	status, body := h.get("")
	if status != 200 || !strings.HasPrefix(body, "0{") || !strings.HasSuffix(body, "}\x1e4welcome") {
		t.Fatalf("handshake = %d %q, want the open packet then 4welcome", status, body)
	}
	c := h.nextConn()
	sid := c.ID()
	_ = c.Send([]byte("a"), false)
	_ = c.SendBatch([]Message{{Data: []byte("b")}, {Data: []byte{0xff}, Binary: true}})
	if _, body := h.get(sid); body != "4a\x1e4b\x1eb/w==" {
		t.Errorf("GET = %q, want three packets", body)
	}
	go func() {
		time.Sleep(50 * time.Millisecond)
		_ = c.Send([]byte("late"), false)
	}()
	if _, body := h.get(sid); body != "4late" {
		t.Errorf("parked GET = %q, want 4late", body)
	}
}

func TestPollingClosesSession(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		body       string
		header     http.Header
		wantStatus int
		wantReason string
		wantErr    error
		wantNoop   bool // the next GET ends with noop
	}{
		// A malformed payload is answered "200 ok", as the reference
		// does, and closes the session.
		{"invalid packet", "abc", nil, 200, ReasonParseError, ErrInvalidPacket, false},
		{"empty payload", "", nil, 200, ReasonParseError, ErrInvalidPacket, false},
		{"invalid base64", "b!!!", nil, 200, ReasonParseError, ErrInvalidPacket, false},
		{"valid packets then an invalid one", "4a\x1ex", nil, 200, ReasonParseError, ErrInvalidPacket, false},
		{"binary body", "4x", http.Header{"Content-Type": {"application/octet-stream"}}, 400, ReasonTransportError, ErrInvalidPacket, false},
		{"ping from client", "2", nil, 200, ReasonTransportError, ErrHeartbeat, false},
		{"close packet", "1", nil, 200, ReasonTransportClose, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, Options{MaxPayload: 100})
			sid, _ := h.openPolling()
			status, body, _ := h.do("POST", h.pollURL(sid), tt.body, tt.header)
			if status != tt.wantStatus || status == 200 && body != "ok" {
				t.Errorf("POST = %d %q, want %d", status, body, tt.wantStatus)
			}
			ev := h.nextClose()
			if ev.reason != tt.wantReason || !errors.Is(ev.err, tt.wantErr) {
				t.Errorf("OnClose(%q, %v), want (%q, %v)", ev.reason, ev.err, tt.wantReason, tt.wantErr)
			}
			if tt.wantNoop {
				if status, body := h.get(sid); status != 200 || body != "6" {
					t.Errorf("GET after close = %d %q, want 200 6", status, body)
				}
			}
			if status, _ := h.get(sid); status != 400 {
				t.Errorf("GET after close = %d, want 400", status)
			}
			if h.srv.Count() != 0 {
				t.Errorf("Count() = %d, want 0", h.srv.Count())
			}
		})
	}
}

// TestPollingOverMaxPayload: a body over MaxPayload is answered 413 and
// none of it is delivered, but the session goes on, as in the reference
// (which only stops reading the request).
func TestPollingOverMaxPayload(t *testing.T) {
	t.Parallel()
	for _, chunked := range []bool{false, true} {
		t.Run(fmt.Sprintf("chunked=%v", chunked), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, Options{MaxPayload: 100})
			sid, _ := h.openPolling()
			body := io.Reader(strings.NewReader("4" + strings.Repeat("x", 200)))
			if chunked {
				// No Content-Length: the limit applies while reading.
				body = io.MultiReader(strings.NewReader("4"), strings.NewReader(strings.Repeat("x", 200)))
			}
			req, _ := http.NewRequest("POST", h.pollURL(sid), body)
			if chunked {
				req.ContentLength = -1
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != 413 {
				t.Errorf("status = %d, want 413", res.StatusCode)
			}
			if status, body := h.post(sid, "4after"); status != 200 || body != "ok" {
				t.Fatalf("POST after the 413 = %d %q, want 200 ok", status, body)
			}
			if status, body := h.get(sid); status != 200 || body != "4after" {
				t.Errorf("GET after the 413 = %d %q, want the echo of the later POST only", status, body)
			}
			select {
			case ev := <-h.closes:
				t.Errorf("session closed (%q, %v) after a 413", ev.reason, ev.err)
			default:
			}
		})
	}
}

func TestPollingConcurrentGET(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	sid, c := h.openPolling()
	first := make(chan string)
	go func() {
		_, body := h.get(sid)
		first <- body
	}()
	waitParked(t, c)
	if status, _ := h.get(sid); status != 400 {
		t.Errorf("second GET = %d, want 400", status)
	}
	if body := <-first; body != "1" {
		t.Errorf("first GET = %q, want close packet 1", body)
	}
	if ev := h.nextClose(); ev.reason != ReasonTransportError || !errors.Is(ev.err, ErrPollOverlap) {
		t.Errorf("OnClose(%q, %v), want transport error / overlap", ev.reason, ev.err)
	}
	if status, _ := h.get(sid); status != 400 {
		t.Errorf("GET after close = %d, want 400", status)
	}
}

func TestPollingConcurrentPOST(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	sid, c := h.openPolling()
	pr, pw := io.Pipe()
	done := make(chan int)
	go func() {
		req, _ := http.NewRequest("POST", h.pollURL(sid), pr)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- 0
			return
		}
		res.Body.Close()
		done <- res.StatusCode
	}()
	_, _ = pw.Write([]byte("4slow"))
	if !waitFor(c, func(c *Conn) bool { return c.postActive }) {
		t.Fatal("first POST not in flight")
	}
	if status, _ := h.post(sid, "4fast"); status != 400 {
		t.Errorf("second POST = %d, want 400", status)
	}
	if ev := h.nextClose(); !errors.Is(ev.err, ErrPollOverlap) {
		t.Errorf("OnClose err = %v, want ErrPollOverlap", ev.err)
	}
	pw.Close()
	<-done
}

func TestPollingAbortedGET(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	sid, c := h.openPolling()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", h.pollURL(sid), nil)
	go func() {
		waitFor(c, func(c *Conn) bool { return c.pollWaiting })
		cancel()
	}()
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
	}
	if ev := h.nextClose(); ev.reason != ReasonTransportError || !errors.Is(ev.err, ErrPollAborted) {
		t.Errorf("OnClose(%q, %v), want transport error / aborted", ev.reason, ev.err)
	}
	if status, _ := h.get(sid); status != 400 {
		t.Errorf("GET after abort = %d, want 400", status)
	}
}

func TestPollingClientClose(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	sid, c := h.openPolling()
	pending := make(chan string)
	go func() {
		_, body := h.get(sid)
		pending <- body
	}()
	waitParked(t, c)
	h.post(sid, "1")
	if body := <-pending; body != "6" {
		t.Errorf("pending GET = %q, want noop 6", body)
	}
	if ev := h.nextClose(); ev.reason != ReasonTransportClose {
		t.Errorf("reason = %q, want transport close", ev.reason)
	}
}

// TestPollingClientCloseBeforeGET covers the close packet overtaking the
// client's GET: the GET still ends cleanly with noop.
func TestPollingClientCloseBeforeGET(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	sid, _ := h.openPolling()
	if status, body := h.post(sid, "1"); status != 200 || body != "ok" {
		t.Fatalf("POST = %d %q", status, body)
	}
	if status, body := h.get(sid); status != 200 || body != "6" {
		t.Errorf("GET = %d %q, want 200 6", status, body)
	}
	if status, _ := h.get(sid); status != 400 {
		t.Errorf("second GET = %d, want 400", status)
	}
	if status, _ := h.post(sid, "4x"); status != 400 {
		t.Errorf("POST after close = %d, want 400", status)
	}
}

// TestPollingForcedClose: a graceful close (Close, Server.Close) sends
// what was queued first and the close packet in a response of its own, as
// the reference does: the official client handles a close packet before
// the messages of the same payload and would drop them.
func TestPollingForcedClose(t *testing.T) {
	t.Parallel()
	t.Run("pending GET", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, Options{})
		sid, c := h.openPolling()
		pending := make(chan string)
		go func() {
			_, body := h.get(sid)
			pending <- body
		}()
		waitParked(t, c)
		_ = c.SendBatch([]Message{{Data: []byte("bye")}})
		c.Close()
		if body := <-pending; body != "4bye" {
			t.Errorf("GET = %q, want 4bye alone", body)
		}
		if _, b := h.get(sid); b != "1" {
			t.Errorf("next GET = %q, want 1", b)
		}
		if status, _ := h.get(sid); status != 400 {
			t.Errorf("GET after the close packet = %d, want 400", status)
		}
		if ev := h.nextClose(); ev.reason != ReasonForcedClose {
			t.Errorf("reason = %q, want forced close", ev.reason)
		}
	})
	t.Run("pending GET, nothing queued", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, Options{})
		sid, c := h.openPolling()
		pending := make(chan string)
		go func() {
			_, body := h.get(sid)
			pending <- body
		}()
		waitParked(t, c)
		c.Close()
		if body := <-pending; body != "1" {
			t.Errorf("GET = %q, want 1", body)
		}
		if status, _ := h.get(sid); status != 400 {
			t.Errorf("GET after the close packet = %d, want 400", status)
		}
	})
	t.Run("no pending GET", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, Options{})
		sid, c := h.openPolling()
		_ = c.Send([]byte("bye"), false)
		_ = c.SendBulk([]byte("bulk"), false)
		c.Close()
		if err := c.Send([]byte("x"), false); !errors.Is(err, ErrClosed) {
			t.Errorf("Send after Close = %v, want ErrClosed", err)
		}
		if h.srv.Count() != 0 {
			t.Errorf("Count() = %d, want 0", h.srv.Count())
		}
		// The session lingers until its last GET collects the close packet.
		if status, body := h.get(sid); status != 200 || body != "4bye\x1e4bulk" {
			t.Errorf("GET = %d %q, want 200 4bye, 4bulk", status, body)
		}
		if status, body := h.get(sid); status != 200 || body != "1" {
			t.Errorf("second GET = %d %q, want 200 1", status, body)
		}
		if status, _ := h.get(sid); status != 400 {
			t.Errorf("GET after the close packet = %d, want 400", status)
		}
	})
	t.Run("closed by OnConnection", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, Options{OnConnection: func(c *Conn) {
			_ = c.Send([]byte("go away"), false)
			c.Close()
		}})
		status, body := h.get("")
		if status != 200 || !strings.HasPrefix(body, "0{") || !strings.HasSuffix(body, "\x1e4go away") {
			t.Fatalf("handshake = %d %q, want the open packet and the message", status, body)
		}
		var hs handshake
		_ = json.Unmarshal([]byte(body[1:strings.IndexByte(body, 0x1e)]), &hs)
		if status, body := h.get(hs.SID); status != 200 || body != "1" {
			t.Errorf("GET = %d %q, want 200 1", status, body)
		}
	})
	t.Run("server shutdown with a pending GET", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, Options{})
		sid, c := h.openPolling()
		pending := make(chan string)
		go func() {
			_, body := h.get(sid)
			pending <- body
		}()
		waitParked(t, c)
		_ = c.SendBulk([]byte("bye"), false)
		closed := make(chan error)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			closed <- h.srv.Close(ctx)
		}()
		if body := <-pending; body != "4bye" {
			t.Errorf("GET = %q, want 4bye alone", body)
		}
		// The close packet, unless the GET had already answered when
		// Server.Close ran: then, with no GET in flight, the session is
		// discarded, as by the reference.
		if status, b := h.get(sid); b != "1" && status != 400 {
			t.Errorf("next GET = %d %q, want 1 (or 400)", status, b)
		}
		if err := <-closed; err != nil {
			t.Errorf("Server.Close = %v", err)
		}
	})
}
