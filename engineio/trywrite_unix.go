//go:build unix

package engineio

import (
	"errors"
	"io"
	"net"
	"sync"
	"syscall"
)

// rawConnOf returns the connection's descriptor access, or nil when it has
// none (then every flush is a blocking write in a goroutine of the
// connection's own).
func rawConnOf(conn net.Conn) syscall.RawConn {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	return rc
}

// tryWrite writes what the socket takes now, without waiting for room:
// the descriptor is non-blocking, and returning true from the callback
// tells the runtime not to park on EAGAIN.
func tryWrite(rc syscall.RawConn, b []byte) (int, error) {
	if rc == nil {
		return 0, nil // left for a blocking write
	}
	op := tryWrites.Get().(*tryWriteOp)
	op.b, op.n, op.err = b, 0, nil
	err := rc.Write(op.fn)
	n := op.n
	if err == nil {
		err = op.err
	}
	op.b, op.err = nil, nil
	tryWrites.Put(op)
	return n, err
}

// tryWriteOp is one tryWrite's state, recycled along with its callback so
// that a flush costs no allocation.
type tryWriteOp struct {
	b   []byte
	n   int
	err error
	fn  func(fd uintptr) bool
}

var tryWrites = sync.Pool{New: func() any {
	op := &tryWriteOp{}
	op.fn = op.write
	return op
}}

func (op *tryWriteOp) write(fd uintptr) bool {
	for op.n < len(op.b) {
		m, err := syscall.Write(int(fd), op.b[op.n:])
		if m > 0 {
			op.n += m
		}
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			return true
		case err != nil:
			op.err = err
			return true
		case m <= 0:
			return true
		}
	}
	return true
}

// descriptorOf returns the descriptor behind rc, or -1. The WebSocket
// writers write to it directly (wsConn.tryWrite): the runtime's own path
// (RawConn.Write: its descriptor lock, closing and deadline checks, a
// callback) was an eighth of the server's CPU in a write-bound fan-out.
func descriptorOf(rc syscall.RawConn) int32 {
	fd := int32(-1)
	if rc == nil || rc.Control(func(s uintptr) { fd = int32(s) }) != nil {
		return -1
	}
	return fd
}

// writeFD writes what the non-blocking descriptor takes now.
func writeFD(fd int, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := syscall.Write(fd, b[n:])
		if m > 0 {
			n += m
		}
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			return n, nil
		case err != nil:
			return n, err
		case m <= 0:
			return n, nil
		}
	}
	return n, nil
}

// errWouldBlock is tryRead finding nothing to read.
var errWouldBlock = errors.New("engineio: would block")

// tryRead reads what the socket holds now, without waiting: n > 0, or
// errWouldBlock when it is empty, io.EOF when the peer closed, or the
// error.
func tryRead(rc syscall.RawConn, b []byte) (int, error) {
	op := tryReads.Get().(*tryReadOp)
	op.b, op.n, op.err = b, 0, nil
	err := rc.Read(op.fn)
	n := op.n
	if err == nil {
		err = op.err
	}
	op.b, op.err = nil, nil
	tryReads.Put(op)
	return n, err
}

// tryReadOp is one tryRead's state, recycled with its callback.
type tryReadOp struct {
	b   []byte
	n   int
	err error
	fn  func(fd uintptr) bool
}

var tryReads = sync.Pool{New: func() any {
	op := &tryReadOp{}
	op.fn = op.read
	return op
}}

func (op *tryReadOp) read(fd uintptr) bool {
	for {
		n, err := syscall.Read(int(fd), op.b)
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			op.err = errWouldBlock
		case err != nil:
			op.err = err
		case n == 0:
			op.err = io.EOF
		default:
			op.n = n
		}
		return true
	}
}
