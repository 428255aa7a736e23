package engineio

import (
	"runtime"
	"sync"
)

// writerPoolSize bounds the goroutines that write WebSocket queues. A
// broadcast to N connections used to start N writer goroutines; on a
// single CPU the broadcasting goroutine, once preempted, waited behind all
// of them, and so did the network input (the next trigger, acks,
// handshakes). A few shared writers that never block keep the run queue
// short. More than one, so that a writer briefly held on a connection's
// lock does not hold up the rest.
const writerPoolSize = 4

// writerYield is how many connections a pool writer serves before letting
// other goroutines run (about a millisecond of writes): network input, the
// next broadcast or an ack, must not wait for a whole fan-out.
const writerYield = 64

// frameBufs recycles the buffers a queue is framed into before its write.
var frameBufs = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

func putFrameBuf(bp *[]byte) {
	if cap(*bp) <= 64<<10 {
		*bp = (*bp)[:0]
		frameBufs.Put(bp)
	}
}

// writerPool writes the queues of WebSocket connections that have frames
// to send. A connection is in ready at most once (Conn.queued); a writer
// frames its whole queue into one buffer and attempts one non-blocking
// write. What the kernel does not take is handed to a goroutine of the
// connection's own (Conn.writeLoop), so that a slow client never stalls
// the pool. Writers exit when nothing is ready: an idle server holds none.
type writerPool struct {
	mu      sync.Mutex
	ready   []*Conn // ready[next:] wait for a writer
	next    int
	running int
}

// schedule adds c, which has frames queued, to the ready list; c.mu is
// held and c.queued was just set.
func (p *writerPool) schedule(c *Conn) {
	p.mu.Lock()
	p.ready = append(p.ready, c)
	start := p.running < writerPoolSize
	if start {
		p.running++
	}
	p.mu.Unlock()
	if start {
		go p.run()
	}
}

func (p *writerPool) run() {
	bp := frameBufs.Get().(*[]byte)
	defer func() { putFrameBuf(bp) }()
	for n := 1; ; n++ {
		if n%writerYield == 0 {
			runtime.Gosched()
		}
		p.mu.Lock()
		if p.next == len(p.ready) {
			p.running--
			// Reuse the array for the next burst, unless it grew for an
			// unusually large one.
			p.ready, p.next = p.ready[:0], 0
			if cap(p.ready) > 1<<16 {
				p.ready = nil
			}
			p.mu.Unlock()
			return
		}
		c := p.ready[p.next]
		p.ready[p.next] = nil
		p.next++
		p.mu.Unlock()
		bp = c.writeReady(bp)
	}
}

// writeReady writes c's queue for the pool without blocking on the peer.
// It returns the buffer to frame the next connection into.
func (c *Conn) writeReady(bp *[]byte) *[]byte {
	c.mu.Lock()
	c.queued = false
	wc := c.ws
	if c.flushing || len(c.queue) == 0 || wc == nil {
		// Someone else is writing it (and will look at the queue when
		// done), or the reader already did.
		c.mu.Unlock()
		return bp
	}
	c.flushing = true
	if c.closed {
		// A graceful close: the connection's own goroutine drains the
		// queue and then waits for the peer.
		c.mu.Unlock()
		go c.writeLoop()
		return bp
	}
	q := c.takeQueueLocked()
	c.mu.Unlock()
	return c.flushTry(wc, q, bp)
}

// flushTry frames q and writes it without waiting; c.flushing is held. If
// the socket does not take everything, the rest and the buffer holding it
// go to writeLoop, and a fresh buffer is returned.
func (c *Conn) flushTry(wc *wsConn, q []Packet, bp *[]byte) *[]byte {
	buf := appendPackets((*bp)[:0], q)
	c.recycle(q)
	n, err := wc.tryWrite(buf)
	if err != nil {
		*bp = buf[:0]
		// OnClose runs in the closing goroutine: not a pool writer's.
		go c.writeFailed(err)
		return bp
	}
	if n < len(buf) {
		// The socket buffer is full: writeLoop finishes the write,
		// blocking in a goroutine of its own, then goes on with the queue.
		wc.pending = buf[n:]
		go c.writeLoop()
		return frameBufs.Get().(*[]byte)
	}
	*bp = buf[:0]
	c.mu.Lock()
	switch {
	case c.closed:
		c.mu.Unlock()
		go c.writeLoop()
		return bp
	case len(c.queue) > 0 && !c.queued:
		// Back of the line, so that one busy connection does not keep a
		// writer from the others.
		c.queued = true
		c.srv.writers.schedule(c)
	}
	c.flushing = false
	c.mu.Unlock()
	return bp
}

// writeLoop writes c's queue with blocking writes until it is empty, then
// exits: it takes over when the peer is slow to read, and for a graceful
// close, which it ends with a close frame once everything is written.
// c.flushing is held.
func (c *Conn) writeLoop() {
	c.mu.Lock()
	wc := c.ws
	c.mu.Unlock()
	var err error
	if len(wc.pending) > 0 {
		_, err = wc.conn.Write(wc.pending)
		wc.pending = nil
	}
	var buf []byte
	for err == nil {
		c.mu.Lock()
		if len(c.queue) == 0 {
			closed, graceful := c.closed, c.closeGraceful
			if !closed {
				c.flushing = false
			}
			c.mu.Unlock()
			if closed && graceful {
				wc.closeGracefully()
			}
			return
		}
		q := c.takeQueueLocked()
		c.mu.Unlock()
		buf = appendPackets(buf[:0], q)
		c.recycle(q)
		_, err = wc.conn.Write(buf)
	}
	c.writeFailed(err)
}

// writeFailed closes c after a write error.
func (c *Conn) writeFailed(err error) {
	c.close(ReasonTransportError, err, false)
}
