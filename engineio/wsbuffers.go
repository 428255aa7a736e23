package engineio

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
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
// for smaller ones.
type smallBuffers struct {
	http.ResponseWriter
}

func (w smallBuffers) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Hijack hijacks the connection and re-buffers it, carrying over any bytes
// the client sent after its handshake that net/http had already read.
func (w smallBuffers) Hijack() (net.Conn, *bufio.ReadWriter, error) {
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
	return conn, bufio.NewReadWriter(br, bufio.NewWriterSize(conn, wsWriteBuffer)), nil
}
