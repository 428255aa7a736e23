package socketio

import (
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/livedesk/livedesk/engineio"
)

// conn is what socketio needs from an Engine.IO connection; *engineio.Conn
// implements it.
type conn interface {
	ID() string
	Request() *http.Request
	RemoteAddr() string
	Transport() string
	OnMessage(fn func(data []byte, binary bool))
	OnClose(fn func(reason string, err error))
	Send(data []byte, binary bool) error
	SendBulk(data []byte, binary bool) error
	SendBatch(msgs []engineio.Message) error
	SendVolatile(msgs ...engineio.Message) bool
	SendBulkVolatile(data []byte, binary bool)
	Close()
}

// client is one Engine.IO connection, multiplexing a socket per namespace.
type client struct {
	srv  *Server
	conn conn
	dec  Decoder // only used by the connection's message callback

	mu sync.Mutex
	// sockets has one socket per namespace joined: a few at most, so a
	// slice (an idle connection's footprint counts, see doc.go).
	sockets   []*Socket
	closed    bool
	connected bool
	timer     *time.Timer // the connect timeout, until a socket connects
}

// socketLocked returns the socket of namespace name, or nil; cl.mu must be
// held.
func (cl *client) socketLocked(name string) *Socket {
	for _, s := range cl.sockets {
		if s.ns.name == name {
			return s
		}
	}
	return nil
}

func (srv *Server) accept(c conn) {
	cl := &client{
		srv:  srv,
		conn: c,
		dec: Decoder{
			MaxAttachments:     srv.opts.MaxAttachments,
			MaxAttachmentBytes: srv.opts.MaxAttachmentBytes,
		},
	}
	srv.addClient(cl)
	c.OnMessage(cl.onMessage)
	c.OnClose(func(reason string, _ error) {
		cl.closeAll(DisconnectReason(reason))
		srv.removeClient(cl)
	})
	// A connection that joins no namespace in time is closed, so that bare
	// Engine.IO sessions do not linger.
	cl.mu.Lock()
	cl.timer = time.AfterFunc(srv.opts.ConnectTimeout, func() {
		cl.mu.Lock()
		idle := !cl.connected && !cl.closed
		cl.mu.Unlock()
		if idle {
			cl.conn.Close()
		}
	})
	cl.mu.Unlock()
}

// send writes the frames of one packet; the first one is text. It never
// blocks on the peer: the Engine.IO connection queues, or closes itself
// when its bounded queue is full. A broadcast's frames are sent in bulk,
// waiting their turn behind other connections, so that replies and
// messages to one client go first.
func (cl *client) send(frames [][]byte, bulk bool) {
	if len(frames) == 1 {
		if bulk {
			_ = cl.conn.SendBulk(frames[0], false)
		} else {
			_ = cl.conn.Send(frames[0], false)
		}
		return
	}
	// A binary packet's header and attachments must stay together when
	// several goroutines send concurrently.
	msgs := make([]engineio.Message, len(frames))
	for i, f := range frames {
		msgs[i] = engineio.Message{Data: f, Binary: i > 0}
	}
	_ = cl.conn.SendBatch(msgs)
}

func (cl *client) sendPacket(p *Packet) { cl.send(p.Encode(), false) }

func (cl *client) onMessage(data []byte, binary bool) {
	p, err := cl.dec.Add(data, binary)
	if err != nil {
		cl.srv.logger.Debug("socketio: closing connection on a malformed packet", "conn", engineio.LogID(cl.conn.ID()), "err", err)
		cl.fail(ReasonParseError)
		return
	}
	if p == nil {
		return
	}
	cl.mu.Lock()
	s := cl.socketLocked(p.Namespace)
	cl.mu.Unlock()
	switch {
	case p.Type == PacketConnect && s == nil:
		cl.connect(p)
	case s != nil && p.Type != PacketConnect && p.Type != PacketConnectError:
		s.onPacket(p)
	default:
		// As the specification says and the reference server does: a
		// packet for a namespace not joined (nor being joined), a
		// CONNECT_ERROR from the client or a second CONNECT closes the
		// connection.
		cl.srv.logger.Debug("socketio: closing connection on a packet in an invalid state",
			"conn", cl.conn.ID(), "type", p.Type, "namespace", p.Namespace)
		cl.fail(ReasonForcedServerClose)
	}
}

func (cl *client) connect(p *Packet) {
	hs := handshakeData{auth: p.Data, time: time.Now().UnixNano()}
	if len(hs.auth) == 0 {
		hs.auth = emptyAuth
	}
	var full *Handshake // built only if a dynamic namespace's match asks
	ns := cl.srv.namespace(p.Namespace, func() *Handshake {
		if full == nil {
			full = hs.build(cl.conn)
		}
		return full
	})
	if ns == nil {
		cl.sendPacket(&Packet{Type: PacketConnectError, Namespace: p.Namespace,
			Data: json.RawMessage(`{"message":"Invalid namespace"}`)})
		return
	}
	cl.mu.Lock()
	if cl.closed || cl.socketLocked(ns.name) != nil {
		cl.mu.Unlock()
		return
	}
	s := newSocket(ns, cl, hs)
	s.hs = full
	s.running = true // run is the socket's first handler goroutine
	cl.sockets = append(cl.sockets, s)
	cl.mu.Unlock()
	go s.run()
}

// connectedOne records that a socket joined its namespace, which ends the
// connect timeout.
func (cl *client) connectedOne() {
	cl.mu.Lock()
	cl.connected = true
	if cl.timer != nil {
		cl.timer.Stop()
		cl.timer = nil // not kept for the connection's life
	}
	cl.mu.Unlock()
}

func (cl *client) remove(s *Socket) {
	cl.mu.Lock()
	if i := slices.Index(cl.sockets, s); i >= 0 {
		cl.sockets = slices.Delete(cl.sockets, i, i+1)
	}
	cl.mu.Unlock()
}

// closeAll disconnects every socket of the connection with reason; later
// calls are no-ops.
func (cl *client) closeAll(reason DisconnectReason) {
	cl.mu.Lock()
	if cl.closed {
		cl.mu.Unlock()
		return
	}
	cl.closed = true
	if cl.timer != nil {
		cl.timer.Stop()
		cl.timer = nil
	}
	list := slices.Clone(cl.sockets)
	cl.mu.Unlock()
	for _, s := range list {
		s.onClose(reason)
	}
}

// disconnectAll tells the client that each of its sockets is disconnected,
// then closes the connection (the queued packets are flushed first).
func (cl *client) disconnectAll() {
	cl.mu.Lock()
	list := slices.Clone(cl.sockets)
	cl.mu.Unlock()
	for _, s := range list {
		if s.Connected() {
			cl.sendPacket(&Packet{Type: PacketDisconnect, Namespace: s.ns.name})
		}
	}
	cl.fail(ReasonServerNamespaceDisconnect)
}

// fail disconnects every socket with reason, then closes the connection.
func (cl *client) fail(reason DisconnectReason) {
	cl.closeAll(reason)
	cl.conn.Close()
}
