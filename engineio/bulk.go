package engineio

import (
	"sync"
	"sync/atomic"
)

// bulkSends holds SendBulk messages until they are put on their
// connections' queues. A broadcast to N connections costs its caller one
// append per connection, in memory that is contiguous and warm; the queue
// operations, which touch each connection's state (a cache miss or two per
// connection, ~0.3 µs each at 10,000 connections), are done by a pool
// writer, or by the next caller that needs them done first.
//
// Order is kept: every operation that must come after earlier ones (Send,
// SendBatch, Close, Server.Close) first applies what is pending, so that
// operations on a connection take effect in the order they were issued.
type bulkSends struct {
	// pending counts the messages appended and not yet applied; the fast
	// path of Send reads only this.
	pending atomic.Int64
	mu      sync.Mutex // guards items and spare
	items   []bulkItem
	spare   []bulkItem
	// applyMu is held while messages are applied, so that two batches
	// never interleave.
	applyMu sync.Mutex
}

type bulkItem struct {
	c      *Conn
	data   []byte
	binary bool
}

// add appends one message and reports whether the list was empty.
func (b *bulkSends) add(c *Conn, data []byte, binary bool) bool {
	b.mu.Lock()
	b.items = append(b.items, bulkItem{c: c, data: data, binary: binary})
	first := len(b.items) == 1
	b.pending.Add(1)
	b.mu.Unlock()
	return first
}

// applyBulk puts every pending SendBulk message on its connection's
// queue, in order. Connections whose queue overflows are closed once the
// lock is released: closing runs OnClose, which may send.
func (s *Server) applyBulk() {
	b := &s.bulk
	if b.pending.Load() == 0 {
		return
	}
	var full []*Conn
	b.applyMu.Lock()
	for {
		b.mu.Lock()
		items := b.items
		b.items, b.spare = b.spare, nil
		b.mu.Unlock()
		if len(items) == 0 {
			break
		}
		for i := range items {
			it := &items[i]
			if it.c.enqueue(it.data, it.binary, false) == ErrQueueFull {
				full = append(full, it.c)
			}
			*it = bulkItem{}
		}
		b.pending.Add(-int64(len(items)))
		if cap(items) <= 1<<16 {
			b.mu.Lock()
			if b.spare == nil {
				b.spare = items[:0]
			}
			b.mu.Unlock()
		}
	}
	b.applyMu.Unlock()
	for _, c := range full {
		c.srv.opts.Hooks.queueFull()
		c.close(ReasonTransportError, ErrQueueFull, false)
	}
}
