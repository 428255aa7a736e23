package engineio

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// TestConcurrentSendAndClose runs broadcasters, readers, heartbeats and
// closes of every kind at once, for the race detector to watch, and checks
// that each session reports exactly one close (the harness counts them).
func TestConcurrentSendAndClose(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{
		PingInterval: 20 * time.Millisecond,
		PingTimeout:  time.Second,
		SendQueue:    64,
		OnConnection: func(c *Conn) {
			c.OnMessage(func(data []byte, binary bool) { _ = c.Send(data, binary) })
		},
	})
	var conns []*Conn
	var wss []*websocket.Conn
	var sids []string
	for range 6 {
		ws, _, c := h.openWS()
		wss = append(wss, ws)
		conns = append(conns, c)
	}
	for range 6 {
		sid, c := h.openPolling()
		sids = append(sids, sid)
		conns = append(conns, c)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	// Readers: WebSocket clients read and pong; polling clients poll.
	for i, ws := range wss {
		wg.Go(func() {
			for {
				_, b, err := ws.Read(ctx)
				if err != nil {
					return
				}
				if string(b) == "2" {
					_ = ws.Write(ctx, websocket.MessageText, []byte("3"))
				}
				if i%2 == 0 {
					_ = ws.Write(ctx, websocket.MessageText, []byte("4echo"))
				}
			}
		})
	}
	for _, sid := range sids {
		wg.Go(func() {
			for ctx.Err() == nil {
				status, body := h.get(sid)
				if status != 200 {
					return
				}
				if strings.Contains(body, "2") {
					h.post(sid, "3")
				}
			}
		})
	}
	// Broadcasters share one slice.
	msg := []byte("broadcast")
	for range 4 {
		wg.Go(func() {
			for ctx.Err() == nil {
				for _, c := range conns {
					_ = c.Send(msg, false)
					_ = c.SendBatch([]Message{{Data: msg}, {Data: msg, Binary: true}})
				}
				time.Sleep(time.Millisecond)
			}
		})
	}
	// Closers of every kind.
	time.Sleep(200 * time.Millisecond)
	conns[0].Close()
	conns[7].Close()
	_ = wss[1].Close(websocket.StatusNormalClosure, "")
	h.post(sids[2], "1")
	closeCtx, cancelClose := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancelClose()
	go func() {
		time.Sleep(300 * time.Millisecond)
		_ = h.srv.Close(closeCtx)
	}()
	<-ctx.Done()
	for _, ws := range wss {
		_ = ws.CloseNow()
	}
	wg.Wait()
	for range conns {
		h.nextClose()
	}
	if string(msg) != "broadcast" {
		t.Errorf("shared message changed to %q", msg)
	}
}
