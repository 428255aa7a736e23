package engineio

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
)

// rawWS is a WebSocket client over a bare TCP connection, framing with
// gobwas/ws, for what the usual client does not do: split frames across
// writes, send control frames, hold no goroutine.
type rawWS struct {
	conn net.Conn
	br   *bufio.Reader
}

func dialRawWS(t *testing.T, h *harness) *rawWS {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(h.http.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	req := "GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
	if _, err := conn.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	if err != nil || res.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("handshake: %v %v", res, err)
	}
	c := &rawWS{conn: conn, br: br}
	if op, msg := c.read(t); op != ws.OpText || !strings.HasPrefix(msg, "0{") {
		t.Fatalf("open packet: %v %q", op, msg)
	}
	return c
}

func (c *rawWS) read(t *testing.T) (ws.OpCode, string) {
	t.Helper()
	hdr, err := ws.ReadHeader(c.br)
	if err != nil {
		t.Fatalf("read frame: %v", err)
	}
	if hdr.Length > 1<<20 {
		t.Fatalf("frame of %d bytes", hdr.Length)
	}
	payload := make([]byte, hdr.Length)
	if _, err := io.ReadFull(c.br, payload); err != nil {
		t.Fatalf("read frame: %v", err)
	}
	return hdr.OpCode, string(payload)
}

// writeInPieces writes b n bytes at a time, each piece its own TCP
// segment.
func (c *rawWS) writeInPieces(t *testing.T, b []byte, n int) {
	t.Helper()
	for i := 0; i < len(b); i += n {
		if _, err := c.conn.Write(b[i:min(i+n, len(b))]); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestWebSocketFrameInPieces writes a client frame a few bytes at a time,
// each piece its own TCP segment: the server must reassemble it across
// reads.
func TestWebSocketFrameInPieces(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	c := dialRawWS(t, h)
	c.writeInPieces(t, clientFrame(t, ws.OpText, true, []byte("4"+strings.Repeat("piece", 60))), 7)
	if op, msg := c.read(t); op != ws.OpText || msg != "4"+strings.Repeat("piece", 60) {
		t.Fatalf("echo: %v %q", op, msg)
	}
}

// TestWebSocketControlFrames checks that a ping is answered with a pong
// carrying its payload, between fragments of a message, and that the
// fragments still make one message.
func TestWebSocketControlFrames(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	c := dialRawWS(t, h)
	var stream []byte
	stream = append(stream, clientFrame(t, ws.OpText, false, []byte("4one "))...)
	stream = append(stream, clientFrame(t, ws.OpPing, true, []byte("still there?"))...)
	stream = append(stream, clientFrame(t, ws.OpContinuation, true, []byte("message"))...)
	if _, err := c.conn.Write(stream); err != nil {
		t.Fatal(err)
	}
	if op, msg := c.read(t); op != ws.OpPong || msg != "still there?" {
		t.Fatalf("first frame: %v %q, want the pong", op, msg)
	}
	if op, msg := c.read(t); op != ws.OpText || msg != "4one message" {
		t.Fatalf("second frame: %v %q, want the echo of the reassembled message", op, msg)
	}
	// A close frame is answered and ends the session as a transport close.
	if err := wsutil.WriteClientMessage(c.conn, ws.OpClose, ws.NewCloseFrameBody(ws.StatusNormalClosure, "bye")); err != nil {
		t.Fatal(err)
	}
	if op, _ := c.read(t); op != ws.OpClose {
		t.Fatalf("after our close frame: %v, want the server's close frame", op)
	}
	if ev := h.nextClose(); ev.reason != ReasonTransportClose {
		t.Fatalf("close reason %q, want %q", ev.reason, ReasonTransportClose)
	}
}

// TestWebSocketProtocolErrorCloses sends an unmasked frame: the server
// answers 1002 and closes the session with "transport error".
func TestWebSocketProtocolErrorCloses(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	c := dialRawWS(t, h)
	if _, err := c.conn.Write(append(appendFrameHeader(nil, ws.OpText, 2), "4x"...)); err != nil {
		t.Fatal(err)
	}
	op, body := c.read(t)
	if code, _ := ws.ParseCloseFrameData([]byte(body)); op != ws.OpClose || code != ws.StatusProtocolError {
		t.Fatalf("got %v %q, want a close frame with 1002", op, body)
	}
	if ev := h.nextClose(); ev.reason != ReasonTransportError {
		t.Fatalf("close reason %q, want %q", ev.reason, ReasonTransportError)
	}
}

// TestIdleWebSocketsHoldNoGoroutine opens idle sessions and checks that
// none of them keeps a goroutine: reads are driven by the reactor, and
// the writer pool's goroutines exit when there is nothing to write.
func TestIdleWebSocketsHoldNoGoroutine(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("readiness-driven reads are Linux-only; elsewhere each WebSocket reads in a goroutine")
	}
	h := newHarness(t, Options{})
	// Warm up: the reactor's goroutine, the HTTP server's.
	dialRawWS(t, h)
	h.nextConn()
	before := settledGoroutines()
	// The harness records at most 64 sessions and closes.
	const n = 60
	clients := make([]*rawWS, n)
	for i := range clients {
		clients[i] = dialRawWS(t, h)
		h.nextConn()
	}
	// And they still work: one message each way on every session.
	for _, c := range clients {
		if _, err := c.conn.Write(clientFrame(t, ws.OpText, true, []byte("4ping"))); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range clients {
		if op, msg := c.read(t); op != ws.OpText || msg != "4ping" {
			t.Fatalf("echo: %v %q", op, msg)
		}
	}
	after := settledGoroutines()
	if after-before > 10 {
		t.Fatalf("%d idle WebSocket sessions hold %d goroutines (%d before, %d after)", n, after-before, before, after)
	}
	if h.srv.Count() != n+1 {
		t.Fatalf("Count = %d, want %d", h.srv.Count(), n+1)
	}
}

// TestWebSocketBlockingReads runs WebSockets the way they run without
// epoll, a goroutine reading each, which this machine would otherwise never
// exercise: messages both ways, a frame in pieces, an upgrade from polling,
// and one goroutine per idle session (proof that the switch took effect).
func TestWebSocketBlockingReads(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("elsewhere every test runs this path")
	}
	blockingReads.Store(true)
	defer blockingReads.Store(false)
	h := newHarness(t, Options{})

	c := dialRawWS(t, h)
	h.nextConn()
	c.writeInPieces(t, clientFrame(t, ws.OpText, true, []byte("4"+strings.Repeat("blocking", 40))), 5)
	if op, msg := c.read(t); op != ws.OpText || msg != "4"+strings.Repeat("blocking", 40) {
		t.Fatalf("echo: %v %q", op, msg)
	}

	sid, pc := h.openPolling()
	wsc := upgrade(t, h, sid)
	writeWS(t, wsc, websocket.MessageText, "5")
	writeWS(t, wsc, websocket.MessageText, "4after")
	if _, got := readWS(t, wsc); got != "4after" {
		t.Fatalf("echo after the upgrade = %q", got)
	}
	if pc.Transport() != TransportWebSocket {
		t.Fatalf("Transport() = %q after the upgrade", pc.Transport())
	}

	before := settledGoroutines()
	for range 20 {
		dialRawWS(t, h)
		h.nextConn()
	}
	// One each; other goroutines of the test server come and go.
	if grown := settledGoroutines() - before; grown < 15 {
		t.Fatalf("20 sessions with blocking reads added %d goroutines, want one each", grown)
	}
}

// settledGoroutines waits until the number of goroutines stops changing
// (the HTTP server's and the writer pool's end shortly after their work),
// then returns it.
func settledGoroutines() int {
	n := runtime.NumGoroutine()
	for range 100 {
		time.Sleep(10 * time.Millisecond)
		m := runtime.NumGoroutine()
		if m == n {
			return n
		}
		n = m
	}
	return n
}
