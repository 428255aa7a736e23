package engineio

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestWriterPoolSlowClients checks that clients which stop reading, more of
// them than the pool has writers, do not hold up a client that reads: the
// pool hands a connection whose socket is full to a goroutine of its own.
func TestWriterPoolSlowClients(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{SendQueue: 4096, PingInterval: time.Minute, PingTimeout: time.Minute})
	var slow []*Conn
	for range 2 * writerPoolSize {
		_, _, c := h.openWS() // never read again
		slow = append(slow, c)
	}
	fast, _, fc := h.openWS()
	const msgs = 100
	pad := strings.Repeat("x", 64<<10) // 6.4 MB per client: more than a socket buffers
	for i := range msgs {
		data := []byte(fmt.Sprintf("%03d%s", i, pad))
		for _, c := range append(slow, fc) {
			if err := c.Send(data, false); err != nil {
				t.Fatalf("send %d: %v", i, err)
			}
		}
	}
	for i := range msgs {
		_, got := readWS(t, fast)
		if want := fmt.Sprintf("4%03d", i); !strings.HasPrefix(got, want) || len(got) != 4+len(pad) {
			t.Fatalf("message %d: got %q… (%d bytes), want %q… (%d bytes)", i, got[:min(len(got), 8)], len(got), want, 4+len(pad))
		}
	}
	for _, c := range slow {
		if c.Transport() != TransportWebSocket {
			t.Fatal("a slow client was dropped; its queue was meant to hold everything")
		}
	}
}

// TestWriterPoolUrgentFirst checks the order in which pool writers take
// connections: those with a reply (Send) before those with a broadcast
// (SendBulk), each list in order, whenever they were queued.
func TestWriterPoolUrgentFirst(t *testing.T) {
	var p writerPool
	p.running = writerPoolSize // no writer goroutine: the test takes them
	conns := make([]*Conn, 6)
	for i := range conns {
		conns[i] = &Conn{id: fmt.Sprint(i)}
	}
	p.schedule(conns[0], false)
	p.schedule(conns[1], false)
	p.schedule(conns[2], true)
	p.schedule(conns[3], false)
	var got []string
	take := func() {
		c, urgent, _ := p.next()
		if c == nil {
			got = append(got, "-")
			return
		}
		got = append(got, fmt.Sprintf("%s%v", c.id, map[bool]string{true: "!", false: ""}[urgent]))
	}
	take()                      // 2!
	take()                      // 0
	p.schedule(conns[4], true)  // a reply while the fan-out is being written
	p.schedule(conns[5], false) // and another broadcast
	for range 5 {
		take()
	}
	if want := "[2! 0 4! 1 3 5 -]"; fmt.Sprint(got) != want {
		t.Fatalf("order %v, want %s", got, want)
	}
	if p.running != writerPoolSize-1 {
		t.Fatalf("running = %d after the lists emptied, want one writer less", p.running)
	}
}

// TestSendBulkOrder checks that messages keep the order in which they were
// sent whatever mix of SendBulk and Send, over both transports, and that
// Close after SendBulk still delivers.
func TestSendBulkOrder(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	wsc, _, wc := h.openWS()
	sid, pc := h.openPolling()
	for i := range 50 {
		for _, c := range []*Conn{wc, pc} {
			data := []byte(fmt.Sprintf("%02d", i))
			var err error
			if i%3 == 0 {
				err = c.Send(data, false)
			} else {
				err = c.SendBulk(data, false)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	for i := range 50 {
		if _, got := readWS(t, wsc); got != fmt.Sprintf("4%02d", i) {
			t.Fatalf("websocket message %d = %q", i, got)
		}
	}
	var got []string
	for len(got) < 50 {
		_, body := h.get(sid)
		if err := DecodePayload([]byte(body), func(p Packet) error {
			got = append(got, string(p.Data))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	for i, g := range got {
		if g != fmt.Sprintf("%02d", i) {
			t.Fatalf("polling message %d = %q (all: %q)", i, g, got)
		}
	}
	// A broadcast then a close: the message goes out before the close.
	_ = wc.SendBulk([]byte("last"), false)
	wc.Close()
	if _, got := readWS(t, wsc); got != "4last" {
		t.Fatalf("after SendBulk then Close: %q, want 4last", got)
	}
}
