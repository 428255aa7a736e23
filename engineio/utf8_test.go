package engineio

import (
	"errors"
	"testing"

	"github.com/coder/websocket"
	"github.com/gobwas/ws"
)

// invalidUTF8 are text messages a client must not get through: a stray
// continuation byte, a truncated sequence, an overlong encoding, a UTF-16
// surrogate, a code point above U+10FFFF.
var invalidUTF8 = []string{"4\xff", "4caf\xc3", "4\xc0\xaf", "4\xed\xa0\x80", "4\xf4\x90\x80\x80"}

// TestWebSocketInvalidUTF8 sends text frames that are not UTF-8: RFC 6455
// §8.1 says to fail the connection, with 1007 (§7.4.1), and nothing of the
// message is delivered.
func TestWebSocketInvalidUTF8(t *testing.T) {
	t.Parallel()
	for _, fragmented := range []bool{false, true} {
		for _, msg := range invalidUTF8 {
			t.Run("", func(t *testing.T) {
				t.Parallel()
				delivered := make(chan string, 1)
				h := newHarness(t, Options{OnConnection: func(c *Conn) {
					c.OnMessage(func(data []byte, _ bool) { delivered <- string(data) })
				}})
				c := dialRawWS(t, h)
				frames := clientFrame(t, ws.OpText, true, []byte(msg))
				if fragmented {
					frames = append(clientFrame(t, ws.OpText, false, []byte(msg[:2])), clientFrame(t, ws.OpContinuation, true, []byte(msg[2:]))...)
				}
				if _, err := c.conn.Write(frames); err != nil {
					t.Fatal(err)
				}
				op, body := c.read(t)
				if code, _ := ws.ParseCloseFrameData([]byte(body)); op != ws.OpClose || code != ws.StatusInvalidFramePayloadData {
					t.Fatalf("%q: got %v %q, want a close frame with 1007", msg, op, body)
				}
				if ev := h.nextClose(); ev.reason != ReasonTransportError || !errors.Is(ev.err, ErrInvalidUTF8) {
					t.Fatalf("OnClose(%q, %v), want transport error / ErrInvalidUTF8", ev.reason, ev.err)
				}
				select {
				case got := <-delivered:
					t.Fatalf("%q delivered as %q", msg, got)
				default:
				}
			})
		}
	}
}

// TestWebSocketUTF8AcrossFragments: a character cut between fragments (or
// between reads) is valid once the message is whole.
func TestWebSocketUTF8AcrossFragments(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	c := dialRawWS(t, h)
	msg := []byte("4€ and 😀")
	stream := append(clientFrame(t, ws.OpText, false, msg[:2]), clientFrame(t, ws.OpContinuation, false, msg[2:9])...)
	stream = append(stream, clientFrame(t, ws.OpContinuation, true, msg[9:])...)
	c.writeInPieces(t, stream, 3)
	if op, got := c.read(t); op != ws.OpText || got != string(msg) {
		t.Fatalf("echo: %v %q, want %q", op, got, msg)
	}
}

// TestPollingInvalidUTF8 posts bodies that are not UTF-8: the payload is
// refused as malformed (answered "200 ok", as the reference answers a
// payload it cannot decode), none of its packets is delivered, not even
// the valid ones before the bad bytes, and the session is closed.
func TestPollingInvalidUTF8(t *testing.T) {
	t.Parallel()
	for _, msg := range invalidUTF8 {
		t.Run("", func(t *testing.T) {
			t.Parallel()
			delivered := make(chan string, 4)
			h := newHarness(t, Options{OnConnection: func(c *Conn) {
				c.OnMessage(func(data []byte, _ bool) { delivered <- string(data) })
			}})
			sid, _ := h.openPolling()
			if status, body := h.post(sid, "4first\x1e"+msg); status != 200 || body != "ok" {
				t.Errorf("POST = %d %q, want 200 ok", status, body)
			}
			if ev := h.nextClose(); ev.reason != ReasonParseError || !errors.Is(ev.err, ErrInvalidUTF8) {
				t.Fatalf("OnClose(%q, %v), want parse error / ErrInvalidUTF8", ev.reason, ev.err)
			}
			select {
			case got := <-delivered:
				t.Fatalf("%q delivered from a refused payload", got)
			default:
			}
			if status, _ := h.get(sid); status != 400 {
				t.Errorf("GET after the refusal = %d, want 400", status)
			}
		})
	}
}

// TestUpgradeProbeInvalidUTF8: an upgrade probe is failed with 1007 too,
// and the polling session goes on.
func TestUpgradeProbeInvalidUTF8(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	sid, _ := h.openPolling()
	probe := h.dial(h.wsURL(sid), nil)
	writeWS(t, probe, websocket.MessageText, "2\xff")
	if err := waitWSClosed(t, probe); websocket.CloseStatus(err) != websocket.StatusInvalidFramePayloadData {
		t.Errorf("probe closed with %v, want 1007", err)
	}
	if status, body := h.post(sid, "4still here"); status != 200 || body != "ok" {
		t.Errorf("POST after the failed probe = %d %q", status, body)
	}
}
