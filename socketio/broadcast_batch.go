package socketio

import (
	"context"
	"runtime"
	"time"
)

// BatchEvent is one event of BroadcastOperator.EmitBatch.
type BatchEvent struct {
	Name string
	Args []any
	// Offset is the event's recovery offset, as WithOffset gives one Emit
	// (each event of a batch has its own; the operator's is not used).
	Offset string
}

// LocalBatchBroadcaster is an Adapter that can hand several packets to
// each of this node's selected sockets before it moves on to the next
// socket. MemoryAdapter is one, and so is every adapter that embeds it
// and keeps its node's sockets there.
type LocalBatchBroadcaster interface {
	// BroadcastLocalBatch delivers ps, in order, to each socket of this
	// node selected by opts; offsets[i] is the recovery offset of ps[i].
	// It must not block on slow clients.
	BroadcastLocalBatch(ctx context.Context, ps []*Packet, offsets []string, opts BroadcastOptions) error
}

// EmitBatch sends events, in order, to every selected socket, as one Emit
// per event would. Where it can (a Local operation, or a server with the
// MemoryAdapter, on an adapter that is a LocalBatchBroadcaster) it hands
// each socket all of them before the next socket, so that a client's
// events leave in one write instead of one write per event: a change that
// is announced by several events (an entity's own and the activity feed's)
// costs a fan-out to 10,000 clients 10,000 writes, not 20,000. Otherwise it
// is one adapter Broadcast per event.
func (b *BroadcastOperator) EmitBatch(ctx context.Context, events ...BatchEvent) error {
	opts := b.clone().opts
	recovery := b.ns.srv.recoveryEnabled()
	ps := make([]*Packet, len(events))
	offsets := make([]string, len(events))
	for i, e := range events {
		offset := e.Offset
		if opts.Flags.Volatile || !recovery {
			offset = ""
		}
		p, err := newClientEventPacket(b.ns.name, e.Name, e.Args, offset, recovery)
		if err != nil {
			return err
		}
		ps[i], offsets[i] = p, offset
	}
	start := time.Now()
	defer func() {
		for _, e := range events {
			b.ns.srv.opts.Hooks.broadcastDone(b.ns.name, e.Name, start)
		}
	}()
	_, memory := b.ns.adapter.(*MemoryAdapter)
	if lb, ok := b.ns.adapter.(LocalBatchBroadcaster); ok && (memory || opts.Flags.Local) {
		return lb.BroadcastLocalBatch(ctx, ps, offsets, opts)
	}
	for i, p := range ps {
		o := opts
		o.Flags.Offset = offsets[i]
		if err := b.ns.adapter.Broadcast(ctx, p, o); err != nil {
			return err
		}
	}
	return nil
}

// BroadcastLocalBatch encodes each packet once and hands them all, in
// order, to each selected socket of this node before the next one.
func (a *MemoryAdapter) BroadcastLocalBatch(_ context.Context, ps []*Packet, offsets []string, opts BroadcastOptions) error {
	frames := make([][][]byte, len(ps))
	flags := make([]BroadcastFlags, len(ps))
	for i, p := range ps {
		frames[i] = p.Encode()
		flags[i] = opts.Flags
		flags[i].Offset = offsets[i]
	}
	n := 0
	a.ForEach(opts, func(s *Socket) {
		for i := range frames {
			s.deliver(frames[i], flags[i])
		}
		if n++; n == broadcastHead {
			runtime.Gosched() // as Broadcast does
		}
	})
	return nil
}
