package socketio

import "github.com/livedesk/livedesk/engineio"

// The inbox of a socket holds the events received while its handlers run.
//
// The connection's reader never waits for it: a client's events are queued
// and the reader goes back to the connection at once, so that
// acknowledgements (answered on the reader, never queued behind events),
// pongs and the packets of the connection's other namespaces always get
// through, whatever a handler is waiting for. The queue is bounded by
// Options.MaxPendingEvents and Options.MaxPendingBytes; an event beyond
// either bound disconnects the socket from its namespace with
// ReasonInboxOverflow (the client sees "io server disconnect" and does not
// reconnect by itself), rather than letting one client grow the server's
// memory without end. The first event of an empty inbox is always taken.

// inbox is a FIFO of event packets; the socket's qmu guards it. A socket
// has one only while events wait (nil is empty): most sockets are idle.
type inbox struct {
	events []*Packet
	head   int
	bytes  int
}

func (q *inbox) len() int {
	if q == nil {
		return 0
	}
	return len(q.events) - q.head
}

func (q *inbox) push(p *Packet) {
	q.events = append(q.events, p)
	q.bytes += packetSize(p)
}

func (q *inbox) pop() *Packet {
	p := q.events[q.head]
	q.events[q.head] = nil
	q.head++
	q.bytes -= packetSize(p)
	if q.head == len(q.events) {
		q.events, q.head = q.events[:0], 0
	}
	return p
}

// drop forgets the queued events of a socket that left.
func (q *inbox) drop() {
	if q != nil {
		clear(q.events)
		q.events, q.head, q.bytes = nil, 0, 0
	}
}

func packetSize(p *Packet) int {
	n := len(p.Data)
	for _, a := range p.Attachments {
		n += len(a)
	}
	return n
}

// enqueue queues an event for the socket's handler goroutine, starting one
// if none runs; it never blocks. It reports false when the inbox is full.
func (s *Socket) enqueue(p *Packet) bool {
	opts := &s.ns.srv.opts
	s.qmu.Lock()
	if s.ctx.Err() != nil {
		// Left: its handlers will not run again.
		s.qmu.Unlock()
		return true
	}
	if n := s.queue.len(); n > 0 &&
		(n >= opts.MaxPendingEvents || s.queue.bytes+packetSize(p) > opts.MaxPendingBytes) {
		s.qmu.Unlock()
		return false
	}
	if s.queue == nil {
		s.queue = new(inbox)
	}
	s.queue.push(p)
	start := !s.running
	s.running = true
	s.qmu.Unlock()
	if start {
		go s.work()
	}
	return true
}

// overflow disconnects a socket whose inbox is full.
func (s *Socket) overflow() {
	s.ns.srv.logger.Warn("socketio: too many events waiting for the handlers, disconnecting the socket",
		"namespace", s.ns.name, "sid", engineio.LogID(s.ID()))
	s.mu.Lock()
	connected := s.state == stateConnected
	s.mu.Unlock()
	if connected {
		s.send((&Packet{Type: PacketDisconnect, Namespace: s.ns.name}).Encode())
	}
	s.onClose(ReasonInboxOverflow)
}

// work runs the queued event handlers one at a time and exits when there
// are none left, or notifies OnDisconnect once the socket has closed.
func (s *Socket) work() {
	for {
		s.qmu.Lock()
		if s.ctx.Err() != nil {
			// Closed: running stays true so that onClose does not notify a
			// second time, and the events not yet handled are dropped.
			s.queue.drop()
			s.queue = nil
			s.qmu.Unlock()
			s.notifyDisconnect()
			return
		}
		if s.queue.len() == 0 {
			s.queue = nil
			s.running = false
			s.qmu.Unlock()
			return
		}
		p := s.queue.pop()
		s.qmu.Unlock()
		s.dispatch(p)
	}
}
