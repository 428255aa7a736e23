package main

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/gobwas/ws"
	"golang.org/x/sys/unix"
)

// wsConn is the client end of one WebSocket, as lean as the load
// generator needs it to be: it dials with gobwas/ws, frames its own
// (masked) writes, and parses the server's frames out of a buffer that the
// reader (the handshake at first, then the worker's reactor) fills. A
// general client (coder/websocket, which this used to be) costs a
// goroutine, a read that finds nothing and a handful of locks and channel
// operations per message; at 10,000 dashboards that made the load
// generator's core, not the server, the limit of what was measured.
type wsConn struct {
	nc  net.Conn
	key uint64 // the reactor's key, 0 when not watched

	// Once detached (see detach), the socket is fd alone: Go's poller no
	// longer has it, so an arrival wakes only the reactor's epoll_wait,
	// not also the runtime's. fdMu guards fd against close while a read or
	// write uses it (a closed descriptor's number is soon another
	// socket's).
	fdMu sync.RWMutex
	fd   int

	buf    []byte // read and not yet parsed; only its reader touches it
	frag   []byte // a fragmented message so far
	fragOp ws.OpCode

	wmu  sync.Mutex
	wbuf []byte
}

// maxMessage bounds a message from the server, as SetReadLimit did.
const maxMessage = 1 << 20

// errClosedByServer is a close frame from the server.
var errClosedByServer = errors.New("loadgen: the server closed the WebSocket")

// dialWS opens a WebSocket to url through dial (which sets the socket
// options of the load generator's connections).
func dialWS(ctx context.Context, url string, dial func(ctx context.Context, network, addr string) (net.Conn, error)) (*wsConn, error) {
	d := ws.Dialer{NetDial: dial}
	nc, br, _, err := d.Dial(ctx, url)
	if err != nil {
		return nil, err
	}
	w := &wsConn{nc: nc, fd: -1, buf: make([]byte, 0, 1024)}
	if br != nil {
		// Frames that came with the handshake's answer.
		b, _ := br.Peek(br.Buffered())
		w.buf = append(w.buf, b...)
		ws.PutReader(br)
	}
	return w, nil
}

// writeText sends one text message, masked as a client must.
func (w *wsConn) writeText(p []byte) error {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	b := w.wbuf[:0]
	switch n := len(p); {
	case n < 126:
		b = append(b, 0x80|byte(ws.OpText), 0x80|byte(n))
	case n <= 0xffff:
		b = append(b, 0x80|byte(ws.OpText), 0x80|126, byte(n>>8), byte(n))
	default:
		b = append(b, 0x80|byte(ws.OpText), 0x80|127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	var mask [4]byte
	binary.LittleEndian.PutUint32(mask[:], rand.Uint32())
	b = append(b, mask[:]...)
	start := len(b)
	b = append(b, p...)
	for i := range b[start:] {
		b[start+i] ^= mask[i&3]
	}
	w.wbuf = b
	return w.write(b)
}

// writeControl sends a control frame (a pong) with an empty masked body.
func (w *wsConn) writeControl(op ws.OpCode) error {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	return w.write([]byte{0x80 | byte(op), 0x80, 0, 0, 0, 0})
}

// write writes b whole; w.wmu is held.
func (w *wsConn) write(b []byte) error {
	w.fdMu.RLock()
	defer w.fdMu.RUnlock()
	if w.fd < 0 {
		if w.nc == nil {
			return net.ErrClosed
		}
		_, err := w.nc.Write(b)
		return err
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(b) > 0 {
		n, err := syscall.Write(w.fd, b)
		if err == syscall.EAGAIN || err == syscall.EINTR {
			if time.Now().After(deadline) {
				return errors.New("loadgen: write timed out")
			}
			fds := []unix.PollFd{{Fd: int32(w.fd), Events: unix.POLLOUT}}
			_, _ = unix.Poll(fds, 100)
			continue
		}
		if err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

// detach takes the socket from Go's poller: it keeps a duplicate of the
// descriptor and closes the connection's own (the socket stays open).
func (w *wsConn) detach() error {
	sc, ok := w.nc.(syscall.Conn)
	if !ok {
		return errors.New("loadgen: not a socket")
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return err
	}
	fd := -1
	var derr error
	if err := rc.Control(func(s uintptr) { fd, derr = unix.FcntlInt(s, unix.F_DUPFD_CLOEXEC, 0) }); err != nil {
		return err
	}
	if derr != nil {
		return derr
	}
	w.fdMu.Lock()
	w.fd = fd
	_ = w.nc.Close()
	w.nc = nil
	w.fdMu.Unlock()
	return nil
}

// close closes the socket; the load generator's connections close with
// RST (see newDialer).
func (w *wsConn) close() {
	w.fdMu.Lock()
	defer w.fdMu.Unlock()
	if w.fd >= 0 {
		_ = syscall.Close(w.fd)
		w.fd = -1
	}
	if w.nc != nil {
		_ = w.nc.Close()
		w.nc = nil
	}
}

// readBlocking reads once into buf, waiting at most until deadline: the
// handshake's reads, before the reactor takes over.
func (w *wsConn) readBlocking(deadline time.Time) error {
	_ = w.nc.SetReadDeadline(deadline)
	defer w.nc.SetReadDeadline(time.Time{})
	w.reserve()
	n, err := w.nc.Read(w.buf[len(w.buf):cap(w.buf)])
	w.buf = w.buf[:len(w.buf)+n]
	return err
}

// readReady reads once into buf without waiting (the reactor said the
// socket has data). A closed socket is io.EOF.
func (w *wsConn) readReady() error {
	w.reserve()
	w.fdMu.RLock()
	if w.fd < 0 {
		w.fdMu.RUnlock()
		return net.ErrClosed
	}
	n, rerr := syscall.Read(w.fd, w.buf[len(w.buf):cap(w.buf)])
	w.fdMu.RUnlock()
	switch {
	case rerr == syscall.EAGAIN || rerr == syscall.EINTR:
		return nil
	case rerr != nil:
		return rerr
	case n == 0:
		return errEOF
	}
	w.buf = w.buf[:len(w.buf)+n]
	return nil
}

var errEOF = errors.New("loadgen: the server closed the connection")

// reserve makes room for a read of at least 4 kB.
func (w *wsConn) reserve() {
	if cap(w.buf)-len(w.buf) < 4096 {
		nb := make([]byte, len(w.buf), 2*cap(w.buf)+4096)
		copy(nb, w.buf)
		w.buf = nb
	}
}

// messages calls fn with each complete text message in buf, in order, and
// keeps what is left of an incomplete frame. A ping is answered, a close
// frame is errClosedByServer.
func (w *wsConn) messages(fn func(msg []byte) error) error {
	b := w.buf
	defer func() {
		n := copy(w.buf, b)
		w.buf = w.buf[:n]
	}()
	for {
		fin, op, payload, n, err := parseWSFrame(b)
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		b = b[n:]
		switch {
		case op == ws.OpClose:
			return errClosedByServer
		case op == ws.OpPing:
			if err := w.writeControl(ws.OpPong); err != nil {
				return err
			}
		case op == ws.OpPong:
		case op == ws.OpContinuation:
			if len(w.frag)+len(payload) > maxMessage {
				return fmt.Errorf("loadgen: message over %d bytes", maxMessage)
			}
			w.frag = append(w.frag, payload...)
			if fin {
				msg, text := w.frag, w.fragOp == ws.OpText
				w.frag = w.frag[:0]
				if text {
					if err := fn(msg); err != nil {
						return err
					}
				}
			}
		case !fin:
			w.frag, w.fragOp = append(w.frag[:0], payload...), op
		case op == ws.OpText:
			if err := fn(payload); err != nil {
				return err
			}
		}
	}
}

// parseWSFrame parses the frame at the start of b: n is 0 while it is
// incomplete. A masked frame (which a server must not send) is unmasked in
// place.
func parseWSFrame(b []byte) (fin bool, op ws.OpCode, payload []byte, n int, err error) {
	if len(b) < 2 {
		return false, 0, nil, 0, nil
	}
	fin, op = b[0]&0x80 != 0, ws.OpCode(b[0]&0x0f)
	masked, size, h := b[1]&0x80 != 0, uint64(b[1]&0x7f), 2
	switch size {
	case 126:
		if len(b) < 4 {
			return false, 0, nil, 0, nil
		}
		size, h = uint64(binary.BigEndian.Uint16(b[2:])), 4
	case 127:
		if len(b) < 10 {
			return false, 0, nil, 0, nil
		}
		size, h = binary.BigEndian.Uint64(b[2:]), 10
	}
	if size > maxMessage {
		return false, 0, nil, 0, fmt.Errorf("loadgen: frame of %d bytes", size)
	}
	var mask []byte
	if masked {
		if len(b) < h+4 {
			return false, 0, nil, 0, nil
		}
		mask, h = b[h:h+4], h+4
	}
	if uint64(len(b)-h) < size {
		return false, 0, nil, 0, nil
	}
	payload = b[h : h+int(size)]
	if masked {
		for i := range payload {
			payload[i] ^= mask[i&3]
		}
	}
	return fin, op, payload, h + int(size), nil
}
