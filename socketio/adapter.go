package socketio

import (
	"context"
	"encoding/json"
)

// Adapter keeps the room index of one namespace and carries the operations
// that reach sockets by room: broadcasts, joins and leaves, fetches,
// disconnections and server-side emits. The in-memory adapter serves one
// node; a cluster adapter (Redis pub/sub, for instance) embeds it for the
// local sockets and forwards every cluster-wide operation to the other
// nodes, which apply it to their own sockets with the same embedded adapter.
//
// The methods are called concurrently.
type Adapter interface {
	// AddAll, Del and DelAll maintain the local index as this node's
	// sockets join and leave rooms.
	AddAll(s *Socket, rooms []string)
	Del(s *Socket, room string)
	DelAll(s *Socket)

	// Broadcast delivers p to the sockets selected by opts. It must not
	// block on slow clients.
	Broadcast(ctx context.Context, p *Packet, opts BroadcastOptions) error
	// BroadcastWithAck delivers p, an event asking for acknowledgements,
	// to the sockets selected by opts on every node, and reports to acks
	// the number of nodes, each node's count of sockets reached, and every
	// answer (see BroadcastAcks). It must not block on slow clients.
	BroadcastWithAck(ctx context.Context, p *Packet, opts BroadcastOptions, acks BroadcastAcks) error
	// AddSockets makes the selected sockets join rooms; DelSockets makes
	// them leave.
	AddSockets(ctx context.Context, opts BroadcastOptions, rooms []string) error
	DelSockets(ctx context.Context, opts BroadcastOptions, rooms []string) error
	// DisconnectSockets disconnects the selected sockets, closing their
	// underlying connection when close is true.
	DisconnectSockets(ctx context.Context, opts BroadcastOptions, close bool) error
	// FetchSockets describes the selected sockets.
	FetchSockets(ctx context.Context, opts BroadcastOptions) ([]SocketInfo, error)
	// ServerSideEmit hands an EVENT packet to the namespace's server-side
	// handlers of every other node (Namespace.DispatchServerSideEmit).
	ServerSideEmit(ctx context.Context, p *Packet) error

	// Close releases the adapter's resources when the server closes.
	Close() error
}

// AdapterFactory creates the adapter of a namespace.
type AdapterFactory func(ns *Namespace) Adapter

// BroadcastOptions select the recipients of an adapter operation. They are
// plain data so that cluster adapters can forward them as they are.
type BroadcastOptions struct {
	// Rooms selects the sockets in any of these rooms; empty selects every
	// socket of the namespace. Every socket is in the room named by its id.
	Rooms []string `json:"rooms,omitempty"`
	// Except removes the sockets in any of these rooms.
	Except []string       `json:"except,omitempty"`
	Flags  BroadcastFlags `json:"flags,omitempty"`
}

// BroadcastFlags modify how a broadcast is delivered.
type BroadcastFlags struct {
	// Volatile packets may be lost: each socket's connection drops them
	// unless its transport is writable when their turn comes; they skip
	// sockets that are replaying missed events and never carry a recovery
	// offset.
	Volatile bool `json:"volatile,omitempty"`
	// Compress asks for compression where the transport supports it; it is
	// forwarded to other nodes as is.
	Compress bool `json:"compress,omitempty"`
	// Local keeps the operation on this node.
	Local bool `json:"local,omitempty"`
	// Offset is the recovery offset of the event (see WithOffset).
	Offset string `json:"offset,omitempty"`
	// Timeout is how long, in milliseconds, a broadcast with
	// acknowledgements waits for the answers (as Node's flags.timeout);
	// the nodes forget its acknowledgement ids after it.
	Timeout int64 `json:"timeout,omitempty"`
}

// SocketInfo describes a socket that may live on another node.
type SocketInfo struct {
	ID        string          `json:"id"`
	Namespace string          `json:"nsp"`
	Rooms     []string        `json:"rooms"`
	Handshake *Handshake      `json:"handshake"`
	Data      json.RawMessage `json:"data,omitempty"`
}
