package engineio

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

func TestWebSocketMessages(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	ws, _, _ := h.openWS()
	tests := []struct {
		name     string
		typ      websocket.MessageType
		send     string
		wantType websocket.MessageType
		want     string
	}{
		{"text", websocket.MessageText, "4hello", websocket.MessageText, "4hello"},
		{"UTF-8", websocket.MessageText, "4€ 😀", websocket.MessageText, "4€ 😀"},
		{"binary frame", websocket.MessageBinary, "\x01\x02\x03\x04", websocket.MessageBinary, "\x01\x02\x03\x04"},
		{"base64 in a text frame", websocket.MessageText, "bAQIDBA==", websocket.MessageBinary, "\x01\x02\x03\x04"},
		{"empty message", websocket.MessageText, "4", websocket.MessageText, "4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			writeWS(t, ws, tt.typ, tt.send)
			typ, got := readWS(t, ws)
			if typ != tt.wantType || got != tt.want {
				t.Errorf("got %v %q, want %v %q", typ, got, tt.wantType, tt.want)
			}
		})
	}
}

func TestWebSocketClosesSession(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		typ        websocket.MessageType
		send       string
		wantReason string
		wantErr    error
	}{
		{"invalid packet", websocket.MessageText, "abc", ReasonParseError, ErrInvalidPacket},
		{"empty text frame", websocket.MessageText, "", ReasonParseError, ErrInvalidPacket},
		{"over maxPayload", websocket.MessageText, "4" + strings.Repeat("x", 100), ReasonTransportError, ErrPayloadTooLarge},
		{"binary over maxPayload", websocket.MessageBinary, strings.Repeat("x", 101), ReasonTransportError, ErrPayloadTooLarge},
		{"close packet", websocket.MessageText, "1", ReasonTransportClose, nil},
		{"ping from client", websocket.MessageText, "2", ReasonTransportError, ErrHeartbeat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, Options{MaxPayload: 100})
			ws, _, _ := h.openWS()
			writeWS(t, ws, tt.typ, tt.send)
			waitWSClosed(t, ws)
			ev := h.nextClose()
			if ev.reason != tt.wantReason || !errors.Is(ev.err, tt.wantErr) {
				t.Errorf("OnClose(%q, %v), want (%q, %v)", ev.reason, ev.err, tt.wantReason, tt.wantErr)
			}
		})
	}
}

func TestWebSocketMaxPayloadAccepted(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{MaxPayload: 100})
	ws, _, _ := h.openWS()
	msg := "4" + strings.Repeat("x", 99)
	writeWS(t, ws, websocket.MessageText, msg)
	if _, got := readWS(t, ws); got != msg {
		t.Errorf("echo of a message of exactly maxPayload bytes = %d bytes", len(got))
	}
}

func TestWebSocketClientClosesFrame(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	ws, _, _ := h.openWS()
	_ = ws.Close(websocket.StatusNormalClosure, "")
	if ev := h.nextClose(); ev.reason != ReasonTransportClose {
		t.Errorf("reason = %q, want transport close", ev.reason)
	}
}

func TestWebSocketForcedCloseFlushes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	ws, _, c := h.openWS()
	for _, m := range []string{"a", "b", "c"} {
		_ = c.Send([]byte(m), false)
	}
	c.Close()
	for _, want := range []string{"4a", "4b", "4c"} {
		if _, got := readWS(t, ws); got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	if err := waitWSClosed(t, ws); websocket.CloseStatus(err) != websocket.StatusNormalClosure {
		t.Errorf("close = %v, want normal closure", err)
	}
	if ev := h.nextClose(); ev.reason != ReasonForcedClose {
		t.Errorf("reason = %q, want forced close", ev.reason)
	}
	if err := c.Send([]byte("x"), false); !errors.Is(err, ErrClosed) {
		t.Errorf("Send after Close = %v, want ErrClosed", err)
	}
}

// upgrade runs the probe exchange on a new WebSocket for session sid.
func upgrade(t *testing.T, h *harness, sid string) *websocket.Conn {
	t.Helper()
	ws := h.dial(h.wsURL(sid), nil)
	writeWS(t, ws, websocket.MessageText, "2probe")
	if _, got := readWS(t, ws); got != "3probe" {
		t.Fatalf("probe answer = %q, want 3probe", got)
	}
	return ws
}

func TestUpgrade(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	sid, c := h.openPolling()
	pending := make(chan string)
	go func() {
		_, body := h.get(sid)
		pending <- body
	}()
	waitParked(t, c)
	ws := upgrade(t, h, sid)
	if body := <-pending; body != "6" {
		t.Errorf("pending GET = %q, want noop 6", body)
	}
	// Sent while upgrading: must arrive over the WebSocket once upgraded.
	_ = c.Send([]byte("queued"), false)
	if c.Transport() != "polling" {
		t.Errorf("Transport() before 5 = %q", c.Transport())
	}
	writeWS(t, ws, websocket.MessageText, "5")
	if _, got := readWS(t, ws); got != "4queued" {
		t.Errorf("first message after upgrade = %q, want 4queued", got)
	}
	writeWS(t, ws, websocket.MessageText, "4hello")
	if _, got := readWS(t, ws); got != "4hello" {
		t.Errorf("echo = %q, want 4hello", got)
	}
	if c.Transport() != "websocket" {
		t.Errorf("Transport() = %q, want websocket", c.Transport())
	}
	// Polling requests and a second WebSocket are refused afterwards.
	if status, _ := h.get(sid); status != 400 {
		t.Errorf("GET after upgrade = %d, want 400", status)
	}
	if status, _ := h.post(sid, "4x"); status != 400 {
		t.Errorf("POST after upgrade = %d, want 400", status)
	}
	ws2 := h.dial(h.wsURL(sid), nil)
	waitWSClosed(t, ws2)
	writeWS(t, ws, websocket.MessageText, "4still")
	if _, got := readWS(t, ws); got != "4still" {
		t.Errorf("echo = %q, want 4still", got)
	}
	if h.srv.Count() != 1 {
		t.Errorf("Count() = %d, want 1", h.srv.Count())
	}
}

func TestUpgradeFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		run  func(t *testing.T, h *harness, sid string)
	}{
		{"timeout", func(t *testing.T, h *harness, sid string) {
			ws := upgrade(t, h, sid)
			waitWSClosed(t, ws) // UpgradeTimeout without "5"
		}},
		{"unexpected packet", func(t *testing.T, h *harness, sid string) {
			ws := h.dial(h.wsURL(sid), nil)
			writeWS(t, ws, websocket.MessageText, "4early")
			waitWSClosed(t, ws)
		}},
		{"upgrade before probe", func(t *testing.T, h *harness, sid string) {
			ws := h.dial(h.wsURL(sid), nil)
			writeWS(t, ws, websocket.MessageText, "5")
			waitWSClosed(t, ws)
		}},
		{"client drops the probe", func(t *testing.T, h *harness, sid string) {
			ws := upgrade(t, h, sid)
			_ = ws.CloseNow()
			time.Sleep(50 * time.Millisecond)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, Options{UpgradeTimeout: 300 * time.Millisecond})
			sid, c := h.openPolling()
			tt.run(t, h, sid)
			// The polling session goes on.
			if c.Transport() != "polling" {
				t.Errorf("Transport() = %q, want polling", c.Transport())
			}
			if status, body := h.post(sid, "4on"); status != 200 || body != "ok" {
				t.Fatalf("POST = %d %q", status, body)
			}
			if status, body := h.get(sid); status != 200 || body != "4on" {
				t.Errorf("GET = %d %q, want 4on", status, body)
			}
		})
	}
}

func TestWebSocketOriginCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		opts   Options
		origin string
		ok     bool
	}{
		{"no origin", Options{}, "", true},
		{"same host", Options{}, "http://HOST", true},
		{"cross site", Options{}, "https://evil.example", false},
		{"allowed by CORS", Options{CORS: CORS{AllowedOrigins: []string{"https://app.example"}}}, "https://app.example", true},
		{"not in the CORS list", Options{CORS: CORS{AllowedOrigins: []string{"https://app.example"}}}, "https://evil.example", false},
		{"CORS any", Options{CORS: CORS{AllowedOrigins: []string{"*"}}}, "https://evil.example", true},
		{"custom check", Options{CheckOrigin: func(r *http.Request) bool { return true }}, "https://evil.example", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, tt.opts)
			origin := strings.Replace(tt.origin, "HOST", strings.TrimPrefix(h.http.URL, "http://"), 1)
			hdr := http.Header{}
			if origin != "" {
				hdr.Set("Origin", origin)
			}
			for _, sid := range []string{"", "polling"} {
				if sid == "polling" {
					sid, _ = h.openPolling()
				}
				ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
				ws, res, err := websocket.Dial(ctx, h.wsURL(sid), &websocket.DialOptions{HTTPHeader: hdr})
				cancel()
				if err == nil {
					_ = ws.CloseNow()
				}
				status := 0
				if res != nil {
					status = res.StatusCode
				}
				if got := status == http.StatusSwitchingProtocols; got != tt.ok {
					t.Errorf("sid %q: status = %d, want accepted=%v", sid, status, tt.ok)
				}
			}
		})
	}
}

// TestWebSocketEarlyFrame sends a frame in the same packet as the
// handshake request, before the 101 answer: bytes net/http has buffered
// must survive the switch to smaller buffers.
func TestWebSocketEarlyFrame(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	conn, err := net.Dial("tcp", strings.TrimPrefix(h.http.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(3 * time.Second))
	payload := []byte("4early")
	mask := []byte{1, 2, 3, 4}
	frame := []byte{0x81, 0x80 | byte(len(payload))}
	frame = append(frame, mask...)
	for i, b := range payload {
		frame = append(frame, b^mask[i%4])
	}
	req := "GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
	if _, err := conn.Write(append([]byte(req), frame...)); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	if err != nil || res.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("handshake: %v %v", res, err)
	}
	var got []string
	for len(got) < 2 {
		hdr := make([]byte, 2)
		if _, err := io.ReadFull(br, hdr); err != nil {
			t.Fatal(err)
		}
		n := int(hdr[1] & 0x7f)
		if n == 126 {
			ext := make([]byte, 2)
			_, _ = io.ReadFull(br, ext)
			n = int(ext[0])<<8 | int(ext[1])
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(br, body); err != nil {
			t.Fatal(err)
		}
		got = append(got, string(body))
	}
	if !strings.HasPrefix(got[0], "0{") || got[1] != "4early" {
		t.Errorf("frames = %q, want the open packet then 4early", got)
	}
}

// TestUpgradeGETDuringProbe covers a GET sent after the probe: it ends with
// noop unless the upgrade completes meanwhile, in which case it is refused
// like any request after the upgrade.
func TestUpgradeGETDuringProbe(t *testing.T) {
	t.Parallel()
	t.Run("no upgrade packet", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, Options{})
		sid, _ := h.openPolling()
		upgrade(t, h, sid)
		if status, body := h.get(sid); status != 200 || body != "6" {
			t.Errorf("GET = %d %q, want 200 6", status, body)
		}
	})
	t.Run("upgrade packet races the GET", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, Options{})
		sid, _ := h.openPolling()
		ws := upgrade(t, h, sid)
		writeWS(t, ws, websocket.MessageText, "5")
		// The GET may reach the server before the "5" does; it then waits
		// upgradeGrace and, on a loaded machine, may still be answered
		// with a noop. Once the upgrade is through, polling is refused.
		deadline := time.Now().Add(5 * time.Second)
		for {
			status, body := h.get(sid)
			if status == 400 {
				break
			}
			if status != 200 || (body != "6" && body != "") {
				t.Fatalf("GET during the upgrade = %d %q, want 400, or 200 with a noop", status, body)
			}
			if time.Now().After(deadline) {
				t.Fatalf("polling still answered 5 s after the upgrade packet")
			}
		}
		writeWS(t, ws, websocket.MessageText, "4hello")
		if _, got := readWS(t, ws); got != "4hello" {
			t.Errorf("echo = %q", got)
		}
	})
}
