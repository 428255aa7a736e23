package socketio

import (
	"context"
	"runtime"
	"sync"
)

// shardCount splits the room index so that joins, leaves and broadcasts on
// different rooms do not contend on one lock.
const shardCount = 32

func shardOf(key string) uint32 {
	// FNV-1a, inlined: it is on every join, leave and room broadcast.
	h := uint32(2166136261)
	for i := 0; i < len(key); i++ {
		h ^= uint32(key[i])
		h *= 16777619
	}
	return h % shardCount
}

type roomShard struct {
	mu    sync.RWMutex
	rooms map[string]roomMembers
}

// roomMembers is the set of a room's sockets. Most rooms have one, the
// room of each socket's id: it is stored in the index's entry, without a
// map of its own (a map per socket was ~150 bytes of an idle connection).
type roomMembers struct {
	one  *Socket              // the only member, when more is nil
	more map[*Socket]struct{} // the members, when there are several
}

// all yields the members.
func (m roomMembers) all(yield func(*Socket) bool) {
	if m.more == nil {
		if m.one != nil {
			yield(m.one)
		}
		return
	}
	for s := range m.more {
		if !yield(s) {
			return
		}
	}
}

// with returns the set with s added.
func (m roomMembers) with(s *Socket) roomMembers {
	switch {
	case m.more != nil:
		m.more[s] = struct{}{}
	case m.one == nil || m.one == s:
		m.one = s
	default:
		m.more = map[*Socket]struct{}{m.one: {}, s: {}}
		m.one = nil
	}
	return m
}

// without returns the set with s removed; ok is false when it is empty.
func (m roomMembers) without(s *Socket) (_ roomMembers, ok bool) {
	if m.more == nil {
		if m.one == s {
			return roomMembers{}, false
		}
		return m, m.one != nil
	}
	delete(m.more, s)
	switch len(m.more) {
	case 0:
		return roomMembers{}, false
	case 1:
		for o := range m.more {
			return roomMembers{one: o}, true
		}
	}
	return m, true
}

// MemoryAdapter is the single-node Adapter, and the local part of cluster
// adapters, which embed it and call its methods for the sockets of their
// own node.
type MemoryAdapter struct {
	ns     *Namespace
	shards [shardCount]roomShard
}

// NewMemoryAdapter returns the in-memory adapter of ns. It is the default
// AdapterFactory.
func NewMemoryAdapter(ns *Namespace) Adapter { return newMemoryAdapter(ns) }

func newMemoryAdapter(ns *Namespace) *MemoryAdapter {
	a := &MemoryAdapter{ns: ns}
	for i := range a.shards {
		a.shards[i].rooms = make(map[string]roomMembers)
	}
	return a
}

// AddAll adds s to rooms.
func (a *MemoryAdapter) AddAll(s *Socket, rooms []string) {
	for _, room := range rooms {
		sh := &a.shards[shardOf(room)]
		sh.mu.Lock()
		sh.rooms[room] = sh.rooms[room].with(s)
		sh.mu.Unlock()
	}
}

// Del removes s from room.
func (a *MemoryAdapter) Del(s *Socket, room string) {
	sh := &a.shards[shardOf(room)]
	sh.mu.Lock()
	if m, found := sh.rooms[room]; found {
		if m, ok := m.without(s); ok {
			sh.rooms[room] = m
		} else {
			delete(sh.rooms, room)
		}
	}
	sh.mu.Unlock()
}

// DelAll removes s from every room it is in.
func (a *MemoryAdapter) DelAll(s *Socket) {
	for _, room := range s.Rooms() {
		a.Del(s, room)
	}
}

// Rooms lists the rooms that have at least one local socket.
func (a *MemoryAdapter) Rooms() []string {
	var out []string
	for i := range a.shards {
		sh := &a.shards[i]
		sh.mu.RLock()
		for room := range sh.rooms {
			out = append(out, room)
		}
		sh.mu.RUnlock()
	}
	return out
}

var socketSlicePool = sync.Pool{New: func() any { s := make([]*Socket, 0, 256); return &s }}

// ForEach calls fn for every local socket selected by opts, outside of any
// lock of the index.
func (a *MemoryAdapter) ForEach(opts BroadcastOptions, fn func(s *Socket)) {
	bp := socketSlicePool.Get().(*[]*Socket)
	list := a.collect((*bp)[:0], opts)
	for i, s := range list {
		fn(s)
		list[i] = nil
	}
	*bp = list[:0]
	socketSlicePool.Put(bp)
}

func (a *MemoryAdapter) collect(list []*Socket, opts BroadcastOptions) []*Socket {
	var except map[*Socket]struct{}
	if len(opts.Except) > 0 {
		except = make(map[*Socket]struct{})
		for _, room := range opts.Except {
			sh := &a.shards[shardOf(room)]
			sh.mu.RLock()
			for s := range sh.rooms[room].all {
				except[s] = struct{}{}
			}
			sh.mu.RUnlock()
		}
	}
	keep := func(s *Socket) bool {
		_, skip := except[s]
		return !skip
	}
	switch len(opts.Rooms) {
	case 0:
		return a.ns.appendSockets(list, keep)
	case 1:
		room := opts.Rooms[0]
		sh := &a.shards[shardOf(room)]
		sh.mu.RLock()
		for s := range sh.rooms[room].all {
			if keep(s) {
				list = append(list, s)
			}
		}
		sh.mu.RUnlock()
		return list
	}
	seen := make(map[*Socket]struct{})
	for _, room := range opts.Rooms {
		sh := &a.shards[shardOf(room)]
		sh.mu.RLock()
		for s := range sh.rooms[room].all {
			if _, dup := seen[s]; dup || !keep(s) {
				continue
			}
			seen[s] = struct{}{}
			list = append(list, s)
		}
		sh.mu.RUnlock()
	}
	return list
}

// Broadcast encodes p once and hands the same frames to every selected
// socket; a slow client is dropped by its connection's bounded queue, never
// waited for.
func (a *MemoryAdapter) Broadcast(_ context.Context, p *Packet, opts BroadcastOptions) error {
	frames := p.Encode()
	n := 0
	a.ForEach(opts, func(s *Socket) {
		s.deliver(frames, opts.Flags)
		if n++; n == broadcastHead {
			// Let a writer put the first ones on the wire before the rest
			// are handed over (see broadcastHead).
			runtime.Gosched()
		}
	})
	return nil
}

// broadcastHead is how many sockets a broadcast hands their message before
// it yields once. On one CPU a writer cannot start until the broadcasting
// goroutine stops, so the first client of a fan-out to 10,000 waited for
// all 10,000 to be handed over (2.6 ms, against 0.6 ms for a loop that
// writes as it goes); yielding after the first few lets a writer send
// those at once and costs the broadcast one scheduling round trip.
const broadcastHead = 32

// AddSockets makes the selected local sockets join rooms.
func (a *MemoryAdapter) AddSockets(_ context.Context, opts BroadcastOptions, rooms []string) error {
	a.ForEach(opts, func(s *Socket) { s.Join(rooms...) })
	return nil
}

// DelSockets makes the selected local sockets leave rooms.
func (a *MemoryAdapter) DelSockets(_ context.Context, opts BroadcastOptions, rooms []string) error {
	a.ForEach(opts, func(s *Socket) { s.Leave(rooms...) })
	return nil
}

// DisconnectSockets disconnects the selected local sockets.
func (a *MemoryAdapter) DisconnectSockets(_ context.Context, opts BroadcastOptions, close bool) error {
	var list []*Socket
	a.ForEach(opts, func(s *Socket) { list = append(list, s) })
	// Disconnecting changes the index, so it happens after the walk.
	for _, s := range list {
		s.Disconnect(close)
	}
	return nil
}

// FetchSockets describes the selected local sockets.
func (a *MemoryAdapter) FetchSockets(_ context.Context, opts BroadcastOptions) ([]SocketInfo, error) {
	var out []SocketInfo
	a.ForEach(opts, func(s *Socket) { out = append(out, s.Info()) })
	return out, nil
}

// ServerSideEmit has no other node to reach.
func (a *MemoryAdapter) ServerSideEmit(context.Context, *Packet) error { return nil }

// Close does nothing: the in-memory adapter holds no outside resource.
func (a *MemoryAdapter) Close() error { return nil }
