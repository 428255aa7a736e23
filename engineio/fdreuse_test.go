package engineio

import (
	"bytes"
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// TestNoWriteReachesAReusedDescriptor: writers put frames straight on a
// socket's descriptor (wsConn.tryWrite), so a write racing the socket's
// destruction must never reach the next connection, which the kernel
// gives the same descriptor number. Each round floods one session with
// messages naming it, drops its client, and opens the next at once; no
// client may ever read a message meant for another.
func TestNoWriteReachesAReusedDescriptor(t *testing.T) {
	h := newHarness(t, Options{SendQueue: 1 << 16})
	var mu sync.Mutex
	var foreign []string
	rounds := 60
	if testing.Short() {
		rounds = 10
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for r := range rounds {
		ws, sid, c := h.openWS()
		own := []byte("4for " + sid)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				msg := []byte("for " + sid)
				for {
					select {
					case <-stop:
						return
					default:
					}
					if c.Send(msg, false) == ErrClosed {
						return
					}
				}
			})
		}
		wg.Go(func() {
			for {
				_, b, err := ws.Read(ctx)
				if err != nil {
					return
				}
				if bytes.HasPrefix(b, []byte("4for ")) && !bytes.Equal(b, own) {
					mu.Lock()
					foreign = append(foreign, string(b))
					mu.Unlock()
				}
			}
		})
		time.Sleep(time.Duration(r%5) * time.Millisecond)
		if r%2 == 0 {
			_ = ws.CloseNow() // the server sees the socket end while it writes
		} else {
			c.closeDetached(ReasonTransportError, nil) // the server drops it while it writes
			_ = ws.CloseNow()
		}
		close(stop)
		wg.Wait()
		h.nextClose()
	}
	// The last one read for a while after the flood stopped.
	ws, sid, _ := h.openWS()
	rctx, rcancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer rcancel()
	for {
		_, b, err := ws.Read(rctx)
		if err != nil {
			break
		}
		if bytes.HasPrefix(b, []byte("4for ")) {
			foreign = append(foreign, string(b)+" (read by "+sid+")")
		}
	}
	_ = ws.Close(websocket.StatusNormalClosure, "")
	if len(foreign) > 0 {
		t.Fatalf("%d messages reached another session's client, first %q", len(foreign), foreign[0])
	}
}

// TestDestroyWaitsForADirectWrite: a write that reserved the descriptor
// and is held just before write(2) keeps the socket from closing, so the
// next connection (which would get the descriptor's number) cannot
// receive it; the session ends once the write is let go.
func TestDestroyWaitsForADirectWrite(t *testing.T) {
	h := newHarness(t, Options{})
	wsA, sidA, cA := h.openWS()
	held, release := make(chan struct{}), make(chan struct{})
	var first atomic.Bool
	hook := func() {
		// Only the first direct write (A's) is held; the others, such as
		// B's handshake, go on.
		if first.CompareAndSwap(false, true) {
			close(held)
			<-release
		}
	}
	testHookDirectWrite.Store(&hook)
	t.Cleanup(func() { testHookDirectWrite.Store(nil) })
	if err := cA.Send([]byte("for "+sidA), false); err != nil {
		t.Fatal(err)
	}
	select {
	case <-held:
	case <-time.After(5 * time.Second):
		t.Fatal("no direct write started")
	}
	// A's socket is destroyed (its client gone as well): destroy must wait
	// for the held write before it closes the descriptor.
	_ = wsA.CloseNow()
	cA.mu.Lock()
	wcA := cA.ws
	cA.mu.Unlock()
	destroyed := make(chan struct{})
	go func() {
		wcA.destroy()
		close(destroyed)
	}()
	select {
	case <-destroyed:
		t.Fatal("the socket was destroyed (its descriptor closed) while a write to it was in progress")
	case <-time.After(100 * time.Millisecond):
	}
	wsB, sidB, _ := h.openWS()
	close(release)
	select {
	case <-destroyed:
	case <-time.After(5 * time.Second):
		t.Fatal("destroy did not finish once the write was let go")
	}
	// The session itself ends by its own path: the reader's end of file
	// if it saw it before destroy unwatched the socket, else this close
	// (a no-op after the first); OnClose runs once either way.
	cA.Close()
	h.nextClose()
	// B lives on (a write meant for A would have broken its framing)...
	time.Sleep(100 * time.Millisecond)
	h.mu.Lock()
	closedA, closedB := h.closed[sidA], h.closed[sidB]
	h.mu.Unlock()
	if closedA != 1 || closedB != 0 {
		t.Fatalf("OnClose calls: %s (dropped) %d, %s (live) %d; want 1 and 0", sidA, closedA, sidB, closedB)
	}
	// ...and its client never reads A's message. (The read's deadline
	// closes B's client at the end, so B's close is not checked after.)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	for {
		_, b, err := wsB.Read(ctx)
		if err != nil {
			break
		}
		if bytes.Contains(b, []byte("for ")) {
			t.Fatalf("session %s's client read %q, meant for %s", sidB, b, sidA)
		}
	}
}
