package socketio

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
)

// EventHandler handles one event from the client. ctx is cancelled when the
// socket disconnects. ack is nil unless the client asked for an
// acknowledgement; calling it sends the values back (once).
//
// The handlers of one socket run one at a time, in the order the events
// arrived, on a goroutine of their own: a handler may block, for instance on
// EmitWithAck, without stalling the connection.
type EventHandler func(ctx context.Context, args Args, ack AckFunc)

// AckFunc answers an event's acknowledgement with values, encoded as for
// Emit. Only the first call sends anything; later ones return ErrAckSent.
type AckFunc func(values ...any) error

// ErrAckSent is returned when an acknowledgement is answered twice.
var ErrAckSent = errors.New("socketio: acknowledgement already sent")

// On registers the handler of event, replacing any previous one.
func (s *Socket) On(event string, h EventHandler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.handlers {
		if s.handlers[i].event == event {
			s.handlers[i].h = h
			return
		}
	}
	s.handlers = append(s.handlers, eventHandler{event, h})
}

// EmitWithAck sends an event and waits for the client's acknowledgement,
// until ctx is done or the socket disconnects.
func (s *Socket) EmitWithAck(ctx context.Context, event string, args ...any) (Args, error) {
	p, err := newEventPacket(s.ns.name, event, args, "")
	if err != nil {
		return Args{}, err
	}
	ch := make(chan Args, 1)
	id := s.ns.nextAckID()
	s.mu.Lock()
	if s.state != stateConnected {
		s.mu.Unlock()
		return Args{}, ErrDisconnected
	}
	if s.acks == nil {
		s.acks = make(map[uint64]func(Args, bool))
	}
	s.acks[id] = func(a Args, ok bool) {
		if ok {
			ch <- a
		} else {
			close(ch)
		}
	}
	s.mu.Unlock()
	p.ID, p.HasID = id, true
	s.send(p.Encode())

	select {
	case a, ok := <-ch:
		if !ok {
			return Args{}, ErrDisconnected
		}
		return a, nil
	case <-ctx.Done():
		s.mu.Lock()
		delete(s.acks, id)
		s.mu.Unlock()
		return Args{}, fmt.Errorf("failed to get acknowledgement of %q: %w", event, ctx.Err())
	}
}

// onPacket routes a packet of this socket's namespace; it runs on the
// connection's message goroutine and must not block for long.
func (s *Socket) onPacket(p *Packet) {
	switch p.Type {
	case PacketEvent, PacketBinaryEvent:
		// Queued, never waited for: the reader must go on reading the
		// acknowledgements and pongs a handler may be waiting for.
		if !s.enqueue(p) {
			s.overflow()
		}
	case PacketAck, PacketBinaryAck:
		// Answered here rather than on the handler goroutine, so that a
		// handler waiting on EmitWithAck gets its answer.
		args, err := splitArgs(p.Data, p.Attachments, 0)
		if err != nil {
			s.client.fail(ReasonParseError)
			return
		}
		s.mu.Lock()
		fn := s.acks[p.ID]
		delete(s.acks, p.ID)
		s.mu.Unlock()
		if fn != nil {
			fn(args, true)
		}
	case PacketDisconnect:
		s.onClose(ReasonClientNamespaceDisconnect)
	}
}

// dispatch runs the handler of one event packet.
func (s *Socket) dispatch(p *Packet) {
	name, err := eventName(p.Data)
	if err != nil {
		return
	}
	args, err := splitArgs(p.Data, p.Attachments, 1)
	if err != nil {
		return
	}
	s.mu.Lock()
	var h EventHandler
	for i := range s.handlers {
		if s.handlers[i].event == name {
			h = s.handlers[i].h
			break
		}
	}
	s.mu.Unlock()
	s.ns.srv.opts.Hooks.eventReceived(s.ns.name, name, h != nil)
	var ack AckFunc
	if p.HasID {
		ack = s.ackFunc(p.ID)
	}
	if h == nil {
		return
	}
	defer func() {
		if r := recover(); r != nil {
			s.ns.srv.logger.Error("socketio: event handler panicked", "event", name, "panic", r)
		}
	}()
	h(s.ctx, args, ack)
}

func (s *Socket) ackFunc(id uint64) AckFunc {
	var sent atomic.Bool
	return func(values ...any) error {
		if sent.Swap(true) {
			return ErrAckSent
		}
		p, err := newAckPacket(s.ns.name, id, values)
		if err != nil {
			return err
		}
		if !s.Connected() {
			return ErrDisconnected
		}
		s.send(p.Encode())
		return nil
	}
}
