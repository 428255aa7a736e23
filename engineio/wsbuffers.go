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
		c.err = c.flushLocked()
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
	if cap(*c.buf) <= corkLimit*2 {
		*c.buf = (*c.buf)[:0]
		corkBufs.Put(c.buf)
	}
	c.buf, c.err = nil, nil
	return err
}

func (c *corkConn) flushLocked() error {
	_, err := c.Conn.Write(*c.buf)
	*c.buf = (*c.buf)[:0]
	return err
}
