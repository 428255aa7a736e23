package engineio

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

var benchPackets = []Packet{
	{Type: PacketMessage, Data: []byte(`2["update",{"id":42,"status":"paid","amount":1999}]`)},
	{Type: PacketMessage, Data: []byte(`2["update",{"id":43,"status":"paid","amount":2999}]`)},
	{Type: PacketMessage, Data: []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, Binary: true},
	{Type: PacketPing},
}

func BenchmarkAppendPacket(b *testing.B) {
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendPacket(buf[:0], benchPackets[0])
	}
}

func BenchmarkDecodePacket(b *testing.B) {
	enc := AppendPacket(nil, benchPackets[0])
	b.ReportAllocs()
	b.SetBytes(int64(len(enc)))
	for b.Loop() {
		if _, err := DecodePacket(enc, false); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendPayload(b *testing.B) {
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendPayload(buf[:0], benchPackets)
	}
	b.SetBytes(int64(len(buf)))
}

func BenchmarkDecodePayload(b *testing.B) {
	enc := AppendPayload(nil, benchPackets)
	b.ReportAllocs()
	b.SetBytes(int64(len(enc)))
	for b.Loop() {
		if err := DecodePayload(enc, func(Packet) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSendEnqueue measures Send alone: the cost a broadcaster pays per
// connection. The queue is drained outside the timer.
func BenchmarkSendEnqueue(b *testing.B) {
	srv := NewServer(Options{SendQueue: 1 << 20, PingInterval: time.Hour})
	defer srv.Close(context.Background())
	c, _ := srv.newConn(httptest.NewRequest("GET", "/", nil), TransportPolling)
	msg := benchPackets[0].Data
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := c.Send(msg, false); err != nil {
			b.Fatal(err)
		}
		if i%128 == 127 {
			b.StopTimer()
			c.mu.Lock()
			q := c.takeQueueLocked()
			c.mu.Unlock()
			c.recycle(q)
			b.StartTimer()
		}
	}
}

// BenchmarkSendWebSocket measures end-to-end throughput: Send on the server,
// one client reading every message over a real WebSocket.
func BenchmarkSendWebSocket(b *testing.B) {
	conns := make(chan *Conn, 1)
	srv := NewServer(Options{SendQueue: 1 << 16, PingInterval: time.Hour, OnConnection: func(c *Conn) { conns <- c }})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Close(context.Background())
	ctx := context.Background()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ts.URL, "http")+"/?EIO=4&transport=websocket", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer ws.CloseNow()
	_, _, _ = ws.Read(ctx) // open packet
	c := <-conns
	msg := benchPackets[0].Data
	b.SetBytes(int64(len(msg) + 1))
	b.ReportAllocs()
	done := make(chan error, 1)
	n := b.N
	go func() {
		for range n {
			if _, _, err := ws.Read(ctx); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for i := 0; i < n; i++ {
		for c.Send(msg, false) == ErrQueueFull {
			b.Fatal("queue overflow")
		}
		if i%1024 == 1023 {
			// Let the writer drain; a real broadcaster never waits.
			for c.queueLen() > 1<<15 {
				time.Sleep(10 * time.Microsecond)
			}
		}
	}
	if err := <-done; err != nil {
		b.Fatal(err)
	}
}

// BenchmarkBroadcastPolling measures a broadcast to many polling sessions
// that each collect the result with one GET: the Send fan-out plus payload
// coalescing.
func BenchmarkBroadcastPolling(b *testing.B) {
	const fanout = 1000
	srv := NewServer(Options{SendQueue: 1 << 20, PingInterval: time.Hour})
	defer srv.Close(context.Background())
	conns := make([]*Conn, fanout)
	for i := range conns {
		conns[i], _ = srv.newConn(httptest.NewRequest("GET", "/", nil), TransportPolling)
		conns[i].queue = conns[i].queue[:0] // drop the open packet
	}
	msg := benchPackets[0].Data
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		for _, c := range conns {
			_ = c.Send(msg, false)
		}
		if i%16 == 15 {
			for _, c := range conns {
				rec := discardWriter{h: http.Header{}}
				c.mu.Lock()
				q := c.takeQueueLocked()
				c.mu.Unlock()
				writePayload(rec, q, false)
				c.recycle(q)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*fanout), "ns/send")
}

// queueLen reports the queue length, for benchmarks.
func (c *Conn) queueLen() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.queue)
}

type discardWriter struct{ h http.Header }

func (d discardWriter) Header() http.Header         { return d.h }
func (d discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d discardWriter) WriteHeader(int)             {}

// BenchmarkIdleWebSocket measures the memory of an idle WebSocket session:
// each op opens one and keeps it. The clients are bare TCP connections, so
// almost all of the reported bytes/conn (heap and goroutine stacks, after
// GC) are the server's. Run with e.g. -benchtime=5000x (at most 5,000 are
// kept open at a time).
func BenchmarkIdleWebSocket(b *testing.B) {
	srv := NewServer(Options{PingInterval: time.Hour})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Close(context.Background())
	addr := strings.TrimPrefix(ts.URL, "http://")
	req := []byte("GET /?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
	// Both ends of every connection are in this process, whose file limit
	// may be 20,000: memory is measured over batches of at most maxIdle
	// connections, the last full batch (or the only one) reported.
	const maxIdle = 5000
	var perConn float64
	before := memInUse()
	conns := make([]net.Conn, 0, min(b.N, maxIdle))
	measure := func() {
		for srv.Count() < len(conns) {
			time.Sleep(time.Millisecond)
		}
		perConn = float64(memInUse()-before) / float64(len(conns))
		for _, c := range conns {
			c.Close()
		}
		conns = conns[:0]
		for srv.Count() > 0 {
			time.Sleep(time.Millisecond)
		}
	}
	buf := make([]byte, 512)
	for b.Loop() {
		if len(conns) == maxIdle {
			measure()
			before = memInUse()
		}
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		conns = append(conns, conn)
		if _, err := conn.Write(req); err != nil {
			b.Fatal(err)
		}
		// The 101 answer and the open packet: wait for the open packet's
		// closing brace.
		var got []byte
		for !bytes.HasSuffix(got, []byte("}")) {
			n, err := conn.Read(buf)
			if err != nil {
				b.Fatal(err)
			}
			got = append(got, buf[:n]...)
		}
	}
	if len(conns) == maxIdle || perConn == 0 {
		measure()
	} else {
		for _, c := range conns {
			c.Close()
		}
	}
	b.ReportMetric(perConn, "bytes/conn")
}

func memInUse() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapInuse + m.StackInuse)
}

// BenchmarkBroadcastWebSocket fans each op out to 100 WebSocket clients
// that read everything: one op is one message to all of them.
func BenchmarkBroadcastWebSocket(b *testing.B) {
	const fanout = 100
	conns := make(chan *Conn, fanout)
	srv := NewServer(Options{SendQueue: 1 << 16, PingInterval: time.Hour, OnConnection: func(c *Conn) { conns <- c }})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Close(context.Background())
	ctx := context.Background()
	url := "ws" + strings.TrimPrefix(ts.URL, "http") + "/?EIO=4&transport=websocket"
	var targets []*Conn
	var clients []*websocket.Conn
	for range fanout {
		ws, _, err := websocket.Dial(ctx, url, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer ws.CloseNow()
		_, _, _ = ws.Read(ctx) // open packet
		clients = append(clients, ws)
		targets = append(targets, <-conns)
	}
	msg := benchPackets[0].Data
	n := b.N
	done := make(chan error, fanout)
	for _, ws := range clients {
		go func() {
			for range n {
				if _, r, err := ws.Reader(ctx); err != nil {
					done <- err
					return
				} else if _, err := io.Copy(io.Discard, r); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < n; i++ {
		for _, c := range targets {
			if err := c.Send(msg, false); err != nil {
				b.Fatal(err)
			}
		}
		if i%256 == 255 {
			for _, c := range targets {
				for c.queueLen() > 1<<14 {
					time.Sleep(10 * time.Microsecond)
				}
			}
		}
	}
	for range fanout {
		if err := <-done; err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*fanout), "ns/send")
}

// BenchmarkBulkBroadcast is the broadcast side of SendBulk: one message to
// fanout connections per op while a pool writer applies them, as in a
// fan-out to many dashboards, the next once it is applied. Its B/op is the list's growth: the two
// buffers of bulkSends should serve every burst once they are as large as
// one.
func BenchmarkBulkBroadcast(b *testing.B) {
	const fanout = 4000
	conns := make([]*Conn, fanout)
	for i := range conns {
		conns[i] = &Conn{closed: true} // enqueue refuses at once
	}
	stop := make(chan struct{})
	applied := make(chan struct{})
	go func() {
		defer close(applied)
		for {
			select {
			case <-stop:
				applyBulk()
				return
			default:
			}
			applyBulk()
			runtime.Gosched()
		}
	}()
	msg := benchPackets[0].Data
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		for _, c := range conns {
			bulk.add(c, msg, false)
		}
		for bulk.active.Load() { // the next event comes once this one is out
			runtime.Gosched()
		}
	}
	b.StopTimer()
	close(stop)
	<-applied
}
