package engineio

import (
	"bytes"
	"fmt"
	"io"
	"net"
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

// TestCorkConnTryUncork checks that a non-blocking flush the socket cannot
// take whole keeps the rest, in order, for uncork.
func TestCorkConnTryUncork(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	server := <-accepted
	if server == nil {
		t.Fatal("accept failed")
	}
	defer server.Close()

	c := &corkConn{Conn: server}
	if !c.canTryWrite() {
		t.Skip("no non-blocking write on this platform")
	}
	// More than loopback buffers; the pattern shows any reordering.
	want := bytes.Repeat([]byte("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!"), 8<<20/63)
	c.corkAll()
	for b := want; len(b) > 0; b = b[min(len(b), 4096):] {
		if _, err := c.Write(b[:min(len(b), 4096)]); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	pending, err := c.tryUncork()
	if err != nil {
		t.Fatal(err)
	}
	if !pending {
		t.Fatal("tryUncork wrote 8 MB to a client that does not read: want pending")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("tryUncork took %v: it blocked", d)
	}
	got := make(chan []byte, 1)
	go func() {
		b := make([]byte, len(want))
		n, _ := io.ReadFull(client, b)
		got <- b[:n]
	}()
	if err := c.uncork(); err != nil {
		t.Fatal(err)
	}
	select {
	case b := <-got:
		if !bytes.Equal(b, want) {
			t.Fatalf("received %d bytes, not the %d written in order", len(b), len(want))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the rest never arrived")
	}
}
