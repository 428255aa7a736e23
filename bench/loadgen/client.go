package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// client is one Socket.IO connection over WebSocket, namespace "/".
type client struct {
	f        *farm
	ws       *wsConn
	d        Delivery // guarded by f.mu
	closing  atomic.Bool
	dead     atomic.Bool
	token    string // the CONNECT's auth token
	outsider bool   // not entitled to the measured events (see farmConfig)

	ackMu   sync.Mutex
	nextID  int64
	pending map[int64]int64 // ack id -> unix ns sent
}

// clients reads every healthy client of this process (see reactor).
var clients reactor

// newDialer returns the dial function of WebSocket handshakes. Its
// connections close with RST (SO_LINGER 0) so that tens of thousands of
// closed connections leave no TIME_WAIT behind on a shared machine; a slow
// client gets a tiny receive buffer so that the server's queue fills fast.
func newDialer(slow bool) func(ctx context.Context, network, addr string) (net.Conn, error) {
	d := &net.Dialer{Timeout: 30 * time.Second}
	if slow {
		d.Control = func(_, _ string, rc syscall.RawConn) error {
			var serr error
			err := rc.Control(func(fd uintptr) {
				serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 2048)
			})
			if err != nil {
				return err
			}
			return serr
		}
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
		return c, nil
	}
}

// dial opens a client: WebSocket, Engine.IO open packet, Socket.IO CONNECT
// with the optional token, until the server's CONNECT answer. A slow
// client stops reading there; the others are read by the reactor.
func (f *farm) dial(ctx context.Context, slow bool) (*client, error) {
	dial := f.netDial
	if slow {
		dial = f.slowNetDial
	}
	ws, err := dialWS(ctx, f.cfg.URL, dial)
	if err != nil {
		return nil, fmt.Errorf("failed to dial: %w", err)
	}
	c := &client{f: f, ws: ws}
	c.token, c.outsider = f.token()
	if err := c.handshake(ctx); err != nil {
		ws.close()
		return nil, err
	}
	if !slow {
		// What came right after the CONNECT answer, then the reactor.
		if err := c.ws.messages(func(msg []byte) error { return c.handle(msg, time.Now().UnixNano()) }); err != nil {
			ws.close()
			return nil, err
		}
		if err := ws.detach(); err != nil {
			ws.close()
			return nil, fmt.Errorf("failed to take the socket: %w", err)
		}
		if err := clients.watch(c); err != nil {
			ws.close()
			return nil, fmt.Errorf("failed to watch the socket: %w", err)
		}
	}
	return c, nil
}

// errHandshakeDone ends the handshake's message loop at the CONNECT answer.
var errHandshakeDone = errors.New("handshake done")

func (c *client) handshake(ctx context.Context) error {
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(30 * time.Second)
	}
	opened := false
	step := func(b []byte) error {
		fr, err := parseFrame(b)
		if err != nil {
			return fmt.Errorf("failed to parse handshake %q: %w", b, err)
		}
		switch fr.kind {
		case kindOpen:
			opened = true
			if err := c.ws.writeText(appendConnect(nil, c.token)); err != nil {
				return fmt.Errorf("failed to send connect: %w", err)
			}
		case kindPing:
			if err := c.ws.writeText([]byte("3")); err != nil {
				return fmt.Errorf("failed to pong: %w", err)
			}
		case kindConnect:
			if !opened {
				return errors.New("connect before open")
			}
			return errHandshakeDone
		case kindConnectError:
			return fmt.Errorf("connection refused: %s", fr.data)
		case kindClose, kindDisconnect:
			return errors.New("closed during handshake")
		}
		return nil
	}
	for {
		// Messages one at a time, so that those after the CONNECT answer
		// stay in the buffer for the reactor.
		err := c.ws.messages(once(step))
		if err == errHandshakeDone {
			return nil
		}
		if err != nil && err != errOnce {
			return err
		}
		if err == errOnce {
			continue // there may be another complete message
		}
		if err := c.ws.readBlocking(deadline); err != nil {
			return fmt.Errorf("failed to read handshake: %w", err)
		}
	}
}

// errOnce stops a message loop after one message, which stays consumed.
var errOnce = errors.New("one message")

// once wraps a message handler so that the loop stops after the first
// message (errOnce) unless the handler failed.
func once(fn func([]byte) error) func([]byte) error {
	return func(b []byte) error {
		if err := fn(b); err != nil {
			return err
		}
		return errOnce
	}
}

// readable reads what the socket has and handles its messages (the
// reactor's call).
func (c *client) readable() {
	err := c.ws.readReady()
	if err == nil {
		now := time.Now().UnixNano()
		err = c.ws.messages(func(msg []byte) error { return c.handle(msg, now) })
	}
	if err != nil {
		clients.forget(c)
		c.gone()
		c.ws.close()
	}
}

// gone records a connection lost without the load generator asking.
func (c *client) gone() {
	if c.dead.Swap(true) || c.closing.Load() {
		return
	}
	c.f.disconnects.Add(1)
}

var errServerLeft = errors.New("loadgen: server disconnected the socket")

func (c *client) handle(b []byte, now int64) error {
	fr, err := parseFrame(b)
	if err != nil {
		return err
	}
	switch fr.kind {
	case kindPing:
		return c.ws.writeText([]byte("3"))
	case kindEvent:
		if string(fr.event) != c.f.cfg.Event {
			return nil
		}
		seq, t0, ok := c.f.key(fr.data)
		if !ok {
			return fmt.Errorf("unexpected %s payload %.80q", fr.event, fr.data)
		}
		c.f.record(c, seq, t0, now)
	case kindAck:
		c.ackMu.Lock()
		sent, ok := c.pending[fr.ackID]
		delete(c.pending, fr.ackID)
		c.ackMu.Unlock()
		if ok {
			c.f.recordAck(now - sent)
		}
	case kindDisconnect, kindClose:
		return errServerLeft
	}
	return nil
}

// ping emits bench:ping with an ack id; the ack's round trip is recorded
// when it arrives.
func (c *client) ping() error {
	now := time.Now().UnixNano()
	c.ackMu.Lock()
	if c.pending == nil {
		c.pending = make(map[int64]int64)
	}
	id := c.nextID
	c.nextID++
	c.pending[id] = now
	c.ackMu.Unlock()
	arg := strconv.AppendQuote(nil, strconv.FormatInt(now, 10))
	return c.ws.writeText(appendEvent(nil, "bench:ping", id, arg))
}

// takePending returns and forgets the number of unanswered pings.
func (c *client) takePending() int64 {
	c.ackMu.Lock()
	defer c.ackMu.Unlock()
	n := int64(len(c.pending))
	clear(c.pending)
	return n
}

// close closes the connection at once (RST), as a crashed client would.
func (c *client) close() {
	c.closing.Store(true)
	clients.forget(c)
	c.ws.close()
}
