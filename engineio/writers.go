package engineio

import (
	"context"
	"runtime"
	"sync"

	"github.com/coder/websocket"
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

// writerPool writes the queues of WebSocket connections that have frames
// to send. A connection is in ready at most once (Conn.writing); a writer
// drains it into its corked socket and attempts one non-blocking flush.
// What the kernel does not take is handed to a goroutine of the
// connection's own (Conn.writeLoop), so that a slow client never stalls
// the pool. Writers exit when nothing is ready: an idle server holds none.
type writerPool struct {
	mu      sync.Mutex
	ready   []*Conn // ready[next:] wait for a writer
	next    int
	running int
}

// schedule adds c, which has frames queued and no writer, to the ready
// list; c.mu is held.
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
	defer func() {
		if cap(*bp) <= 64<<10 {
			*bp = (*bp)[:0]
			frameBufs.Put(bp)
		}
	}()
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
		c.writeReady(bp)
	}
}

// writeReady writes c's queue for the pool without blocking on the peer.
func (c *Conn) writeReady(bp *[]byte) {
	c.mu.Lock()
	ws, cork := c.ws, c.cork
	if len(c.queue) == 0 && !c.closed {
		c.writing = false // kicked with nothing queued, e.g. after an upgrade
		c.mu.Unlock()
		return
	}
	if c.closed || cork == nil || !cork.canTryWrite() {
		// Closing (a graceful close flushes and then waits for the peer's
		// close frame) or no non-blocking write: the connection's own
		// goroutine takes over, c.writing staying set.
		c.mu.Unlock()
		go c.writeLoop(ws, cork)
		return
	}
	q := c.takeQueueLocked()
	c.mu.Unlock()

	cork.corkAll()
	err := c.writePackets(ws, q, bp)
	pending := false
	if err == nil {
		pending, err = cork.tryUncork()
	} else {
		// The connection is failing: writing what was framed could block.
		cork.drop()
	}
	if err != nil {
		// OnClose runs in the closing goroutine: not a pool writer's.
		go c.writeFailed(err)
		return
	}
	c.recycle(q)
	if pending {
		// The socket buffer is full: writeLoop finishes the flush, blocking
		// in a goroutine of its own, then goes on with the queue.
		go c.writeLoop(ws, cork)
		return
	}
	c.mu.Lock()
	switch {
	case c.closed:
		c.mu.Unlock()
		go c.writeLoop(ws, cork)
		return
	case len(c.queue) > 0:
		// Back of the line, so that one busy connection does not keep a
		// writer from the others.
		c.srv.writers.schedule(c)
	default:
		c.writing = false
	}
	c.mu.Unlock()
}

// writeFailed closes c after a write error, ending its writer.
func (c *Conn) writeFailed(err error) {
	c.close(ReasonTransportError, err, false)
	c.mu.Lock()
	c.writing = false
	c.mu.Unlock()
}

// writePackets frames q onto ws; buf is scratch space for text frames.
func (c *Conn) writePackets(ws *websocket.Conn, q []Packet, bp *[]byte) error {
	ctx := context.Background()
	buf := *bp
	defer func() { *bp = buf[:0] }()
	for _, p := range q {
		var err error
		if p.Binary {
			err = ws.Write(ctx, websocket.MessageBinary, p.Data)
		} else {
			buf = append(append(buf[:0], byte(p.Type)), p.Data...)
			err = ws.Write(ctx, websocket.MessageText, buf)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
