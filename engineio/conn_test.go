package engineio

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
)

func TestHeartbeat(t *testing.T) {
	t.Parallel()
	// Generous timeouts where the client must answer in time, on a loaded
	// machine; short ones where the test waits for the timeout.
	alive := Options{PingInterval: 50 * time.Millisecond, PingTimeout: time.Second}
	dead := Options{PingInterval: 50 * time.Millisecond, PingTimeout: 100 * time.Millisecond}
	t.Run("polling pongs keep the session", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, alive)
		sid, _ := h.openPolling()
		for range 3 {
			if status, body := h.get(sid); status != 200 || body != "2" {
				t.Fatalf("GET = %d %q, want ping 2", status, body)
			}
			if status, _ := h.post(sid, "3"); status != 200 {
				t.Fatalf("pong POST = %d", status)
			}
		}
	})
	t.Run("websocket pongs keep the session", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, alive)
		ws, _, _ := h.openWS()
		for range 3 {
			if _, got := readWS(t, ws); got != "2" {
				t.Fatalf("got %q, want ping 2", got)
			}
			writeWS(t, ws, websocket.MessageText, "3")
		}
	})
	t.Run("polling ping timeout", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, dead)
		sid, _ := h.openPolling()
		if ev := h.nextClose(); ev.reason != ReasonPingTimeout {
			t.Errorf("reason = %q, want ping timeout", ev.reason)
		}
		if status, _ := h.get(sid); status != 400 {
			t.Errorf("GET after timeout = %d, want 400", status)
		}
	})
	t.Run("websocket ping timeout", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, dead)
		ws, _, _ := h.openWS()
		if _, got := readWS(t, ws); got != "2" {
			t.Fatalf("got %q, want ping 2", got)
		}
		waitWSClosed(t, ws)
		if ev := h.nextClose(); ev.reason != ReasonPingTimeout {
			t.Errorf("reason = %q, want ping timeout", ev.reason)
		}
		if h.srv.Count() != 0 {
			t.Errorf("Count() = %d, want 0", h.srv.Count())
		}
	})
	t.Run("only a pong answers a ping", func(t *testing.T) {
		t.Parallel()
		// The spec and the reference count only a pong: a client that
		// keeps sending but never answers pings is timed out.
		h := newHarness(t, Options{PingInterval: 50 * time.Millisecond, PingTimeout: 150 * time.Millisecond,
			OnConnection: func(c *Conn) {}})
		ws, _, _ := h.openWS()
		start := time.Now()
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			for {
				select {
				case <-stop:
					return
				case <-time.After(10 * time.Millisecond):
					if ws.Write(context.Background(), websocket.MessageText, []byte("4chatter")) != nil {
						return
					}
				}
			}
		}()
		select {
		case ev := <-h.closes:
			if ev.reason != ReasonPingTimeout {
				t.Fatalf("reason = %q, want ping timeout", ev.reason)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("timed out after %v, want about interval+timeout", d)
			}
		case <-time.After(3 * time.Second):
			t.Fatal("a client that never pongs was not timed out while it kept sending")
		}
	})
}

func TestSlowConsumerIsDropped(t *testing.T) {
	t.Parallel()
	for _, transport := range []string{"polling", "websocket"} {
		t.Run(transport, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, Options{SendQueue: 8})
			var c *Conn
			if transport == "polling" {
				_, c = h.openPolling()
			} else {
				// Never read: the writer blocks on TCP, the queue fills.
				_, _, c = h.openWS()
			}
			payload := []byte(strings.Repeat("x", 64<<10))
			start := time.Now()
			var err error
			for i := 0; i < 10_000 && err == nil; i++ {
				err = c.Send(payload, false)
			}
			if !errors.Is(err, ErrQueueFull) {
				t.Fatalf("Send = %v, want ErrQueueFull", err)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("Send blocked for %v", d)
			}
			if ev := h.nextClose(); ev.reason != ReasonTransportError || !errors.Is(ev.err, ErrQueueFull) {
				t.Errorf("OnClose(%q, %v), want transport error / queue full", ev.reason, ev.err)
			}
			if err := c.Send(payload, false); !errors.Is(err, ErrClosed) {
				t.Errorf("Send after drop = %v, want ErrClosed", err)
			}
			if err := c.SendBatch([]Message{{Data: payload}}); !errors.Is(err, ErrClosed) {
				t.Errorf("SendBatch after drop = %v, want ErrClosed", err)
			}
		})
	}
}

func TestSendBatchTooLarge(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{SendQueue: 2})
	_, c := h.openPolling()
	err := c.SendBatch([]Message{{Data: []byte("a")}, {Data: []byte("b")}, {Data: []byte("c")}})
	if !errors.Is(err, ErrQueueFull) {
		t.Errorf("SendBatch = %v, want ErrQueueFull", err)
	}
}

// TestSendDoesNotModifyData shares one slice between many connections, as a
// broadcast does, and checks every client gets it intact.
func TestSendDoesNotModifyData(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	data := []byte("shared")
	orig := string(data)
	var wss []*websocket.Conn
	for range 5 {
		ws, _, c := h.openWS()
		wss = append(wss, ws)
		if err := c.Send(data[:len(data):len(data)], false); err != nil {
			t.Fatal(err)
		}
	}
	for _, ws := range wss {
		if _, got := readWS(t, ws); got != "4"+orig {
			t.Errorf("got %q, want %q", got, "4"+orig)
		}
	}
	if string(data) != orig {
		t.Errorf("data changed to %q", data)
	}
}

// TestOnMessageSequential checks that OnMessage is never entered twice at
// once and sees messages in order.
func TestOnMessageSequential(t *testing.T) {
	t.Parallel()
	var inside, overlaps atomic.Int32
	var mu sync.Mutex
	var got []string
	h := newHarness(t, Options{OnConnection: func(c *Conn) {
		c.OnMessage(func(data []byte, _ bool) {
			if inside.Add(1) > 1 {
				overlaps.Add(1)
			}
			time.Sleep(time.Millisecond)
			mu.Lock()
			got = append(got, string(data))
			mu.Unlock()
			inside.Add(-1)
		})
	}})
	ws, _, _ := h.openWS()
	for i := range 20 {
		writeWS(t, ws, websocket.MessageText, "4"+string(rune('a'+i)))
	}
	deadline := time.Now().Add(3 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n == 20 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if overlaps.Load() != 0 {
		t.Errorf("OnMessage overlapped %d times", overlaps.Load())
	}
	for i, s := range got {
		if s != string(rune('a'+i)) {
			t.Fatalf("message %d = %q, want in order", i, s)
		}
	}
	if len(got) != 20 {
		t.Errorf("got %d messages, want 20", len(got))
	}
}

func TestServerClose(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	ws, _, wc := h.openWS()
	sid, pc := h.openPolling()
	pending := make(chan string)
	go func() {
		_, body := h.get(sid)
		pending <- body
	}()
	waitParked(t, pc)
	_ = wc.Send([]byte("last"), false)
	if h.srv.Count() != 2 {
		t.Fatalf("Count() = %d, want 2", h.srv.Count())
	}
	flushed := make(chan string, 4)
	go func() {
		// Read what the server flushes before it closes.
		for {
			_, b, err := ws.Read(context.Background())
			if err != nil {
				close(flushed)
				return
			}
			flushed <- string(b)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := h.srv.Close(ctx); err != nil {
		t.Fatalf("Close = %v", err)
	}
	for range 2 {
		if ev := h.nextClose(); ev.reason != ReasonServerShutdown {
			t.Errorf("reason = %q, want server shutting down", ev.reason)
		}
	}
	if body := <-pending; body != "1" {
		t.Errorf("pending GET = %q, want the close packet", body)
	}
	if got := <-flushed; got != "4last" {
		t.Errorf("websocket got %q before closing, want 4last", got)
	}
	if _, ok := <-flushed; ok {
		t.Error("websocket still open after Close")
	}
	_ = pc
	if h.srv.Count() != 0 {
		t.Errorf("Count() = %d, want 0", h.srv.Count())
	}
	if status, _, _ := h.do(http.MethodGet, h.pollURL(""), "", nil); status != http.StatusServiceUnavailable {
		t.Errorf("handshake after Close = %d, want 503", status)
	}
}

func TestServerCloseContext(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	_, _, c := h.openWS()
	// The client never reads: flushing this cannot finish.
	for range 100 {
		_ = c.Send([]byte(strings.Repeat("x", 64<<10)), false)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := h.srv.Close(ctx)
	if !errors.Is(err, context.DeadlineExceeded) && err != nil {
		t.Errorf("Close = %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Close took %v despite its context", d)
	}
}

// TestOnCloseAfterOnMessage checks that OnClose never overlaps OnMessage and
// that no message is delivered after it, whoever closes the connection.
func TestOnCloseAfterOnMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		close func(c *Conn, inHandler bool)
	}{
		{"Close inside the handler", func(c *Conn, inHandler bool) {
			if inHandler {
				c.Close()
			}
		}},
		{"Close from another goroutine", func(c *Conn, inHandler bool) {
			if !inHandler {
				c.Close()
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var inside, overlap, afterClose atomic.Bool
			closed := make(chan struct{})
			entered := make(chan struct{}, 1)
			var conn *Conn
			h := newHarness(t, Options{OnConnection: func(c *Conn) {
				conn = c
				c.OnMessage(func(data []byte, _ bool) {
					if isClosed(closed) {
						afterClose.Store(true)
					}
					inside.Store(true)
					select {
					case entered <- struct{}{}:
					default:
					}
					tt.close(c, true)
					time.Sleep(50 * time.Millisecond)
					inside.Store(false)
				})
				c.OnClose(func(string, error) {
					if inside.Load() {
						overlap.Store(true)
					}
					close(closed)
				})
			}})
			ws := h.dial(h.wsURL(""), nil)
			readWS(t, ws)
			writeWS(t, ws, websocket.MessageText, "4first")
			writeWS(t, ws, websocket.MessageText, "4second")
			<-entered
			tt.close(conn, false)
			select {
			case <-closed:
			case <-time.After(3 * time.Second):
				t.Fatal("OnClose not called")
			}
			time.Sleep(100 * time.Millisecond)
			if overlap.Load() {
				t.Error("OnClose ran while OnMessage was running")
			}
			if afterClose.Load() {
				t.Error("OnMessage called after OnClose")
			}
		})
	}
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

func TestOnCloseSetAfterClose(t *testing.T) {
	t.Parallel()
	got := make(chan string, 2)
	srv := NewServer(Options{OnConnection: func(c *Conn) {
		c.Close()
		c.OnClose(func(reason string, _ error) { got <- reason })
	}})
	t.Cleanup(func() { _ = srv.Close(context.Background()) })
	srv.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/engine.io/?EIO=4&transport=polling", nil))
	select {
	case reason := <-got:
		if reason != ReasonForcedClose {
			t.Errorf("reason = %q, want forced close", reason)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("OnClose not called")
	}
}

// TestQueueFullCloseOffCaller: a Send or SendBatch (a binary broadcast's
// frames) that overflows a client's queue closes that client, but its
// OnClose (in socketio: leaving rooms, saving the session) runs off the
// sender's goroutine, so that N slow clients cannot stall one emit for N
// times the handler's duration.
func TestQueueFullCloseOffCaller(t *testing.T) {
	t.Parallel()
	const slow = 300 * time.Millisecond
	for _, batch := range []bool{false, true} {
		t.Run(fmt.Sprintf("batch=%v", batch), func(t *testing.T) {
			t.Parallel()
			var closed atomic.Int32
			h := newHarness(t, Options{SendQueue: 2, OnConnection: func(c *Conn) {
				c.OnClose(func(string, error) {
					time.Sleep(slow)
					closed.Add(1)
				})
			}})
			const n = 8
			var conns []*Conn
			for range n {
				// A polling client that never polls: its queue fills.
				_, c := h.openPolling()
				for range 2 {
					if err := c.Send([]byte("x"), false); err != nil {
						t.Fatal(err)
					}
				}
				conns = append(conns, c)
			}
			start := time.Now()
			for _, c := range conns {
				var err error
				if batch {
					err = c.SendBatch([]Message{{Data: []byte(`451-["bin",{"_placeholder":true,"num":0}]`)}, {Data: []byte{1}, Binary: true}})
				} else {
					err = c.Send([]byte("y"), false)
				}
				if !errors.Is(err, ErrQueueFull) {
					t.Fatalf("send = %v, want ErrQueueFull", err)
				}
				if err := c.Send([]byte("z"), false); !errors.Is(err, ErrClosed) {
					t.Fatalf("send after the overflow = %v, want ErrClosed", err)
				}
			}
			if d := time.Since(start); d > slow {
				t.Errorf("sending to %d overflowing clients took %v: their OnClose ran on the sender", n, d)
			}
			deadline := time.Now().Add(5 * time.Second)
			for closed.Load() < n && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if got := closed.Load(); got != n {
				t.Errorf("%d OnClose calls, want %d", got, n)
			}
		})
	}
}
