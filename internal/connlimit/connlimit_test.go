package connlimit

import (
	"bufio"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"testing"
	"time"
)

// TestLimitPerPeer opens connections from two loopback addresses: the one
// over its limit is answered 429 and closed, the other address is not
// affected, an exempt address is never limited, and a closed connection
// frees its slot.
func TestLimitPerPeer(t *testing.T) {
	t.Parallel()
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := make(chan string, 10)
	ln := Wrap(raw, 2, func(a netip.Addr) bool { return a == netip.MustParseAddr("127.0.0.4") }, func(a string) { refused <- a })
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { // hold each accepted connection until the peer closes it
				_, _ = bufio.NewReader(c).ReadByte()
				c.Close()
			}()
		}
	}()
	dial := func(from string) net.Conn {
		t.Helper()
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 2 * time.Second}
		c, err := d.Dial("tcp", raw.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	// refusedNow reports whether the server answered c with its 429.
	refusedNow := func(c net.Conn) bool {
		_ = c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		return err == nil && resp.StatusCode == http.StatusTooManyRequests
	}
	a1, _ := dial("127.0.0.2"), dial("127.0.0.2")
	if c := dial("127.0.0.2"); !refusedNow(c) {
		t.Fatal("a third connection from 127.0.0.2 was not refused")
	}
	if got := <-refused; got != "127.0.0.2" {
		t.Fatalf("refused %q, want 127.0.0.2", got)
	}
	if c := dial("127.0.0.3"); refusedNow(c) {
		t.Fatal("127.0.0.3 was refused because of 127.0.0.2")
	}
	for range 5 {
		if c := dial("127.0.0.4"); refusedNow(c) {
			t.Fatal("an exempt address was refused")
		}
	}
	a1.Close()
	deadline := time.Now().Add(5 * time.Second)
	for refusedNow(dial("127.0.0.2")) {
		if time.Now().After(deadline) {
			t.Fatal("a closed connection never gave its slot back")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestConnKeepsTCPFeatures: the wrapped connection still offers what
// net/http (CloseWrite, for a graceful close without a reset) and the
// socket engine (the file descriptor) look for on a *net.TCPConn.
func TestConnKeepsTCPFeatures(t *testing.T) {
	t.Parallel()
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := Wrap(raw, 5, nil, nil)
	defer ln.Close()
	go func() {
		c, err := net.Dial("tcp", raw.Addr().String())
		if err == nil {
			defer c.Close()
			time.Sleep(time.Second)
		}
	}()
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, ok := c.(interface{ CloseWrite() error }); !ok {
		t.Error("no CloseWrite")
	}
	sc, ok := c.(syscall.Conn)
	if !ok {
		t.Fatal("no SyscallConn")
	}
	if _, err := sc.SyscallConn(); err != nil {
		t.Errorf("SyscallConn: %v", err)
	}
	if err := c.(interface{ CloseWrite() error }).CloseWrite(); err != nil {
		t.Errorf("CloseWrite: %v", err)
	}
}
