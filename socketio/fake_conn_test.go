package socketio

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"

	"github.com/livedesk/livedesk/engineio"
)

// fakeConn is an in-memory Engine.IO connection for unit tests and
// benchmarks that need many sockets without sockets of the OS.
type fakeConn struct {
	id        string
	req       *http.Request
	onMessage func([]byte, bool)
	onClose   func(string, error)
	frames    atomic.Int64
	bytes     atomic.Int64
	closed    atomic.Bool
	closeOnce sync.Once
	record    chan []byte                    // receives text frames when not nil
	overflow  int64                          // when > 0, the number of the frame on which Send overflows
	onSend    func(c *fakeConn, data []byte) // sees every frame sent, when not nil
}

func newFakeConn() *fakeConn {
	return &fakeConn{id: newID(), req: httptest.NewRequest(http.MethodGet, "/socket.io/?EIO=4&transport=websocket", nil)}
}

func (c *fakeConn) ID() string                      { return c.id }
func (c *fakeConn) Request() *http.Request          { return c.req }
func (c *fakeConn) RemoteAddr() string              { return c.req.RemoteAddr }
func (c *fakeConn) Transport() string               { return "websocket" }
func (c *fakeConn) OnMessage(fn func([]byte, bool)) { c.onMessage = fn }
func (c *fakeConn) OnClose(fn func(string, error))  { c.onClose = fn }

func (c *fakeConn) Send(data []byte, binary bool) error {
	if c.closed.Load() {
		return engineio.ErrClosed
	}
	if n := c.frames.Add(1); c.overflow > 0 && n >= c.overflow {
		// Like engineio: a full queue closes the connection, and runs
		// OnClose, on the sender's goroutine.
		c.closeWith("transport error")
		return engineio.ErrClosed
	}
	c.bytes.Add(int64(len(data)))
	if c.onSend != nil {
		c.onSend(c, data)
	}
	if c.record != nil && !binary {
		c.record <- data
	}
	return nil
}

func (c *fakeConn) SendBulk(data []byte, binary bool) error { return c.Send(data, binary) }

func (c *fakeConn) SendBatch(msgs []engineio.Message) error {
	for _, m := range msgs {
		if err := c.Send(m.Data, m.Binary); err != nil {
			return err
		}
	}
	return nil
}

// SendVolatile finds the fake transport always writable.
func (c *fakeConn) SendVolatile(msgs ...engineio.Message) bool {
	return c.SendBatch(msgs) == nil
}

func (c *fakeConn) SendBulkVolatile(data []byte, binary bool) { _ = c.Send(data, binary) }

func (c *fakeConn) Close() { c.closeWith("forced close") }

func (c *fakeConn) closeWith(reason string) {
	c.closeOnce.Do(func() {
		c.closed.Store(true)
		if c.onClose != nil {
			c.onClose(reason, nil)
		}
	})
}
