package socketio_test

import (
	"bytes"
	"context"
	"net"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/livedesk/livedesk/socketio"
)

// idleSocketBudget bounds the heap that an idle WebSocket connection
// joined to one namespace costs the server beyond the TCP connection
// itself. Measured at 2.3-2.45 kB (Go 1.26, amd64, with and without
// -race): the Engine.IO session, WebSocket and heartbeat timer (~0.7 kB),
// the handshake request in compact form (~0.6 kB with the browser headers
// below, most of it the headers' bytes), the Socket.IO client and socket
// (~0.7 kB), ids and the indexes' entries. It was 5.1-5.2 kB before the
// headers and query were kept compact and the socket's maps made on
// demand. The ~0.45 kB of margin over the highest measure absorbs the
// runtime's noise; a header map (~1 kB with these headers), or the request
// copy (~0.45 kB) with the parsed query (~0.4 kB), coming back crosses it.
const idleSocketBudget = 2900

// TestIdleSocketMemory opens 1,000 idle Socket.IO connections and fails if
// each costs more than idleSocketBudget bytes of heap and stacks beyond
// what 1,000 bare TCP connections cost (both ends are in this process).
func TestIdleSocketMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("opens 2,000 connections")
	}
	const n = 1000
	bare, _ := perConnMemory(t, n, bareTCP(t))
	full, goroutines := perConnMemory(t, n, socketIO(t))
	got := full - bare
	t.Logf("per idle connection: %.0f bytes of heap (socket.io %.0f, bare TCP %.0f), %.3f goroutines", got, full, bare, goroutines)
	if got > idleSocketBudget {
		t.Errorf("an idle socket costs %.0f bytes of heap beyond its TCP connection, want <= %d", got, idleSocketBudget)
	}
	// A goroutine (8 kB of stack at least) per idle connection would be
	// a regression of its own.
	if goroutines > 0.1 {
		t.Errorf("an idle socket holds %.3f goroutines, want none", goroutines)
	}
}

// A browser's WebSocket handshake, then a masked CONNECT to "/".
var idleHandshake = []byte("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n" +
	"Host: 127.0.0.1\r\nConnection: Upgrade\r\nPragma: no-cache\r\nCache-Control: no-cache\r\n" +
	"User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36\r\n" +
	"Upgrade: websocket\r\nOrigin: http://127.0.0.1\r\nSec-WebSocket-Version: 13\r\n" +
	"Accept-Encoding: gzip, deflate, br, zstd\r\nAccept-Language: en-GB,en;q=0.9\r\n" +
	"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n" +
	"\x81\x82\x00\x00\x00\x0040")

// target is a server under measurement: dial opens one idle client
// connection, count reports how many the server holds, stop ends it all.
type target struct {
	dial  func() net.Conn
	count func() int
	stop  func()
}

func bareTCP(t *testing.T) func() target {
	return func() target {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		var held []net.Conn
		var count atomic.Int64
		done := make(chan struct{})
		go func() {
			defer close(done)
			for {
				c, err := ln.Accept()
				if err != nil {
					for _, c := range held {
						c.Close()
					}
					return
				}
				held = append(held, c)
				count.Add(1)
			}
		}()
		return target{
			dial: func() net.Conn {
				c, err := net.Dial("tcp", ln.Addr().String())
				if err != nil {
					t.Fatal(err)
				}
				return c
			},
			count: func() int { return int(count.Load()) },
			stop:  func() { ln.Close(); <-done },
		}
	}
}

func socketIO(t *testing.T) func() target {
	return func() target {
		srv := socketio.NewServer(socketio.Options{})
		var count atomic.Int64
		srv.Of("/").OnConnection(func(s *socketio.Socket) {
			s.On("ping", func(context.Context, socketio.Args, socketio.AckFunc) {})
			count.Add(1)
		})
		hs := httptest.NewServer(srv)
		addr := strings.TrimPrefix(hs.URL, "http://")
		return target{
			dial: func() net.Conn {
				c, err := net.Dial("tcp", addr)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := c.Write(idleHandshake); err != nil {
					t.Fatal(err)
				}
				// Wait for the CONNECT answer, so that the handshake's
				// garbage is garbage by the time memory is read.
				var got []byte
				buf := make([]byte, 512)
				for !bytes.Contains(got, []byte(`40{"sid"`)) {
					_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
					n, err := c.Read(buf)
					if err != nil {
						t.Fatalf("waiting for the CONNECT answer: %v (got %q)", err, got)
					}
					got = append(got, buf[:n]...)
				}
				return c
			},
			count: func() int { return int(count.Load()) },
			stop: func() {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				_ = srv.Close(ctx)
				hs.Close()
			},
		}
	}
}

// perConnMemory starts a server, opens n connections to it and returns the
// heap bytes per connection that they hold, after GC, and the goroutines.
func perConnMemory(t *testing.T, n int, start func() target) (bytes, goroutines float64) {
	t.Helper()
	tg := start()
	defer tg.stop()
	tg.dial().Close() // the first connection's one-time costs
	before, g0 := inUse(), runtime.NumGoroutine()
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range n {
		conns = append(conns, tg.dial())
	}
	deadline := time.Now().Add(30 * time.Second)
	for tg.count() < n+1 {
		if time.Now().After(deadline) {
			t.Fatalf("server holds %d connections, want %d", tg.count(), n+1)
		}
		time.Sleep(time.Millisecond)
	}
	// conns' own backing array is not the server's.
	bytes = (float64(inUse()-before) - float64(cap(conns)*16)) / float64(n)
	return bytes, float64(runtime.NumGoroutine()-g0) / float64(n)
}

func inUse() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
