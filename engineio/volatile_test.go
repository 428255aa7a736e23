package engineio

import (
	"strings"
	"testing"
	"time"
)

// TestSendVolatilePolling: over polling the transport is writable while a
// GET is parked with nothing queued, as in the reference: a volatile
// message is sent then, and dropped otherwise (no GET, or one already
// woken by an earlier message), without error or close.
func TestSendVolatilePolling(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	sid, c := h.openPolling()
	if c.SendVolatile(Message{Data: []byte("lost")}) {
		t.Error("SendVolatile with no GET parked = true, want dropped")
	}
	pending := make(chan string)
	get := func() {
		go func() {
			_, body := h.get(sid)
			pending <- body
		}()
		waitParked(t, c)
	}
	get()
	if !c.SendVolatile(Message{Data: []byte("v1")}) {
		t.Error("SendVolatile with a GET parked = false, want sent")
	}
	// The GET is woken but may not have taken the queue yet: not writable.
	if c.SendVolatile(Message{Data: []byte("v2")}) {
		t.Error("a second SendVolatile before the GET answered = true, want dropped")
	}
	if body := <-pending; body != "4v1" {
		t.Errorf("GET = %q, want 4v1", body)
	}
	// A binary packet's frames go together, or not at all.
	get()
	if !c.SendVolatile(Message{Data: []byte(`451-["b",{"_placeholder":true,"num":0}]`)}, Message{Data: []byte{1}, Binary: true}) {
		t.Error("SendVolatile of two frames = false, want sent")
	}
	if body := <-pending; body != `4451-["b",{"_placeholder":true,"num":0}]`+"\x1ebAQ==" {
		t.Errorf("GET = %q, want both frames", body)
	}

	// In bulk (a broadcast): writable is decided when the message is put
	// on the queue, after the messages sent before it.
	get()
	_ = c.SendBulk([]byte("a"), false)
	c.SendBulkVolatile([]byte("b"), false)
	if body := <-pending; body != "4a" {
		t.Errorf("GET = %q, want 4a: the volatile message behind it is dropped", body)
	}
	get()
	c.SendBulkVolatile([]byte("c"), false)
	if body := <-pending; body != "4c" {
		t.Errorf("GET = %q, want 4c", body)
	}
	c.SendBulkVolatile([]byte("d"), false)
	applyBulk()
	_ = c.Send([]byte("e"), false)
	if _, body := h.get(sid); body != "4e" {
		t.Errorf("GET = %q, want 4e: the volatile message sent with no GET parked is dropped", body)
	}
	select {
	case ev := <-h.closes:
		t.Errorf("closed (%q, %v) by volatile sends", ev.reason, ev.err)
	default:
	}
	c.Close()
	if c.SendVolatile(Message{Data: []byte("x")}) {
		t.Error("SendVolatile after Close = true")
	}
}

// TestSendVolatileWebSocket: over WebSocket the transport is writable when
// nothing is queued or being written; a client that does not read keeps
// a write pending, and volatile messages to it are dropped while normal
// ones queue.
func TestSendVolatileWebSocket(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	ws, _, c := h.openWS()
	if !waitFor(c, func(c *Conn) bool { return !c.flushing && len(c.queue) == 0 }) {
		t.Fatal("open packet not written")
	}
	idle := func() {
		t.Helper()
		if !waitFor(c, func(c *Conn) bool { return !c.flushing && len(c.queue) == 0 }) {
			t.Fatal("queue not written")
		}
	}
	if !c.SendVolatile(Message{Data: []byte("v")}) {
		t.Fatal("SendVolatile to an idle WebSocket = false, want sent")
	}
	if _, msg := readWS(t, ws); msg != "4v" {
		t.Fatalf("got %q, want 4v", msg)
	}
	idle()
	c.SendBulkVolatile([]byte("bulk"), false)
	if _, msg := readWS(t, ws); msg != "4bulk" {
		t.Fatalf("got %q, want 4bulk", msg)
	}
	// Stop reading: the writer ends up blocked in writeLoop.
	big := []byte(strings.Repeat("x", 256<<10))
	deadline := time.Now().Add(5 * time.Second)
	blocked := func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.blockingFlush
	}
	for !blocked() {
		if time.Now().After(deadline) {
			t.Fatal("the writer never blocked")
		}
		if err := c.Send(big, false); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
	}
	if c.SendVolatile(Message{Data: []byte("late")}) {
		t.Error("SendVolatile to a client that does not read = true, want dropped")
	}
	if err := c.Send([]byte("kept"), false); err != nil {
		t.Errorf("Send = %v, want queued", err)
	}
}
