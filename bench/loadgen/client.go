package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/coder/websocket"
)

// client is one Socket.IO connection over WebSocket, namespace "/".
type client struct {
	f        *farm
	ws       *websocket.Conn
	d        Delivery // guarded by f.mu
	closing  atomic.Bool
	dead     atomic.Bool
	token    string // the CONNECT's auth token
	outsider bool   // not entitled to the measured events (see farmConfig)

	ackMu   sync.Mutex
	nextID  int64
	pending map[int64]int64 // ack id -> unix ns sent
}

// readBufs recycles the buffers messages are read into: an idle client
// holds none.
var readBufs = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// newTransport returns the HTTP transport of WebSocket handshakes. Its
// connections close with RST (SO_LINGER 0) so that tens of thousands of
// closed connections leave no TIME_WAIT behind on a shared machine; a slow
// client gets a tiny receive buffer so that the server's queue fills fast.
func newTransport(slow bool) *http.Transport {
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
	return &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			if tc, ok := c.(*net.TCPConn); ok {
				_ = tc.SetLinger(0)
			}
			return c, nil
		},
		MaxIdleConns:      1,
		DisableKeepAlives: true,
	}
}

// dial opens a client: WebSocket, Engine.IO open packet, Socket.IO CONNECT
// with the optional token, until the server's CONNECT answer. A slow
// client stops reading there; the others start their read loop.
func (f *farm) dial(ctx context.Context, slow bool) (*client, error) {
	hc := f.hc
	if slow {
		hc = f.slowHC
	}
	ws, _, err := websocket.Dial(ctx, f.cfg.URL, &websocket.DialOptions{HTTPClient: hc})
	if err != nil {
		return nil, fmt.Errorf("failed to dial: %w", err)
	}
	ws.SetReadLimit(1 << 20)
	c := &client{f: f, ws: ws}
	c.token, c.outsider = f.token()
	if err := c.handshake(ctx); err != nil {
		ws.CloseNow()
		return nil, err
	}
	if !slow {
		go c.readLoop()
	}
	return c, nil
}

func (c *client) handshake(ctx context.Context) error {
	opened := false
	for {
		typ, b, err := c.ws.Read(ctx)
		if err != nil {
			return fmt.Errorf("failed to read handshake: %w", err)
		}
		if typ != websocket.MessageText {
			continue
		}
		fr, err := parseFrame(b)
		if err != nil {
			return fmt.Errorf("failed to parse handshake %q: %w", b, err)
		}
		switch fr.kind {
		case kindOpen:
			opened = true
			if err := c.ws.Write(ctx, websocket.MessageText, appendConnect(nil, c.token)); err != nil {
				return fmt.Errorf("failed to send connect: %w", err)
			}
		case kindPing:
			if err := c.ws.Write(ctx, websocket.MessageText, []byte("3")); err != nil {
				return fmt.Errorf("failed to pong: %w", err)
			}
		case kindConnect:
			if !opened {
				return errors.New("connect before open")
			}
			return nil
		case kindConnectError:
			return fmt.Errorf("connection refused: %s", fr.data)
		case kindClose, kindDisconnect:
			return errors.New("closed during handshake")
		}
	}
}

func (c *client) readLoop() {
	ctx := context.Background()
	for {
		typ, r, err := c.ws.Reader(ctx)
		if err != nil {
			c.gone()
			return
		}
		bp := readBufs.Get().(*[]byte)
		buf, err := readAll(r, (*bp)[:0])
		now := time.Now().UnixNano()
		if err == nil && typ == websocket.MessageText {
			err = c.handle(buf, now)
		}
		*bp = buf[:0]
		readBufs.Put(bp)
		if err != nil {
			c.gone()
			c.ws.CloseNow()
			return
		}
	}
}

// gone records a connection lost without the load generator asking.
func (c *client) gone() {
	if c.dead.Swap(true) || c.closing.Load() {
		return
	}
	c.f.disconnects.Add(1)
}

func readAll(r io.Reader, buf []byte) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

var errServerLeft = errors.New("loadgen: server disconnected the socket")

func (c *client) handle(b []byte, now int64) error {
	fr, err := parseFrame(b)
	if err != nil {
		return err
	}
	switch fr.kind {
	case kindPing:
		return c.ws.Write(context.Background(), websocket.MessageText, []byte("3"))
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
	return c.ws.Write(context.Background(), websocket.MessageText, appendEvent(nil, "bench:ping", id, arg))
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
	c.ws.CloseNow()
}
