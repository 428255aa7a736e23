package socketio

import (
	"context"
	"time"
)

// BroadcastOperator selects sockets by room to emit to or act on. Each
// method returns a new operator, so a partial one can be kept and reused:
//
//	admins := ns.To("admins")
//	admins.WithOffset("42").Emit(ctx, "payment:added", payload)
type BroadcastOperator struct {
	ns   *Namespace
	opts BroadcastOptions
}

func (b *BroadcastOperator) clone() *BroadcastOperator {
	c := &BroadcastOperator{ns: b.ns, opts: b.opts}
	c.opts.Rooms = append([]string(nil), b.opts.Rooms...)
	c.opts.Except = append([]string(nil), b.opts.Except...)
	return c
}

// To adds rooms to the selection: sockets in any of them are reached.
func (b *BroadcastOperator) To(rooms ...string) *BroadcastOperator {
	c := b.clone()
	c.opts.Rooms = appendNew(c.opts.Rooms, rooms)
	return c
}

// In is the same as To.
func (b *BroadcastOperator) In(rooms ...string) *BroadcastOperator { return b.To(rooms...) }

// Except removes the sockets in any of rooms.
func (b *BroadcastOperator) Except(rooms ...string) *BroadcastOperator {
	c := b.clone()
	c.opts.Except = appendNew(c.opts.Except, rooms)
	return c
}

// Volatile marks the event as losable, as Node's volatile flag: it is
// dropped for a socket whose transport is not writable when its turn comes
// (over polling, no GET waiting; over WebSocket, something still queued or
// being written; during an upgrade), is not buffered for sockets that are
// replaying missed events and carries no recovery offset.
func (b *BroadcastOperator) Volatile() *BroadcastOperator {
	c := b.clone()
	c.opts.Flags.Volatile = true
	return c
}

// Compress sets the compression flag, forwarded to the adapter.
func (b *BroadcastOperator) Compress(on bool) *BroadcastOperator {
	c := b.clone()
	c.opts.Flags.Compress = on
	return c
}

// Local keeps the operation on this node.
func (b *BroadcastOperator) Local() *BroadcastOperator {
	c := b.clone()
	c.opts.Flags.Local = true
	return c
}

// WithOffset tags the event with the application's recovery offset (such as
// the sequence number of its durable event log). With recovery enabled the
// offset travels as the event's last argument; a client that reconnects
// sends back the last one it received, and Namespace.OnRecover replays from
// there.
func (b *BroadcastOperator) WithOffset(offset string) *BroadcastOperator {
	c := b.clone()
	c.opts.Flags.Offset = offset
	return c
}

// Options returns the selection as adapter options.
func (b *BroadcastOperator) Options() BroadcastOptions { return b.clone().opts }

// Emit sends an event to every selected socket. The packet is encoded once;
// Emit never waits for a client.
func (b *BroadcastOperator) Emit(ctx context.Context, event string, args ...any) error {
	opts := b.clone().opts
	offset := opts.Flags.Offset
	if opts.Flags.Volatile || !b.ns.srv.recoveryEnabled() {
		offset = ""
	}
	opts.Flags.Offset = offset
	p, err := newClientEventPacket(b.ns.name, event, args, offset, b.ns.srv.recoveryEnabled())
	if err != nil {
		return err
	}
	defer b.ns.srv.opts.Hooks.broadcastDone(b.ns.name, event, time.Now())
	return b.ns.adapter.Broadcast(ctx, p, opts)
}

// SocketsJoin makes the selected sockets, on every node, join rooms.
func (b *BroadcastOperator) SocketsJoin(ctx context.Context, rooms ...string) error {
	return b.ns.adapter.AddSockets(ctx, b.Options(), rooms)
}

// SocketsLeave makes the selected sockets, on every node, leave rooms.
func (b *BroadcastOperator) SocketsLeave(ctx context.Context, rooms ...string) error {
	return b.ns.adapter.DelSockets(ctx, b.Options(), rooms)
}

// DisconnectSockets disconnects the selected sockets on every node; close
// also closes their underlying connections.
func (b *BroadcastOperator) DisconnectSockets(ctx context.Context, close bool) error {
	return b.ns.adapter.DisconnectSockets(ctx, b.Options(), close)
}

// FetchSockets describes the selected sockets of every node.
func (b *BroadcastOperator) FetchSockets(ctx context.Context) ([]SocketInfo, error) {
	return b.ns.adapter.FetchSockets(ctx, b.Options())
}

func appendNew(dst, add []string) []string {
	for _, r := range add {
		dup := false
		for _, d := range dst {
			if d == r {
				dup = true
				break
			}
		}
		if !dup {
			dst = append(dst, r)
		}
	}
	return dst
}

// To returns an operator selecting the sockets in rooms.
func (ns *Namespace) To(rooms ...string) *BroadcastOperator {
	return (&BroadcastOperator{ns: ns}).To(rooms...)
}

// In is the same as To.
func (ns *Namespace) In(rooms ...string) *BroadcastOperator { return ns.To(rooms...) }

// Except returns an operator selecting every socket but those in rooms.
func (ns *Namespace) Except(rooms ...string) *BroadcastOperator {
	return (&BroadcastOperator{ns: ns}).Except(rooms...)
}

// Local returns an operator limited to this node.
func (ns *Namespace) Local() *BroadcastOperator { return (&BroadcastOperator{ns: ns}).Local() }

// Volatile returns an operator for losable events.
func (ns *Namespace) Volatile() *BroadcastOperator { return (&BroadcastOperator{ns: ns}).Volatile() }

// WithOffset returns an operator tagging events with a recovery offset.
func (ns *Namespace) WithOffset(offset string) *BroadcastOperator {
	return (&BroadcastOperator{ns: ns}).WithOffset(offset)
}

// Emit sends an event to every socket of the namespace.
func (ns *Namespace) Emit(ctx context.Context, event string, args ...any) error {
	return (&BroadcastOperator{ns: ns}).Emit(ctx, event, args...)
}

// EmitWithAck sends an event to every socket of the namespace, on every
// node, and collects their acknowledgements (see
// BroadcastOperator.EmitWithAck).
func (ns *Namespace) EmitWithAck(ctx context.Context, event string, args ...any) ([]Args, error) {
	return (&BroadcastOperator{ns: ns}).EmitWithAck(ctx, event, args...)
}

// FetchSockets describes every socket of the namespace on every node.
func (ns *Namespace) FetchSockets(ctx context.Context) ([]SocketInfo, error) {
	return (&BroadcastOperator{ns: ns}).FetchSockets(ctx)
}

// DisconnectSockets disconnects every socket of the namespace.
func (ns *Namespace) DisconnectSockets(ctx context.Context, close bool) error {
	return (&BroadcastOperator{ns: ns}).DisconnectSockets(ctx, close)
}

// SocketsJoin makes every socket of the namespace, on every node, join
// rooms.
func (ns *Namespace) SocketsJoin(ctx context.Context, rooms ...string) error {
	return (&BroadcastOperator{ns: ns}).SocketsJoin(ctx, rooms...)
}

// SocketsLeave makes every socket of the namespace, on every node, leave
// rooms.
func (ns *Namespace) SocketsLeave(ctx context.Context, rooms ...string) error {
	return (&BroadcastOperator{ns: ns}).SocketsLeave(ctx, rooms...)
}
