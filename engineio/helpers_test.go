package engineio

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// closeEvent is one OnClose call seen by a test.
type closeEvent struct {
	reason string
	err    error
}

// harness is a Server behind a real HTTP server, with every session's
// events recorded.
type harness struct {
	t      *testing.T
	srv    *Server
	http   *httptest.Server
	url    string // http://host/engine.io/
	conns  chan *Conn
	closes chan closeEvent

	mu     sync.Mutex
	closed map[string]int // OnClose calls per sid
}

// newHarness starts a server; unless opts sets them, messages are echoed and
// the heartbeat is slow enough to stay out of the way.
func newHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	h := &harness{
		t:      t,
		conns:  make(chan *Conn, 64),
		closes: make(chan closeEvent, 64),
		closed: make(map[string]int),
	}
	if opts.PingInterval == 0 {
		opts.PingInterval = time.Minute
	}
	userOnConn := opts.OnConnection
	opts.OnConnection = func(c *Conn) {
		c.OnClose(func(reason string, err error) {
			h.mu.Lock()
			h.closed[c.ID()]++
			h.mu.Unlock()
			h.closes <- closeEvent{reason, err}
		})
		if userOnConn != nil {
			userOnConn(c)
		} else {
			c.OnMessage(func(data []byte, binary bool) { _ = c.Send(data, binary) })
		}
		h.conns <- c
	}
	h.srv = NewServer(opts)
	mux := http.NewServeMux()
	mux.Handle("/engine.io/", h.srv)
	h.http = httptest.NewServer(mux)
	h.url = h.http.URL + "/engine.io/"
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = h.srv.Close(ctx)
		h.http.Close()
		h.mu.Lock()
		defer h.mu.Unlock()
		for sid, n := range h.closed {
			if n != 1 {
				t.Errorf("session %s: OnClose called %d times, want 1", sid, n)
			}
		}
	})
	return h
}

func (h *harness) pollURL(sid string) string {
	u := h.url + "?EIO=4&transport=polling"
	if sid != "" {
		u += "&sid=" + sid
	}
	return u
}

func (h *harness) wsURL(sid string) string {
	u := strings.Replace(h.url, "http", "ws", 1) + "?EIO=4&transport=websocket"
	if sid != "" {
		u += "&sid=" + sid
	}
	return u
}

// do sends a request and returns status and body.
func (h *harness) do(method, url, body string, header http.Header) (int, string, http.Header) {
	h.t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		h.t.Fatalf("%s %s: read body: %v", method, url, err)
	}
	return res.StatusCode, string(b), res.Header
}

func (h *harness) get(sid string) (int, string) {
	h.t.Helper()
	status, body, _ := h.do(http.MethodGet, h.pollURL(sid), "", nil)
	return status, body
}

func (h *harness) post(sid, body string) (int, string) {
	h.t.Helper()
	status, b, _ := h.do(http.MethodPost, h.pollURL(sid), body, nil)
	return status, b
}

// openPolling performs a polling handshake and returns the session id and
// its Conn.
func (h *harness) openPolling() (string, *Conn) {
	h.t.Helper()
	status, body := h.get("")
	if status != 200 || !strings.HasPrefix(body, "0") {
		h.t.Fatalf("handshake: got %d %q", status, body)
	}
	var hs handshake
	if err := json.Unmarshal([]byte(body[1:]), &hs); err != nil {
		h.t.Fatalf("handshake: %v in %q", err, body)
	}
	return hs.SID, h.nextConn()
}

func (h *harness) nextConn() *Conn {
	h.t.Helper()
	select {
	case c := <-h.conns:
		return c
	case <-time.After(3 * time.Second):
		h.t.Fatal("no OnConnection")
		return nil
	}
}

func (h *harness) nextClose() closeEvent {
	h.t.Helper()
	select {
	case ev := <-h.closes:
		return ev
	case <-time.After(3 * time.Second):
		h.t.Fatal("no OnClose")
		return closeEvent{}
	}
}

// dial opens a WebSocket to url.
func (h *harness) dial(url string, header http.Header) *websocket.Conn {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: header})
	if err != nil {
		h.t.Fatalf("dial %s: %v", url, err)
	}
	ws.SetReadLimit(-1)
	h.t.Cleanup(func() { _ = ws.CloseNow() })
	return ws
}

// openWS opens a WebSocket-only session and reads its open packet.
func (h *harness) openWS() (*websocket.Conn, string, *Conn) {
	h.t.Helper()
	ws := h.dial(h.wsURL(""), nil)
	_, msg := readWS(h.t, ws)
	if !strings.HasPrefix(msg, "0") {
		h.t.Fatalf("open packet: got %q", msg)
	}
	var hs handshake
	if err := json.Unmarshal([]byte(msg[1:]), &hs); err != nil {
		h.t.Fatal(err)
	}
	return ws, hs.SID, h.nextConn()
}

func readWS(t *testing.T, ws *websocket.Conn) (websocket.MessageType, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	typ, b, err := ws.Read(ctx)
	if err != nil {
		t.Fatalf("read websocket: %v", err)
	}
	return typ, string(b)
}

func writeWS(t *testing.T, ws *websocket.Conn, typ websocket.MessageType, msg string) {
	t.Helper()
	if err := ws.Write(context.Background(), typ, []byte(msg)); err != nil {
		t.Fatalf("write websocket: %v", err)
	}
}

// waitWSClosed reads until the server closes ws, skipping packets.
func waitWSClosed(t *testing.T, ws *websocket.Conn) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	for {
		if _, _, err := ws.Read(ctx); err != nil {
			if ctx.Err() != nil {
				t.Fatal("websocket not closed by the server")
			}
			return err
		}
	}
}

// waitFor polls cond on c's state until it holds: sleeping a fixed time is
// not enough on a loaded machine.
func waitFor(c *Conn, cond func(c *Conn) bool) bool {
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		c.mu.Lock()
		ok := cond(c)
		c.mu.Unlock()
		if ok {
			return true
		}
	}
	return false
}

// waitParked waits until a GET of c is parked waiting for packets.
func waitParked(t *testing.T, c *Conn) {
	t.Helper()
	if !waitFor(c, func(c *Conn) bool { return c.pollWaiting }) {
		t.Fatal("no GET parked")
	}
}
