package engineio

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
	"github.com/gobwas/ws"
)

// FuzzRelayUTF8 sends any bytes from a client, as one WebSocket text
// message (whole, or cut into two fragments anywhere, even inside a
// character) or as a polling body, to a server that relays every message
// it gets to two other clients, one on WebSocket and one polling, as a
// chat or a Socket.IO broadcast does. Whatever was sent, what the others
// receive as text is valid UTF-8: a text frame or a polling body that is
// not is refused at the engine's boundary, never relayed (an official
// client drops its WebSocket on an invalid text frame).
func FuzzRelayUTF8(f *testing.F) {
	for _, s := range append([]string{
		"4hello", "4€ and 😀", `42["chat","héllo"]`, "4a\x1e4b", "bAQIDBA==", "1", "2", "", "x",
		"4\xe2\x82", "4ok\x1e4\xff", `42["chat","\xc3\x28"]`,
	}, invalidUTF8...) {
		f.Add([]byte(s), false, uint16(3))
		f.Add([]byte(s), true, uint16(0))
	}
	r := newRelay(f)
	f.Fuzz(func(t *testing.T, data []byte, polling bool, cut uint16) {
		if polling {
			r.sendPolling(t, data)
		} else {
			r.sendWebSocket(t, data, int(cut))
		}
		r.checkReceivers(t)
	})
}

// relay is a server that relays every message to its receivers, and the
// two receiving clients.
type relay struct {
	http      *httptest.Server
	mu        sync.Mutex
	receivers map[*Conn]bool
	wsIn      chan wsMsg // what the WebSocket receiver reads
	pollIn    chan wsMsg // the text packets the polling receiver gets
	bad       chan string
	markerSID string
}

type wsMsg struct {
	text bool
	data string
}

func newRelay(f *testing.F) *relay {
	r := &relay{
		receivers: make(map[*Conn]bool),
		wsIn:      make(chan wsMsg, 1024),
		pollIn:    make(chan wsMsg, 1024),
		bad:       make(chan string, 16),
	}
	conns := make(chan *Conn, 1)
	// No heartbeat in the way: the receivers and the marker session do
	// not answer pings, and a fuzzing run lasts minutes.
	srv := NewServer(Options{PingInterval: 24 * time.Hour, OnConnection: func(c *Conn) {
		c.OnMessage(func(data []byte, binary bool) {
			r.mu.Lock()
			defer r.mu.Unlock()
			for to := range r.receivers {
				if to != c {
					_ = to.Send(data, binary)
				}
			}
		})
		select {
		case conns <- c:
		default:
		}
	}})
	mux := http.NewServeMux()
	mux.Handle("/engine.io/", srv)
	r.http = httptest.NewServer(mux)
	ctx, cancel := context.WithCancel(context.Background())
	f.Cleanup(func() {
		cancel()
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer scancel()
		_ = srv.Close(sctx)
		r.http.Close()
	})
	base := r.http.URL + "/engine.io/?EIO=4&transport="

	// The WebSocket receiver.
	wsc, _, err := websocket.Dial(ctx, strings.Replace(base, "http", "ws", 1)+"websocket", nil)
	if err != nil {
		f.Fatal(err)
	}
	wsc.SetReadLimit(-1)
	if _, _, err := wsc.Read(ctx); err != nil { // open packet
		f.Fatal(err)
	}
	r.addReceiver(<-conns)
	go func() {
		for {
			typ, b, err := wsc.Read(ctx)
			if err != nil {
				return
			}
			r.wsIn <- wsMsg{typ == websocket.MessageText, string(b)}
		}
	}()

	// The polling receiver, and the session that sends the markers.
	sid := r.openPolling(f)
	r.addReceiver(<-conns)
	r.markerSID = r.openPolling(f)
	<-conns
	go func() {
		for ctx.Err() == nil {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"polling&sid="+sid, nil)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				return
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if !utf8.Valid(body) {
				r.bad <- string(body)
			}
			// Packet by packet, without DecodePayload: a text message
			// relayed from a WebSocket may hold the record separator
			// (Engine.IO v4 polling cannot carry it; Socket.IO's JSON
			// never has one raw), and the marker after it must still be
			// found. The body as a whole was checked above.
			for _, seg := range strings.Split(string(body), "\x1e") {
				if strings.HasPrefix(seg, "4") {
					r.pollIn <- wsMsg{true, seg[1:]}
				}
			}
		}
	}()
	return r
}

func (r *relay) addReceiver(c *Conn) {
	r.mu.Lock()
	r.receivers[c] = true
	r.mu.Unlock()
}

func (r *relay) url(sid string) string {
	u := r.http.URL + "/engine.io/?EIO=4&transport=polling"
	if sid != "" {
		u += "&sid=" + sid
	}
	return u
}

func (r *relay) openPolling(t testing.TB) string {
	t.Helper()
	res, err := http.Get(r.url(""))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	var hs handshake
	if len(body) < 2 || json.Unmarshal(body[1:], &hs) != nil {
		t.Fatalf("handshake: %q", body)
	}
	return hs.SID
}

func (r *relay) post(t testing.TB, sid string, body []byte) {
	t.Helper()
	res, err := http.Post(r.url(sid), "text/plain;charset=UTF-8", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
}

// sendPolling posts data from a new polling session; the answer comes
// once every packet of it has been handled.
func (r *relay) sendPolling(t *testing.T, data []byte) {
	sid := r.openPolling(t)
	r.post(t, sid, data)
	r.post(t, sid, []byte("1")) // done with it, if still open
}

// sendWebSocket sends data as a text message from a new WebSocket session,
// in two fragments cut at cut, then a close frame, and waits until the
// server has closed the connection: everything sent before was handled.
func (r *relay) sendWebSocket(t *testing.T, data []byte, cut int) {
	conn, err := net.Dial("tcp", strings.TrimPrefix(r.http.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
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
	var stream []byte
	if cut %= len(data) + 1; cut == 0 {
		stream = clientFrame(t, ws.OpText, true, data)
	} else {
		stream = append(clientFrame(t, ws.OpText, false, data[:cut]), clientFrame(t, ws.OpContinuation, true, data[cut:])...)
	}
	stream = append(stream, clientFrame(t, ws.OpClose, true, ws.NewCloseFrameBody(ws.StatusNormalClosure, ""))...)
	if _, err := conn.Write(stream); err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, br); err != nil {
		t.Fatalf("waiting for the server to close: %v", err)
	}
}

// checkReceivers relays a marker and reads both receivers up to it: every
// text message on the way must be valid UTF-8.
func (r *relay) checkReceivers(t *testing.T) {
	var b [8]byte
	_, _ = rand.Read(b[:])
	marker := "mark-" + hex.EncodeToString(b[:])
	r.post(t, r.markerSID, []byte("4"+marker))
	for name, in := range map[string]chan wsMsg{"websocket": r.wsIn, "polling": r.pollIn} {
		for done := false; !done; {
			select {
			case m := <-in:
				if m.text && !utf8.ValidString(m.data) {
					t.Fatalf("the %s receiver got invalid UTF-8 as text: %q", name, m.data)
				}
				done = m.data == "4"+marker || m.data == marker
			case body := <-r.bad:
				t.Fatalf("the polling receiver got a body that is not UTF-8: %q", body)
			case <-time.After(5 * time.Second):
				t.Fatalf("the %s receiver did not get the marker", name)
			}
		}
	}
}
