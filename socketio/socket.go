package socketio

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/livedesk/livedesk/engineio"
)

// DisconnectReason says why a socket left its namespace. The values are
// those of the reference server.
type DisconnectReason string

// The disconnect reasons.
const (
	ReasonClientNamespaceDisconnect DisconnectReason = "client namespace disconnect"
	ReasonServerNamespaceDisconnect DisconnectReason = "server namespace disconnect"
	ReasonTransportClose            DisconnectReason = "transport close"
	ReasonTransportError            DisconnectReason = "transport error"
	ReasonPingTimeout               DisconnectReason = "ping timeout"
	ReasonParseError                DisconnectReason = "parse error"
	ReasonServerShuttingDown        DisconnectReason = "server shutting down"
	ReasonForcedClose               DisconnectReason = "forced close"
	// ReasonForcedServerClose: the client broke the protocol's state
	// rules (a packet for a namespace it has not joined, a CONNECT_ERROR,
	// a second CONNECT), and the server closed the connection.
	ReasonForcedServerClose DisconnectReason = "forced server close"
	// ReasonInboxOverflow: the client sent more events than
	// Options.MaxPendingEvents (or MaxPendingBytes) while its handlers were
	// busy; the socket is disconnected as by the server (see inbox.go).
	ReasonInboxOverflow DisconnectReason = "inbox overflow"
)

// recoverable reports whether a socket that left for this reason may resume
// its session: the client did not ask to leave, nor did the server.
func (r DisconnectReason) recoverable() bool {
	switch r {
	case ReasonTransportClose, ReasonTransportError, ReasonPingTimeout,
		ReasonServerShuttingDown, ReasonForcedClose, ReasonForcedServerClose:
		return true
	}
	return false
}

// ErrDisconnected is returned by operations on a socket that left.
var ErrDisconnected = errors.New("socketio: socket disconnected")

type socketState uint8

const (
	stateConnecting socketState = iota
	stateConnected
	stateClosed
)

// Socket is one client's connection to one namespace.
type Socket struct {
	// What a broadcast reads comes first, in as few cache lines as
	// possible: it visits thousands of sockets. mu guards these fields and
	// those below it.
	mu         sync.Mutex
	state      socketState
	inOwnRoom  bool // in the room named by its id (rooms holds the others)
	recovered  bool
	running    bool           // under qmu: the handler goroutine runs
	recovery   *recoveryState // non-nil while missed events are replayed
	lastOffset string
	// sendMu orders the socket's outgoing packets where it matters: the
	// CONNECT answer before any event, and the events held back during a
	// replay before later live ones. It is never held with mu, because a
	// send may close the connection (full queue) and run onClose, which
	// takes mu, on the same goroutine.
	sendMu sync.Mutex
	client *client
	conn   conn // client.conn, here so that a broadcast reads one line less

	ns     *Namespace
	hsData handshakeData
	hs     *Handshake // built on demand from hsData and the connection
	ctx    context.Context
	cancel context.CancelFunc

	// The handler goroutine runs only while there is work: the connect
	// sequence, queued events or the disconnect notification, so that an
	// idle socket costs no goroutine. qmu guards the two fields below.
	qmu   sync.Mutex
	queue *inbox // see inbox.go; running is above

	id, pid string
	reason  DisconnectReason
	// The maps and slices below are made on first use: an idle socket
	// that joined no room and awaits no acknowledgement has none. The
	// socket's own room is inOwnRoom rather than an entry of rooms.
	rooms        map[string]struct{}
	data         json.RawMessage
	handlers     []eventHandler // a few: a slice searched in order
	onDisconnect []func(reason DisconnectReason)
	// acks are called with the client's answer (ok) or, when the socket
	// leaves, with ok false; the ids come from the namespace, so that a
	// broadcast uses one id for all its sockets, as the reference does.
	acks map[uint64]func(a Args, ok bool)
}

type eventHandler struct {
	event string
	h     EventHandler
}

func newSocket(ns *Namespace, cl *client, hs handshakeData) *Socket {
	ctx, cancel := context.WithCancel(context.Background())
	return &Socket{
		ns: ns, client: cl, conn: cl.conn, hsData: hs, ctx: ctx, cancel: cancel,
		id: newID(),
	}
}

// inRoomLocked reports whether the socket is in room; s.mu must be held.
func (s *Socket) inRoomLocked(room string) bool {
	if room == s.id {
		return s.inOwnRoom
	}
	_, ok := s.rooms[room]
	return ok
}

// addRoomLocked adds room and reports whether it was not there; s.mu
// must be held.
func (s *Socket) addRoomLocked(room string) bool {
	if s.inRoomLocked(room) {
		return false
	}
	if room == s.id {
		s.inOwnRoom = true
	} else {
		if s.rooms == nil {
			s.rooms = make(map[string]struct{})
		}
		s.rooms[room] = struct{}{}
	}
	return true
}

// delRoomLocked removes room and reports whether it was there; s.mu must
// be held.
func (s *Socket) delRoomLocked(room string) bool {
	if !s.inRoomLocked(room) {
		return false
	}
	if room == s.id {
		s.inOwnRoom = false
	} else {
		delete(s.rooms, room)
	}
	return true
}

// appendRoomsLocked appends the socket's rooms, its own included, in no
// particular order; s.mu must be held.
func (s *Socket) appendRoomsLocked(out []string) []string {
	if s.inOwnRoom {
		out = append(out, s.id)
	}
	for r := range s.rooms {
		out = append(out, r)
	}
	return out
}

// roomCountLocked is the number of the socket's rooms; s.mu must be held.
func (s *Socket) roomCountLocked() int {
	n := len(s.rooms)
	if s.inOwnRoom {
		n++
	}
	return n
}

// ID returns the socket's id; a recovered socket keeps its previous id.
func (s *Socket) ID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.id
}

// Namespace returns the socket's namespace.
func (s *Socket) Namespace() *Namespace { return s.ns }

// Handshake returns what the client presented when it connected. It is
// built on the first call, from the connection's handshake request, and
// the same one returned afterwards; Auth and Address give those parts
// without building it (see the package doc, Memory).
func (s *Socket) Handshake() *Handshake {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hs == nil {
		s.hs = s.hsData.build(s.conn)
	}
	return s.hs
}

// Auth returns the auth object of the CONNECT packet, as
// Handshake().Auth.
func (s *Socket) Auth() json.RawMessage { return s.hsData.auth }

// Address returns the remote IP address of the request that opened the
// connection, as Handshake().Address.
func (s *Socket) Address() string { return remoteIP(s.conn.RemoteAddr()) }

// handshakeInfo returns the handshake for SocketInfo: the one built if
// any, else a new one that the socket does not keep.
func (s *Socket) handshakeInfo() *Handshake {
	s.mu.Lock()
	hs := s.hs
	s.mu.Unlock()
	if hs == nil {
		hs = s.hsData.build(s.conn)
	}
	return hs
}

// Context is cancelled when the socket disconnects.
func (s *Socket) Context() context.Context { return s.ctx }

// ConnID returns the id of the underlying Engine.IO connection, shared by
// the sockets a client multiplexes over it.
func (s *Socket) ConnID() string { return s.client.conn.ID() }

// Transport returns the current Engine.IO transport name.
func (s *Socket) Transport() string { return s.client.conn.Transport() }

// Connected reports whether the socket is connected.
func (s *Socket) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state == stateConnected
}

// PID returns the socket's private session id when connection state
// recovery is enabled (the id a reconnecting client presents to resume the
// session), or "".
func (s *Socket) PID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pid
}

// Recovered reports whether the socket resumed a previous session (the
// client sees socket.recovered === true).
func (s *Socket) Recovered() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.recovered
}

// SetData stores v, encoded as JSON, as the socket's application data. It
// is kept across a recovered session and shown by FetchSockets.
func (s *Socket) SetData(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("failed to encode socket data: %w", err)
	}
	s.mu.Lock()
	s.data = b
	s.mu.Unlock()
	return nil
}

// Data decodes the socket's application data into v; it leaves v untouched
// when no data was set.
func (s *Socket) Data(v any) error {
	s.mu.Lock()
	d := s.data
	s.mu.Unlock()
	if d == nil {
		return nil
	}
	return json.Unmarshal(d, v)
}

// Join adds the socket to rooms.
func (s *Socket) Join(rooms ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == stateClosed {
		return
	}
	added := rooms[:0:0]
	for _, r := range rooms {
		if s.addRoomLocked(r) {
			added = append(added, r)
		}
	}
	// A connecting socket is indexed with all its rooms when it connects.
	// The index changes under s.mu so that a concurrent close cannot leave
	// a stale entry behind.
	if s.state == stateConnected && len(added) > 0 {
		s.ns.adapter.AddAll(s, added)
	}
}

// Leave removes the socket from rooms.
func (s *Socket) Leave(rooms ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == stateClosed {
		// The rooms stay as they were at close, for the session and the
		// disconnect handlers.
		return
	}
	for _, r := range rooms {
		if s.delRoomLocked(r) {
			if s.state == stateConnected {
				s.ns.adapter.Del(s, r)
			}
		}
	}
}

// Rooms lists the rooms the socket is in, its own id included, sorted.
func (s *Socket) Rooms() []string {
	s.mu.Lock()
	out := s.appendRoomsLocked(make([]string, 0, s.roomCountLocked()))
	s.mu.Unlock()
	sort.Strings(out)
	return out
}

// Info describes the socket as FetchSockets returns it.
func (s *Socket) Info() SocketInfo {
	s.mu.Lock()
	id, data := s.id, s.data
	s.mu.Unlock()
	return SocketInfo{ID: id, Namespace: s.ns.name, Rooms: s.Rooms(), Handshake: s.handshakeInfo(), Data: data}
}

// To returns a broadcast operator that reaches the sockets in rooms except
// this one.
func (s *Socket) To(rooms ...string) *BroadcastOperator {
	return s.ns.To(rooms...).Except(s.ID())
}

// Broadcast returns a broadcast operator that reaches every socket of the
// namespace except this one.
func (s *Socket) Broadcast() *BroadcastOperator { return s.ns.Except(s.ID()) }

// Emit sends an event to the client. Arguments are encoded with
// encoding/json, except []byte (sent as a binary attachment) and
// json.RawMessage (sent verbatim). It does not wait for the client.
func (s *Socket) Emit(event string, args ...any) error {
	return s.EmitWithOffset("", event, args...)
}

// EmitWithOffset sends an event carrying a recovery offset as its last
// argument when connection state recovery is enabled (the client remembers
// it and sends it back when it reconnects). A replay hook uses it to send
// the missed events.
func (s *Socket) EmitWithOffset(offset, event string, args ...any) error {
	if !s.ns.srv.recoveryEnabled() {
		offset = ""
	}
	p, err := newClientEventPacket(s.ns.name, event, args, offset, s.ns.srv.recoveryEnabled())
	if err != nil {
		return err
	}
	s.mu.Lock()
	if s.state != stateConnected {
		s.mu.Unlock()
		return ErrDisconnected
	}
	if offset != "" {
		s.lastOffset = offset
		if s.recovery != nil {
			s.recovery.replayed(offset, s.ns.srv.compareOffsets)
		}
	}
	s.mu.Unlock()
	s.send(p.Encode())
	s.ns.srv.opts.Hooks.eventSent(s.ns.name, event)
	return nil
}

// send writes the frames of one packet of this socket.
func (s *Socket) send(frames [][]byte) { s.sendAs(frames, false) }

// sendAs sends frames, in bulk for a broadcast.
func (s *Socket) sendAs(frames [][]byte, bulk bool) {
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	if bulk && len(frames) == 1 {
		_ = s.conn.SendBulk(frames[0], false)
		return
	}
	s.client.send(frames, bulk)
}

// deliver sends broadcast frames, encoded once for every recipient. While
// the socket replays missed events, live ones wait in its recovery buffer.
func (s *Socket) deliver(frames [][]byte, flags BroadcastFlags) {
	s.mu.Lock()
	if s.state != stateConnected {
		s.mu.Unlock()
		return
	}
	if s.recovery != nil {
		if !flags.Volatile {
			s.recovery.buffer(frames, flags.Offset)
		}
		s.mu.Unlock()
		return
	}
	if flags.Offset != "" {
		s.lastOffset = flags.Offset
	}
	s.mu.Unlock()
	if flags.Volatile {
		s.sendVolatile(frames, true)
		return
	}
	s.sendAs(frames, true)
}

// EmitVolatile sends an event that may be lost (Node's
// socket.volatile.emit): it is dropped, without error, unless the
// transport is writable at once (see engineio.Conn.SendVolatile). It
// carries no recovery offset.
func (s *Socket) EmitVolatile(event string, args ...any) error {
	p, err := newClientEventPacket(s.ns.name, event, args, "", s.ns.srv.recoveryEnabled())
	if err != nil {
		return err
	}
	if !s.Connected() {
		return ErrDisconnected
	}
	s.sendVolatile(p.Encode(), false)
	return nil
}

// sendVolatile hands frames to the connection to be dropped unless the
// transport is writable; a broadcast's single frame waits its turn in bulk
// and is judged then.
func (s *Socket) sendVolatile(frames [][]byte, bulk bool) {
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	if bulk && len(frames) == 1 {
		s.conn.SendBulkVolatile(frames[0], false)
		return
	}
	msgs := make([]engineio.Message, len(frames))
	for i, f := range frames {
		msgs[i] = engineio.Message{Data: f, Binary: i > 0}
	}
	s.conn.SendVolatile(msgs...)
}

// Disconnect makes the socket leave its namespace with the reason "server
// namespace disconnect"; the client sees "io server disconnect" and does
// not reconnect by itself. With close, every namespace of the underlying
// connection is left that way and the connection is closed.
func (s *Socket) Disconnect(close bool) {
	if close {
		s.client.disconnectAll()
		return
	}
	s.mu.Lock()
	connected := s.state == stateConnected
	s.mu.Unlock()
	if connected {
		s.send((&Packet{Type: PacketDisconnect, Namespace: s.ns.name}).Encode())
	}
	s.onClose(ReasonServerNamespaceDisconnect)
}

// OnDisconnect registers fn, called once when the socket leaves, after its
// last event handler returned.
func (s *Socket) OnDisconnect(fn func(reason DisconnectReason)) {
	s.mu.Lock()
	s.onDisconnect = append(s.onDisconnect, fn)
	s.mu.Unlock()
}

// onClose moves the socket to the closed state exactly once, whatever the
// number of concurrent callers.
func (s *Socket) onClose(reason DisconnectReason) {
	s.mu.Lock()
	if s.state == stateClosed {
		s.mu.Unlock()
		return
	}
	wasConnected := s.state == stateConnected
	s.state = stateClosed
	s.reason = reason
	s.recovery = nil
	acks := s.acks
	s.acks = nil
	s.mu.Unlock()

	s.client.remove(s)
	if wasConnected {
		s.ns.srv.opts.Hooks.disconnect(s.ns.name, reason)
		s.ns.adapter.DelAll(s)
		s.ns.removeSocket(s)
		if reason.recoverable() {
			s.ns.srv.saveSession(s)
		}
	}
	for _, fn := range acks {
		fn(Args{}, false)
	}
	// The handler goroutine, if running, sees the cancellation, finishes
	// its handler and notifies OnDisconnect; otherwise one is started for
	// the notification.
	s.cancel()
	if wasConnected {
		s.qmu.Lock()
		start := !s.running
		s.running = true
		s.qmu.Unlock()
		if start {
			go s.notifyDisconnect()
		}
	}
}
