package engineio

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
)

// Buffer sizes of a WebSocket connection. net/http hands a hijacked
// connection over with 4 kB read and write buffers, which coder/websocket
// keeps for the life of the connection: 8 kB of an idle connection's
// footprint. Engine.IO traffic is small messages, and bufio reads or
// writes anything larger than its buffer directly, so 512 bytes each cost
// little throughput.
const (
	wsReadBuffer  = 512
	wsWriteBuffer = 512
)

// smallBuffers is a ResponseWriter whose Hijack swaps net/http's buffers
// for smaller ones, writing through a corkConn it records.
type smallBuffers struct {
	http.ResponseWriter
	cork *corkConn
}

func (w *smallBuffers) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Hijack hijacks the connection and re-buffers it, carrying over any bytes
// the client sent after its handshake that net/http had already read.
func (w *smallBuffers) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("engineio: http.ResponseWriter does not implement http.Hijacker")
	}
	conn, brw, err := hj.Hijack()
	if err != nil {
		return nil, nil, err
	}
	br := bufio.NewReaderSize(conn, wsReadBuffer)
	if n := brw.Reader.Buffered(); n > 0 {
		early, _ := brw.Reader.Peek(n)
		br = bufio.NewReaderSize(io.MultiReader(bytes.NewReader(bytes.Clone(early)), conn), max(n, wsReadBuffer))
		// Pull the early bytes into the buffer now: the WebSocket library
		// takes what is buffered and then reads the connection directly.
		if _, err := br.Peek(n); err != nil {
			_ = conn.Close()
			return nil, nil, err
		}
	}
	w.cork = &corkConn{Conn: conn}
	return w.cork, bufio.NewReadWriter(br, bufio.NewWriterSize(w.cork, wsWriteBuffer)), nil
}

// corkLimit bounds what a corked connection holds before writing anyway.
const corkLimit = 64 << 10

// corkBufs recycles cork buffers: a connection holds one only while corked.
var corkBufs = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// corkConn lets the writer coalesce a batch of frames into one socket
// write. coder/websocket flushes after every frame; while corked, those
// flushes land in a buffer that uncork writes at once, so a backlog of N
// queued packets costs one syscall instead of N.
type corkConn struct {
	net.Conn
	mu  sync.Mutex
	buf *[]byte // non-nil while corked
	err error   // first write error while corked, returned by uncork
	// all makes the flush at corkLimit non-blocking, keeping what the
	// socket does not take: a pool writer must never wait for the peer.
	// The batch is bounded by the send queue.
	all bool
}

func (c *corkConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.buf == nil {
		return c.Conn.Write(p)
	}
	if c.err != nil {
		return 0, c.err
	}
	*c.buf = append(*c.buf, p...)
	if len(*c.buf) >= corkLimit {
		if c.all {
			c.err = c.tryFlushLocked()
		} else {
			c.err = c.flushLocked()
		}
	}
	return len(p), c.err
}

// cork starts buffering writes.
func (c *corkConn) cork() {
	c.mu.Lock()
	if c.buf == nil {
		c.buf = corkBufs.Get().(*[]byte)
	}
	c.mu.Unlock()
}

// corkAll starts buffering writes with no intermediate flush.
func (c *corkConn) corkAll() {
	c.mu.Lock()
	if c.buf == nil {
		c.buf = corkBufs.Get().(*[]byte)
	}
	c.all = true
	c.mu.Unlock()
}

// canTryWrite reports whether tryUncork can write without blocking.
func (c *corkConn) canTryWrite() bool { return hasRawConn(c.Conn) }

// uncork writes what was buffered and stops buffering.
func (c *corkConn) uncork() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.buf == nil {
		return nil
	}
	err := c.err
	if err == nil {
		err = c.flushLocked()
	}
	c.releaseLocked()
	return err
}

// tryUncork writes what was buffered as far as the socket takes it without
// waiting. pending reports that the rest is still buffered, in order, the
// connection staying corked until uncork writes it.
func (c *corkConn) tryUncork() (pending bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.buf == nil {
		return false, nil
	}
	c.all = false
	if err := c.err; err != nil {
		c.releaseLocked()
		return false, err
	}
	if err := c.tryFlushLocked(); err != nil || len(*c.buf) == 0 {
		c.releaseLocked()
		return false, err
	}
	return true, nil
}

// drop discards what was buffered and stops buffering.
func (c *corkConn) drop() {
	c.mu.Lock()
	if c.buf != nil {
		c.releaseLocked()
	}
	c.mu.Unlock()
}

// tryFlushLocked writes what the socket takes now and keeps the rest.
func (c *corkConn) tryFlushLocked() error {
	b := *c.buf
	// The descriptor is looked up per flush rather than kept: an idle
	// connection's footprint matters more than 8 bytes of garbage.
	n, err := tryWrite(rawConnOf(c.Conn), b)
	*c.buf = b[:copy(b, b[n:])]
	return err
}

func (c *corkConn) releaseLocked() {
	if cap(*c.buf) <= corkLimit*2 {
		*c.buf = (*c.buf)[:0]
		corkBufs.Put(c.buf)
	}
	c.buf, c.err, c.all = nil, nil, false
}

func (c *corkConn) flushLocked() error {
	_, err := c.Conn.Write(*c.buf)
	*c.buf = (*c.buf)[:0]
	return err
}
