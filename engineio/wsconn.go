package engineio

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/gobwas/ws"
)

// wsConn is the socket of one WebSocket. gobwas/ws does the opening
// handshake; frames are parsed and written here (wsframe.go). Reading is
// driven by readiness (reactor_linux.go): an idle connection holds no
// goroutine and no buffer, only this struct. Where that is not available,
// a goroutine per connection reads with blocking calls.
type wsConn struct {
	conn net.Conn
	rc   syscall.RawConn // nil when conn has no descriptor
	// fd is rc's descriptor (-1: none), which tryWrite writes to
	// directly; fdUse counts those writes in progress and, with
	// fdRetired, says destroy has begun (see retireFD).
	fd    int32
	fdUse atomic.Int32
	wsParser

	// h handles what is read: the upgrade probe, then the session. It is
	// only changed by the goroutine reading.
	h wsReader
	// handoff tells a blocking reader to hand reading over to the reactor
	// once the current read is handled (after a successful upgrade).
	handoff bool

	// pending holds what a non-blocking write left unwritten; it belongs
	// to the goroutine that flushes the session (Conn.flushing).
	pending []byte

	// owner is the session whose transport this is, finished when the
	// socket is destroyed; nil while it is an upgrade probe.
	owner *Conn

	state       atomic.Int32 // reader state, see readable
	id          uint64       // the reactor's key, under the reactor's lock
	dead        bool         // destroyed, under the reactor's lock
	destroyOnce sync.Once
}

// wsReader is what a WebSocket's reader reports to.
type wsReader interface {
	wsFrameHandler
	// wsAfterRead runs after the frames of one read were handled.
	wsAfterRead()
	// wsReadEnd runs once when reading stops: io.EOF when the peer closed,
	// errStopReading after a close frame, or the error.
	wsReadEnd(err error)
}

// upgradeWebSocket answers the WebSocket handshake of r. early is what the
// client sent after its handshake and net/http had already read.
// sendBuffer, when positive, is set as the socket's SO_SNDBUF.
func upgradeWebSocket(w http.ResponseWriter, r *http.Request, maxPayload int64, sendBuffer int) (wc *wsConn, early []byte, err error) {
	conn, rw, _, err := ws.UpgradeHTTP(r, w)
	if err != nil {
		if conn != nil {
			_ = conn.Close()
		}
		return nil, nil, err
	}
	if n := rw.Reader.Buffered(); n > 0 {
		b, _ := rw.Reader.Peek(n)
		early = bytes.Clone(b)
	}
	// rw, with net/http's two 4 kB buffers, is dropped here: frames are
	// read into pooled buffers and written from them.
	if tc, ok := conn.(interface{ SetWriteBuffer(int) error }); ok && sendBuffer > 0 {
		// Best effort: a socket that refuses keeps the kernel's tuning.
		_ = tc.SetWriteBuffer(sendBuffer)
	}
	rc := rawConnOf(conn)
	return &wsConn{conn: conn, rc: rc, fd: descriptorOf(rc), wsParser: wsParser{maxPayload: maxPayload}}, early, nil
}

// wsFrame passes a frame to the current handler: the upgrade probe may hand
// the connection to the session in the middle of a read.
func (w *wsConn) wsFrame(op ws.OpCode, payload []byte) error {
	return w.h.wsFrame(op, payload)
}

// serve starts reading for h: the early bytes first, then whatever
// arrives.
func (w *wsConn) serve(h wsReader, early []byte) {
	w.h = h
	if len(early) > 0 {
		if err := w.consume(early, w); err != nil {
			h.wsReadEnd(err)
			return
		}
		h.wsAfterRead()
	}
	if !w.watch() {
		go w.readBlocking()
	}
}

// readBlocking reads with blocking calls, in a goroutine of its own, until
// the connection ends or a handoff moves reading to the reactor.
func (w *wsConn) readBlocking() {
	buf := make([]byte, 4096)
	for {
		n, err := w.conn.Read(buf)
		if n > 0 {
			if perr := w.consume(buf[:n], w); perr != nil {
				w.h.wsReadEnd(perr)
				return
			}
			w.h.wsAfterRead()
			if w.handoff {
				w.handoff = false
				if w.watch() {
					return
				}
			}
		}
		if err != nil {
			w.h.wsReadEnd(err)
			return
		}
	}
}

// blockingReads makes new WebSockets read in a goroutine each, as on
// systems without epoll: set by tests so that path is exercised on Linux
// too.
var blockingReads atomic.Bool

// readBufs are the buffers a readiness-driven read fills; a connection
// holds one only while reading.
var readBufs = sync.Pool{New: func() any { b := make([]byte, 8192); return &b }}

// Reader states: a connection has at most one goroutine reading; data that
// becomes readable while it runs makes it read once more.
const (
	rsIdle int32 = iota
	rsReading
	rsAgain
)

// readable is called by the reactor when the socket has data (or was
// closed by the peer); it starts a reader unless one runs.
func (w *wsConn) readable() {
	for {
		switch w.state.Load() {
		case rsIdle:
			if w.state.CompareAndSwap(rsIdle, rsReading) {
				go w.readReady()
				return
			}
		case rsReading:
			if w.state.CompareAndSwap(rsReading, rsAgain) {
				return
			}
		default:
			return
		}
	}
}

// readReady reads what the socket holds, without waiting, and handles it.
func (w *wsConn) readReady() {
	bp := readBufs.Get().(*[]byte)
	defer readBufs.Put(bp)
	for {
		n, err := tryRead(w.rc, *bp)
		if n > 0 {
			if perr := w.consume((*bp)[:n], w); perr != nil {
				w.h.wsReadEnd(perr)
				return
			}
			w.h.wsAfterRead()
			continue
		}
		if err != errWouldBlock {
			w.h.wsReadEnd(err)
			return
		}
		// Edge-triggered: the reactor reports new data only after a read
		// found none, which is where we are.
		if w.state.CompareAndSwap(rsReading, rsIdle) {
			return
		}
		w.state.Store(rsReading)
	}
}

// tryWrite writes what the socket takes now; the rest is the caller's.
func (w *wsConn) tryWrite(b []byte) (int, error) {
	if w.fd < 0 {
		return tryWrite(w.rc, b)
	}
	if !w.useFD() {
		return 0, net.ErrClosed
	}
	if hook := testHookDirectWrite.Load(); hook != nil {
		(*hook)()
	}
	n, err := writeFD(int(w.fd), b)
	w.fdUse.Add(-1)
	return n, err
}

// testHookDirectWrite, set by tests only, runs between reserving the
// descriptor and writing to it.
var testHookDirectWrite atomic.Pointer[func()]

// fdRetired is set in fdUse once the descriptor may be closed.
const fdRetired = 1 << 30

// useFD reserves the descriptor for one direct write: false once the
// socket is being destroyed.
func (w *wsConn) useFD() bool {
	for {
		v := w.fdUse.Load()
		if v&fdRetired != 0 {
			return false
		}
		if w.fdUse.CompareAndSwap(v, v+1) {
			return true
		}
	}
}

// retireFD ends direct writes and waits for those in progress (each one
// non-blocking write(2)). Only then may the socket close: a direct write
// after it could reach another socket that reused the descriptor's
// number.
func (w *wsConn) retireFD() {
	if w.fdUse.Or(fdRetired) == 0 {
		return
	}
	for w.fdUse.Load() != fdRetired {
		runtime.Gosched()
	}
}

// abort sends a close frame with code if the socket takes it at once, then
// destroys the connection. frame is false when a write may be in progress:
// a close frame must not cut into another frame.
func (w *wsConn) abort(code ws.StatusCode, frame bool) {
	if frame {
		_, _ = w.tryWrite(closeFrame(code))
	}
	w.destroy()
}

// closeGracefully ends a drained connection: a normal close frame, then
// the end of our side of the stream. The reader destroys the connection
// when the client answers (or the session's kill timer does).
func (w *wsConn) closeGracefully() {
	if _, err := w.conn.Write(closeFrame(ws.StatusNormalClosure)); err != nil {
		w.destroy()
		return
	}
	if cw, ok := w.conn.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
}

// destroy closes the socket, once, and finishes the session it carried.
func (w *wsConn) destroy() {
	w.destroyOnce.Do(func() {
		w.unwatch()
		w.retireFD()
		_ = w.conn.Close()
		if c := w.owner; c != nil {
			c.finish()
		}
	})
}

// readCloseReason classifies why reading stopped: the peer closing is a
// "transport close", a frame too large or broken framing a "transport
// error".
func readCloseReason(err error) (reason string, code ws.StatusCode, cause error) {
	switch {
	case err == errStopReading, err == io.EOF:
		return ReasonTransportClose, ws.StatusNormalClosure, nil
	case err == ErrPayloadTooLarge:
		return ReasonTransportError, ws.StatusMessageTooBig, ErrPayloadTooLarge
	case err == ErrInvalidUTF8:
		return ReasonTransportError, ws.StatusInvalidFramePayloadData, ErrInvalidUTF8
	}
	if _, ok := err.(ws.ProtocolError); ok {
		return ReasonTransportError, ws.StatusProtocolError, err
	}
	return ReasonTransportError, ws.StatusPolicyViolation, err
}
