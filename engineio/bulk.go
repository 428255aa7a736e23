package engineio

import (
	"sync"
	"sync/atomic"
)

// bulkSends holds SendBulk messages until they are put on their
// connections' queues. A broadcast to N connections costs its caller one
// append per connection, in memory that is contiguous and warm, without
// touching the connections themselves (a cache miss or two each, ~0.3 µs
// at 10,000 connections); the queue operations are done by a pool writer,
// or by the next caller that needs them done first. There is one list per
// process, so that SendBulk need not even read its connection's server.
//
// Order is kept: every operation that must come after earlier ones (Send,
// SendBatch, Close, Server.Close) first applies what is pending, so that
// operations on a connection take effect in the order they were issued.
type bulkSends struct {
	// active is set while the list has messages or a batch of them is
	// being applied; the fast path of Send reads only this.
	active  atomic.Bool
	mu      sync.Mutex // guards items and spare
	items   []bulkItem
	spare   []bulkItem
	applyMu sync.Mutex // held while a batch is applied: batches never interleave
}

// bulkItem is one message packet for c; 40 bytes, a broadcast appends one
// per connection.
type bulkItem struct {
	c        *Conn
	data     []byte
	binary   bool
	volatile bool // dropped unless the transport is writable (SendBulkVolatile)
}

var bulk bulkSends

// add appends one message and reports whether the list was empty.
func (b *bulkSends) add(c *Conn, data []byte, binary bool) bool {
	return b.push(bulkItem{c: c, data: data, binary: binary})
}

// addVolatile is add for a message that may be dropped.
func (b *bulkSends) addVolatile(c *Conn, data []byte, binary bool) bool {
	return b.push(bulkItem{c: c, data: data, binary: binary, volatile: true})
}

func (b *bulkSends) push(it bulkItem) bool {
	b.mu.Lock()
	b.items = append(b.items, it)
	first := len(b.items) == 1
	if first {
		b.active.Store(true)
	}
	b.mu.Unlock()
	return first
}

// applyBulk puts every pending SendBulk message on its connection's queue,
// in order. Connections whose queue overflows are closed after the lock is
// released, since closing runs OnClose, which may send.
func applyBulk() {
	b := &bulk
	if !b.active.Load() {
		return
	}
	var full []*Conn
	b.applyMu.Lock()
	for {
		b.mu.Lock()
		items := b.items
		if len(items) == 0 {
			// Everything added before is applied: the batches before this
			// one were, under applyMu. The empty list stays, and so does
			// the spare: both buffers keep their size for the next bursts
			// (dropping one here made every burst added while another was
			// applied grow a list from nothing).
			b.active.Store(false)
			b.mu.Unlock()
			break
		}
		b.items, b.spare = b.spare, nil
		b.mu.Unlock()
		for i := range items {
			it := &items[i]
			p := Packet{Type: PacketMessage, Data: it.data, Binary: it.binary}
			if it.volatile {
				it.c.enqueueIfWritable(p)
			} else if it.c.enqueue(p, false) == ErrQueueFull {
				full = append(full, it.c)
			}
			*it = bulkItem{}
		}
		if cap(items) <= 1<<16 {
			b.mu.Lock()
			if b.spare == nil {
				b.spare = items[:0]
			}
			b.mu.Unlock()
		}
	}
	b.applyMu.Unlock()
	if len(full) > 0 {
		// In a goroutine of their own: the caller may be a pool writer,
		// which must not wait for OnClose handlers.
		go func() {
			for _, c := range full {
				c.srv.opts.Hooks.queueFull()
				c.close(ReasonTransportError, ErrQueueFull, false)
			}
		}()
	}
}
