package engineio

import (
	"net/http"
	"sync"
	"time"

	"github.com/gobwas/ws"
)

// Message is one message for SendBatch.
type Message struct {
	Data   []byte
	Binary bool
}

// Conn is one Engine.IO session. Its methods are safe for concurrent use.
type Conn struct {
	// What a send touches comes first, in as few cache lines as possible:
	// a broadcast visits thousands of connections.
	srv       *Server
	mu        sync.Mutex
	closed    bool
	transport string
	queue     []Packet
	ws        *wsConn
	// queued, urgent: in the writer pool's ready or urgent list (both at
	// times: whichever comes first writes the queue). flushing: a
	// goroutine (a pool writer, the reader answering the client, or
	// writeLoop) owns the socket's write side and takes the queue; it looks
	// at the queue again when done, urgently if wantUrgent.
	queued     bool
	urgent     bool
	wantUrgent bool
	flushing   bool
	spare      []Packet // recycled backing array of a flushed queue

	id  string
	req *handshakeRequest

	// deliverMu is held while OnMessage or OnClose runs: they never run
	// concurrently, whichever transport or timer triggers them.
	deliverMu sync.Mutex

	// Under mu, like the fields above.
	onMessage func(data []byte, binary bool)
	onClose   func(reason string, err error)
	// The close outcome, fixed once closed is set.
	closeReason string
	closeErr    error
	notified    bool // OnClose has been claimed
	// closePending hands the OnClose call to the goroutine delivering a
	// message when the close happened.
	closePending bool
	timer        *time.Timer
	awaitPong    bool

	// polling
	pollCh      chan struct{} // wakes the pending GET; buffered 1
	pollActive  bool          // a GET is being served
	pollWaiting bool          // that GET is parked on pollCh
	postActive  bool
	noopPending bool // answer the pending GET with noop (upgrade, client close)
	// closeQueued: a graceful close's close packet waits until the
	// messages queued before it are collected (takePollQueueLocked).
	closeQueued bool

	// websocket
	probe         *wsConn // upgrade in progress on this WebSocket
	closeGraceful bool    // closed with what was queued still to be written
	probed        bool    // the probe ping was answered
	// blockingFlush: the flushing goroutine is writeLoop, which may block.
	blockingFlush bool
	// owedClose is the close frame that the flushing pool writer sends
	// when done, after a close that could not cut into its write.
	owedClose ws.StatusCode
	finishOne sync.Once
}

func newConn(s *Server, id string, r *http.Request, transport string) *Conn {
	c := &Conn{
		srv:       s,
		id:        id,
		req:       newHandshakeRequest(r),
		transport: transport,
	}
	if transport == TransportPolling {
		c.pollCh = make(chan struct{}, 1)
	}
	return c
}

// ID returns the session id.
func (c *Conn) ID() string { return c.id }

// Request returns a copy of the handshake request without its body; it is
// safe to keep and to modify. Each call returns a new copy, rebuilt from
// the compact form that the session keeps (see the package doc, Memory):
// call it when needed rather than keeping it for every session, and
// prefer RemoteAddr for the address alone.
func (c *Conn) Request() *http.Request { return c.req.request() }

// RemoteAddr returns the handshake request's RemoteAddr, without the cost
// of Request.
func (c *Conn) RemoteAddr() string { return c.req.remoteAddr }

// Transport returns the current transport: "polling" or "websocket".
func (c *Conn) Transport() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.transport
}

// OnMessage sets the message handler. Set it inside Options.OnConnection.
// Calls are sequential, never concurrent with each other or with OnClose,
// and fn owns data. fn must not wait for the client: the connection reads
// nothing else (pongs included) until it returns, and a close meanwhile is
// reported to OnClose only then.
func (c *Conn) OnMessage(fn func(data []byte, binary bool)) {
	c.mu.Lock()
	c.onMessage = fn
	c.mu.Unlock()
}

// OnClose sets the close handler, called exactly once with the close
// reason and, for errors, the cause; at once if the connection is already
// closed. It never runs concurrently with OnMessage, and no OnMessage call
// follows it: a close that happens while a message is being handled (from
// the handler itself, a timer or another goroutine) is reported when the
// handler returns.
func (c *Conn) OnClose(fn func(reason string, err error)) {
	c.mu.Lock()
	c.onClose = fn
	run := c.closed && c.claimCloseLocked()
	c.mu.Unlock()
	if run {
		c.runOnClose()
	}
}

// Send queues one message packet and returns at once. data is kept, not
// copied, until it is written: the caller must not modify it afterwards,
// and may pass the same slice to many connections. It returns ErrClosed
// after close and ErrQueueFull, closing the connection, when the send queue
// is full; that connection's OnClose then runs in a goroutine of its own,
// not the caller's. On a WebSocket the connection is written ahead of those
// waiting with SendBulk messages: Send is for replies and messages to one
// client.
func (c *Conn) Send(data []byte, binary bool) error {
	applyBulk()
	err := c.enqueue(Packet{Type: PacketMessage, Data: data, Binary: binary}, true)
	if err == ErrQueueFull {
		c.srv.opts.Hooks.queueFull()
		c.closeDetached(ReasonTransportError, ErrQueueFull)
	}
	return err
}

// SendBulk is Send for a message that many connections get at once, a
// broadcast. It costs its caller an append: the message is put on the
// connection's queue later, by a writer of the pool, and always before
// anything sent to the connection afterwards (Send, SendBatch, Close apply
// pending SendBulk messages first). An error (closed connection, full
// queue) is therefore not returned: a full queue closes the connection
// as with Send. On a WebSocket the connection waits its turn behind the
// others, so that a fan-out does not delay the replies that Send writes
// first.
func (c *Conn) SendBulk(data []byte, binary bool) error {
	if bulk.add(c, data, binary) {
		c.srv.writers.wake()
	}
	return nil
}

// SendVolatile queues msgs, consecutive packets as with SendBatch (a
// binary packet's frames), only if the transport is writable at once, and
// reports whether it did. Otherwise they are dropped: no error, no close.
// It is for messages that may be lost rather than wait (positions,
// typing indicators, Socket.IO's volatile events). Writable means what it
// means in the reference server: over polling, a GET is parked with
// nothing queued, so the message answers it now; over WebSocket, nothing
// is queued or being written (a client that does not keep up with its
// reads is skipped); never during an upgrade's probe, nor after close.
func (c *Conn) SendVolatile(msgs ...Message) bool {
	applyBulk()
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.writableLocked() || len(msgs) > c.srv.opts.SendQueue {
		return false
	}
	for _, m := range msgs {
		c.queue = append(c.queue, Packet{Type: PacketMessage, Data: m.Data, Binary: m.Binary})
	}
	c.kickLocked(true)
	return true
}

// SendBulkVolatile is SendBulk for a message that may be lost: when a pool
// writer puts it on the connection's queue (after every message sent to
// the connection before it), it is dropped unless the transport is
// writable then, as SendVolatile defines it. So a volatile broadcast
// right behind another message to the same client is dropped, as in the
// reference.
func (c *Conn) SendBulkVolatile(data []byte, binary bool) {
	if bulk.addVolatile(c, data, binary) {
		c.srv.writers.wake()
	}
}

// writableLocked reports whether a message queued now would be written at
// once, without waiting behind another.
func (c *Conn) writableLocked() bool {
	if c.closed || len(c.queue) > 0 || c.probe != nil {
		return false
	}
	switch c.transport {
	case TransportPolling:
		return c.pollWaiting
	case TransportWebSocket:
		return c.ws != nil && !c.flushing
	}
	return false
}

// enqueueIfWritable adds p to the queue if the transport is writable.
func (c *Conn) enqueueIfWritable(p Packet) {
	c.mu.Lock()
	if c.writableLocked() {
		c.queue = append(c.queue, p)
		c.kickLocked(false)
	}
	c.mu.Unlock()
}

// enqueue adds p to the queue; a full queue is reported, not acted on:
// the caller decides whether that closes the connection.
func (c *Conn) enqueue(p Packet, urgent bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ErrClosed
	}
	if len(c.queue) >= c.srv.opts.SendQueue {
		return ErrQueueFull
	}
	c.queue = append(c.queue, p)
	c.kickLocked(urgent)
	return nil
}

// SendBatch queues msgs as consecutive packets, never interleaved with
// packets of other senders: all of them or, on error, none.
func (c *Conn) SendBatch(msgs []Message) error {
	applyBulk()
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return ErrClosed
	}
	if len(c.queue)+len(msgs) > c.srv.opts.SendQueue {
		c.mu.Unlock()
		c.srv.opts.Hooks.queueFull()
		c.closeDetached(ReasonTransportError, ErrQueueFull)
		return ErrQueueFull
	}
	for _, m := range msgs {
		c.queue = append(c.queue, Packet{Type: PacketMessage, Data: m.Data, Binary: m.Binary})
	}
	c.kickLocked(true)
	c.mu.Unlock()
	return nil
}

// Close closes the session with reason "forced close", after writing what
// is already queued where the transport allows.
func (c *Conn) Close() {
	applyBulk()
	c.close(ReasonForcedClose, nil, true)
}

// kickLocked makes the current transport write the queue; urgent puts a
// WebSocket ahead of the connections waiting in the writer pool.
func (c *Conn) kickLocked(urgent bool) {
	switch c.transport {
	case TransportPolling:
		if c.pollWaiting {
			c.pollWaiting = false
			c.pollCh <- struct{}{}
		}
	case TransportWebSocket:
		switch {
		case c.ws == nil || c.urgent:
		case c.flushing:
			// The writer looks at the queue when done.
			c.wantUrgent = c.wantUrgent || urgent
		case urgent:
			c.urgent = true
			c.srv.writers.schedule(c, true)
		case !c.queued:
			c.queued = true
			c.srv.writers.schedule(c, false)
		}
	}
}

// maxRecycledQueue is the largest queue array (in packets, 40 bytes each)
// a connection keeps for its next messages. A queue grows only while the
// client lags behind a burst; keeping what it grew to (up to 256 packets,
// before) left each of 10,000 idle connections holding its busiest
// moment's arrays: RSS after the benchmark's load was 1.38x idle, 1.11x
// with this bound, for no measurable change in throughput.
const maxRecycledQueue = 16

// takeQueueLocked hands the queued packets to a writer, which gives the
// slice back with recycle once written.
func (c *Conn) takeQueueLocked() []Packet {
	q := c.queue
	c.queue = c.spare
	c.spare = nil
	return q
}

// recycle keeps a written queue's backing array for reuse, dropping the
// references to message data so that broadcast buffers are not retained.
// Only a small one is kept (see maxRecycledQueue).
func (c *Conn) recycle(q []Packet) {
	if cap(q) > maxRecycledQueue {
		return
	}
	clear(q)
	c.mu.Lock()
	if c.spare == nil {
		c.spare = q[:0]
	}
	c.mu.Unlock()
}

// onPacket handles a packet from the client on the current transport.
func (c *Conn) onPacket(p Packet) {
	switch p.Type {
	case PacketMessage:
		c.deliver(p.Data, p.Binary)
	case PacketPong:
		// Only a pong answers a ping (as the spec and the reference):
		// other traffic does not prove that the client reads.
		c.mu.Lock()
		if c.awaitPong && !c.closed {
			c.awaitPong = false
			c.timer.Reset(c.srv.opts.PingInterval)
		}
		c.mu.Unlock()
	case PacketPing:
		c.close(ReasonTransportError, ErrHeartbeat, false)
	case PacketClose:
		c.close(ReasonTransportClose, nil, false)
	}
	// open, upgrade and noop carry nothing for an established session.
}

func (c *Conn) deliver(data []byte, binary bool) {
	c.deliverMu.Lock()
	// Deferred so that a panicking handler (net/http recovers it for
	// polling) does not leave the connection locked.
	defer c.afterDeliver()
	c.mu.Lock()
	closed, fn := c.closed, c.onMessage
	c.mu.Unlock()
	if !closed && fn != nil {
		fn(data, binary)
	}
}

// afterDeliver releases deliverMu, first calling OnClose if the connection
// closed while the message was handled.
func (c *Conn) afterDeliver() {
	c.mu.Lock()
	if c.closePending && !c.notified {
		c.closePending = false
		c.notified = true
		c.mu.Unlock()
		c.runOnClose()
		return
	}
	// Released under c.mu, so that a concurrent close either sees it held
	// and leaves OnClose pending for us, or takes it itself.
	c.deliverMu.Unlock()
	c.mu.Unlock()
}
