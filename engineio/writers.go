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
// other goroutines run: network input, the next broadcast or an ack, must
// not wait for a whole fan-out. 16 writes are 0.1-0.3 ms, by the cost of a
// loopback write(2) on the machines measured. With 64, an ack's p99 during
// fan-outs to 10,000 was 31-35 ms where the floor's is 16.5; with 16,
// 22-27 ms, the fan-out itself unchanged (four pairs, bench/fanout-ab.sh
// flags; p50 0.94-1.05x, CPU per broadcast 0.96-1.07x).
const writerYield = 16

// frameBufs recycles the buffers a queue is framed into before its write.
var frameBufs = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

func putFrameBuf(bp *[]byte) {
	if cap(*bp) <= 64<<10 {
		*bp = (*bp)[:0]
		frameBufs.Put(bp)
	}
}

// writerPool writes the queues of WebSocket connections that have frames
// to send. A connection waits in the urgent list (Conn.Send: replies,
// messages to one client) or the ready list (Conn.SendBulk: broadcasts),
// at most once in each; writers take the urgent list first, so that an
// ack does not wait for a fan-out to 10,000 clients to be written. A
// writer frames the connection's whole queue into one buffer and attempts
// one non-blocking write. What the kernel does not take is handed to a
// goroutine of the connection's own (Conn.writeLoop), so that a slow
// client never stalls the pool. Writers exit when nothing is waiting: an
// idle server holds none.
type writerPool struct {
	mu      sync.Mutex
	urgent  connFIFO
	ready   connFIFO
	running int
}

// connFIFO is a queue of connections whose array is reused from burst to
// burst.
type connFIFO struct {
	items []*Conn // items[next:] wait
	next  int
}

func (q *connFIFO) push(c *Conn) { q.items = append(q.items, c) }

func (q *connFIFO) pop() *Conn {
	if q.next == len(q.items) {
		// Reuse the array for the next burst, unless it grew for an
		// unusually large one.
		q.items, q.next = q.items[:0], 0
		if cap(q.items) > 1<<16 {
			q.items = nil
		}
		return nil
	}
	c := q.items[q.next]
	q.items[q.next] = nil
	q.next++
	return c
}

// schedule adds c, which has frames queued, to the urgent or ready list;
// c.mu is held and c.urgent or c.queued was just set.
func (p *writerPool) schedule(c *Conn, urgent bool) {
	p.mu.Lock()
	if urgent {
		p.urgent.push(c)
	} else {
		p.ready.push(c)
	}
	p.startLocked()
}

// wake starts a writer, unless all are running, to apply SendBulk
// messages.
func (p *writerPool) wake() {
	p.mu.Lock()
	p.startLocked()
}

// startLocked starts a writer unless all are running, and unlocks p.mu.
func (p *writerPool) startLocked() {
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
		// Broadcasts first become queued messages (see bulkSends).
		applyBulk()
		c, urgent, more := p.next()
		if c != nil {
			bp = c.writeReady(bp, urgent)
		} else if !more {
			return
		}
	}
}

// next takes the next connection to write, urgent ones first. With none
// waiting, more reports SendBulk messages to apply; else the writer goes,
// one writer less. Both are decided under the pool's lock, which wake
// takes after a SendBulk counts its message: none is left without a
// writer.
func (p *writerPool) next() (c *Conn, urgent, more bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c = p.urgent.pop(); c != nil {
		return c, true, false
	}
	if c = p.ready.pop(); c != nil {
		return c, false, false
	}
	if bulk.active.Load() {
		return nil, false, true
	}
	p.running--
	return nil, false, false
}

// writeReady writes c's queue for the pool without blocking on the peer.
// It returns the buffer to frame the next connection into.
func (c *Conn) writeReady(bp *[]byte, urgent bool) *[]byte {
	c.mu.Lock()
	if urgent {
		c.urgent = false
	} else {
		c.queued = false
	}
	wc := c.ws
	if c.flushing || len(c.queue) == 0 || wc == nil {
		// Someone else is writing it (and will look at the queue when
		// done), or the reader or the other list already did.
		c.mu.Unlock()
		return bp
	}
	c.flushing = true
	c.wantUrgent = false
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
	case len(c.queue) > 0 && c.wantUrgent && !c.urgent:
		c.urgent = true
		c.srv.writers.schedule(c, true)
	case len(c.queue) > 0 && !c.queued && !c.urgent:
		// Back of the line, so that one busy connection does not keep a
		// writer from the others.
		c.queued = true
		c.srv.writers.schedule(c, false)
	}
	c.flushing, c.wantUrgent = false, false
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
	c.blockingFlush = true
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
			closed, graceful, owed := c.closed, c.closeGraceful, c.owedClose
			if !closed {
				c.flushing, c.wantUrgent, c.blockingFlush = false, false, false
			}
			c.mu.Unlock()
			switch {
			case closed && graceful:
				wc.closeGracefully()
			case closed && owed != 0:
				wc.abort(owed, true)
			}
			return
		}
		q := c.takeQueueLocked()
		c.mu.Unlock()
		// In slices of about writeChunk bytes: a slow client's backlog
		// (up to SendQueue messages) is not copied into one buffer.
		for i := 0; i < len(q) && err == nil; {
			j := i + 1
			for n := len(q[i].Data); j < len(q) && n < writeChunk; j++ {
				n += len(q[j].Data)
			}
			buf = appendPackets(buf[:0], q[i:j])
			_, err = wc.conn.Write(buf)
			i = j
		}
		c.recycle(q)
	}
	c.writeFailed(err)
}

// writeChunk is about how much writeLoop frames for one blocking write.
const writeChunk = 64 << 10

// writeFailed closes c after a write error, and its socket: the caller
// was the one writing, so nobody else will.
func (c *Conn) writeFailed(err error) {
	c.close(ReasonTransportError, err, false)
	c.kill()
}
