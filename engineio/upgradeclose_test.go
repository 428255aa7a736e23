package engineio

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// TestCloseDuringUpgradeSweep closes sessions 0 to 8 ms after they open
// (Send "bye", then Close), while a client modelled on engine.io-client 6
// upgrades them to WebSocket: every client must get "bye" and learn of the
// close, on whichever transport it is then, without waiting for its ping
// timeout. The model keeps the official client's weak spot: once the probe
// is answered it pauses polling, and if the probe then fails it never polls
// again, so a close signalled only by dropping the probe is missed.
func TestCloseDuringUpgradeSweep(t *testing.T) {
	t.Parallel()
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) }) // after the harness's
	h := newHarness(t, Options{OnConnection: func(c *Conn) {
		var d time.Duration
		if v := c.Request().URL.Query().Get("closeAfter"); v != "" {
			d, _ = time.ParseDuration(v)
		}
		time.AfterFunc(d, func() {
			_ = c.Send([]byte("bye"), false)
			c.Close()
		})
	}})
	go func() { // more closes than the harness buffers
		for {
			select {
			case <-h.closes:
			case <-stop:
				return
			}
		}
	}()
	var missed []string
	for ms := 0; ms <= 8; ms++ {
		var wg sync.WaitGroup
		var mu sync.Mutex
		for i := range 9 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if res := upgradingClient(t, h, time.Duration(ms)*time.Millisecond); !res.bye || res.closedBy == "" {
					mu.Lock()
					missed = append(missed, fmt.Sprintf("%d ms #%d: %+v", ms, i, res))
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		for len(h.conns) > 0 {
			<-h.conns
		}
	}
	if len(missed) > 0 {
		t.Errorf("%d of 81 sessions closed during the upgrade missed the close or the last message:\n%s", len(missed), strings.Join(missed, "\n"))
	}
}

// upgradeResult is what a client saw of its session's end.
type upgradeResult struct {
	bye      bool   // got the message sent before the close
	closedBy string // "" if no close was seen in time
	upgraded bool
}

// upgradingClient opens a polling session whose server closes it after
// closeAfter and runs engine.io-client's upgrade on it: poll; meanwhile
// open the probe, send 2probe; on 3probe pause polling (wait for the
// pending GET to end, then stop polling) and, unless the probe failed
// meanwhile, send 5 and go on over the WebSocket.
func upgradingClient(t *testing.T, h *harness, closeAfter time.Duration) upgradeResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	res, err := http.Get(h.pollURL("") + "&closeAfter=" + closeAfter.String())
	if err != nil {
		t.Error(err)
		return upgradeResult{}
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	// The open packet, and what the server sent with it (all of it when
	// it closed at once).
	var first []string
	_ = DecodePayload(body, func(p Packet) error {
		first = append(first, string(AppendPacket(nil, p)))
		return nil
	})
	var hs handshake
	if len(first) == 0 || json.Unmarshal([]byte(first[0][1:]), &hs) != nil {
		t.Errorf("handshake %q", body)
		return upgradeResult{}
	}

	var (
		mu       sync.Mutex
		out      upgradeResult
		pausing  bool
		polling  bool
		paused   = make(chan struct{}) // polling stopped for the upgrade
		done     = make(chan struct{}) // a close was seen
		doneOnce sync.Once
	)
	closed := func(how string) {
		mu.Lock()
		if out.closedBy == "" {
			out.closedBy = how
		}
		mu.Unlock()
		doneOnce.Do(func() { close(done) })
	}
	handle := func(pkt string) {
		switch {
		case pkt == "4bye":
			mu.Lock()
			out.bye = true
			mu.Unlock()
		case pkt == "1":
			closed("close packet")
		}
	}
	for _, pkt := range first[1:] {
		handle(pkt)
	}
	// Polling, until closed or paused.
	mu.Lock()
	closedEarly := out.closedBy != ""
	mu.Unlock()
	go func() {
		if closedEarly {
			return
		}
		for {
			mu.Lock()
			if pausing {
				mu.Unlock()
				close(paused)
				return
			}
			polling = true
			mu.Unlock()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, h.pollURL(hs.SID), nil)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				return
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				closed("poll error") // the client closes with "transport error"
				return
			}
			isClosed := false
			_ = DecodePayload(body, func(p Packet) error {
				handle(string(AppendPacket(nil, p)))
				isClosed = isClosed || p.Type == PacketClose
				return nil
			})
			if isClosed {
				return
			}
			mu.Lock()
			polling = false
			mu.Unlock()
		}
	}()
	// The probe.
	go func() {
		ws, _, err := websocket.Dial(ctx, h.wsURL(hs.SID), nil)
		if err != nil {
			return // probe error: polling goes on
		}
		defer ws.CloseNow()
		if ws.Write(ctx, websocket.MessageText, []byte("2probe")) != nil {
			return
		}
		_, msg, err := ws.Read(ctx)
		if err != nil || string(msg) != "3probe" {
			return
		}
		mu.Lock()
		pausing = true
		wait := polling
		mu.Unlock()
		// The probe may fail while the pending GET drains: then the
		// client stays paused, as engine.io-client does.
		failed := make(chan struct{})
		go func() {
			defer close(failed)
			for {
				_, msg, err := ws.Read(ctx)
				if err != nil {
					return
				}
				handle(string(msg))
			}
		}()
		if wait {
			select {
			case <-paused:
			case <-done:
				return
			}
		}
		select {
		case <-failed:
			return
		default:
		}
		if ws.Write(ctx, websocket.MessageText, []byte("5")) != nil {
			return
		}
		mu.Lock()
		out.upgraded = true
		mu.Unlock()
		// From here the WebSocket is the transport: the reader started
		// above gets the session's packets.
		select {
		case <-failed:
			closed("websocket closed")
		case <-done:
		}
	}()
	select {
	case <-done:
	case <-ctx.Done():
	}
	mu.Lock()
	defer mu.Unlock()
	return out
}

// TestCloseDuringUpgrade covers the three moments of the sweep one by one.
func TestCloseDuringUpgrade(t *testing.T) {
	t.Parallel()
	t.Run("probe not answered yet", func(t *testing.T) {
		// The client still polls: the pending GET gets the close packet
		// and the probe is closed.
		t.Parallel()
		h := newHarness(t, Options{})
		sid, c := h.openPolling()
		probe := h.dial(h.wsURL(sid), nil)
		if !waitFor(c, func(c *Conn) bool { return c.probe != nil }) {
			t.Fatal("probe not attached")
		}
		pending := make(chan string)
		go func() {
			_, body := h.get(sid)
			pending <- body
		}()
		waitParked(t, c)
		c.Close()
		if body := <-pending; body != "1" {
			t.Errorf("pending GET = %q, want the close packet", body)
		}
		if err := waitWSClosed(t, probe); websocket.CloseStatus(err) != websocket.StatusGoingAway {
			t.Errorf("probe closed with %v, want 1001", err)
		}
	})
	t.Run("probe answered", func(t *testing.T) {
		// The client pauses polling for the WebSocket: the pending GET
		// ends with noop, the upgrade completes, and what was queued and
		// the close go out on the WebSocket.
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
			t.Errorf("pending GET = %q, want noop", body)
		}
		_ = c.Send([]byte("bye"), false)
		c.Close()
		writeWS(t, ws, websocket.MessageText, "5")
		if _, got := readWS(t, ws); got != "4bye" {
			t.Errorf("after the upgrade: %q, want 4bye", got)
		}
		if err := waitWSClosed(t, ws); websocket.CloseStatus(err) != websocket.StatusNormalClosure {
			t.Errorf("closed with %v, want 1000", err)
		}
		if ev := h.nextClose(); ev.reason != ReasonForcedClose {
			t.Errorf("reason = %q, want forced close", ev.reason)
		}
		if status, _ := h.get(sid); status != 400 {
			t.Errorf("GET after the end = %d, want 400", status)
		}
	})
	t.Run("probe answered, then lost", func(t *testing.T) {
		// The upgrade fails after all: the session ends on polling.
		t.Parallel()
		h := newHarness(t, Options{})
		sid, c := h.openPolling()
		ws := upgrade(t, h, sid)
		_ = c.Send([]byte("bye"), false)
		c.Close()
		if status, body := h.get(sid); status != 200 || body != "6" {
			t.Errorf("GET while upgrading = %d %q, want noop", status, body)
		}
		_ = ws.CloseNow()
		if !waitFor(c, func(c *Conn) bool { return c.probe == nil }) {
			t.Fatal("probe not dropped")
		}
		if status, body := h.get(sid); status != 200 || body != "4bye" {
			t.Errorf("GET = %d %q, want 4bye", status, body)
		}
		if status, body := h.get(sid); status != 200 || body != "1" {
			t.Errorf("GET = %d %q, want the close packet", status, body)
		}
		if status, _ := h.get(sid); status != 400 {
			t.Errorf("GET after the close packet = %d, want 400", status)
		}
	})
}

// TestShutdownDuringUpgrade: Server.Close waits for a session whose client
// is moving to the WebSocket, which then gets what was queued and the
// close there.
func TestShutdownDuringUpgrade(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	sid, c := h.openPolling()
	ws := upgrade(t, h, sid)
	_ = c.SendBulk([]byte("bye"), false)
	closed := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		closed <- h.srv.Close(ctx)
	}()
	if !waitFor(c, func(c *Conn) bool { return c.closed }) {
		t.Fatal("not closed")
	}
	select {
	case err := <-closed:
		t.Fatalf("Server.Close returned (%v) before the upgrading session ended", err)
	case <-time.After(50 * time.Millisecond):
	}
	writeWS(t, ws, websocket.MessageText, "5")
	if _, got := readWS(t, ws); got != "4bye" {
		t.Errorf("after the upgrade: %q, want 4bye", got)
	}
	if err := waitWSClosed(t, ws); websocket.CloseStatus(err) != websocket.StatusNormalClosure {
		t.Errorf("closed with %v, want 1000", err)
	}
	if err := <-closed; err != nil {
		t.Errorf("Server.Close = %v", err)
	}
	if ev := h.nextClose(); ev.reason != ReasonServerShutdown {
		t.Errorf("reason = %q, want server shutting down", ev.reason)
	}
}
