package socketio

import (
	"context"
	"strings"
	"time"

	"github.com/livedesk/livedesk/engineio"
)

// RecoveryOptions enable connection state recovery: a client whose
// connection dropped reconnects with its previous socket id, rooms and
// data, and receives the events it missed.
//
// The application owns the offsets. It tags the events it wants recoverable
// with WithOffset (or Socket.EmitWithOffset); the client remembers the last
// one it received and sends it back on reconnection, and the namespace's
// replay hook (Namespace.OnRecover) emits what came after it.
//
// As with the reference server, the official client asks for recovery only
// once it holds an offset: an application whose events may be rare sends
// each new socket its current position at once (say, an event carrying the
// log's last sequence number with EmitWithOffset). The offsets a socket
// receives must increase, since the client keeps the last one, not the
// highest.
type RecoveryOptions struct {
	// MaxDisconnectionDuration is how long a session can be resumed
	// (default 2 minutes).
	MaxDisconnectionDuration time.Duration
	// Store keeps the sessions (default: in memory).
	Store SessionStore
	// CompareOffsets orders two offsets like strings.Compare (default
	// CompareOffsets, numeric order for decimal offsets).
	CompareOffsets func(a, b string) int
	// MaxHeldBack bounds the live events held back while a replay runs
	// (default 10000). Past it, the replay is abandoned: the connection is
	// closed without saving the session, so the client reconnects afresh
	// (socket.recovered === false) rather than missing events.
	MaxHeldBack int
	// SkipMiddlewares lets a recovered socket in without running the
	// namespace's middlewares again, as the reference server does by
	// default. Off by default here: middlewares run for every socket, and
	// see Socket.Recovered and the restored data and rooms.
	SkipMiddlewares bool
}

// CompareOffsets orders decimal offsets numerically (shorter first, then
// lexically) and any other strings lexically.
func CompareOffsets(a, b string) int {
	if isDecimal(a) && isDecimal(b) {
		a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		if len(a) != len(b) {
			if len(a) < len(b) {
				return -1
			}
			return 1
		}
	}
	return strings.Compare(a, b)
}

func isDecimal(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// Replayer sends a recovered socket the events that follow offset, in
// order, with Socket.EmitWithOffset. It runs before the socket's CONNECT
// answer, as the reference server sends missed events: the client emits
// them before its "connect" event. Live events for the socket wait until
// it returns; those at or before the last replayed offset are then dropped,
// so that nothing is lost, duplicated or reordered. An error closes the
// connection: the client reconnects and, its session being spent, starts
// afresh (socket.recovered === false), which tells it to refetch.
type Replayer func(ctx context.Context, s *Socket, offset string) error

// recoveryState is the replay in progress of a recovered socket.
type recoveryState struct {
	last     string // highest offset the client has or was replayed
	queued   []queuedFrames
	max      int
	overflow bool
}

type queuedFrames struct {
	frames [][]byte
	offset string
}

func (r *recoveryState) replayed(offset string, cmp func(a, b string) int) {
	if r.last == "" || cmp(offset, r.last) > 0 {
		r.last = offset
	}
}

func (r *recoveryState) buffer(frames [][]byte, offset string) {
	if len(r.queued) >= r.max {
		r.overflow = true
		r.queued = nil
		return
	}
	if !r.overflow {
		r.queued = append(r.queued, queuedFrames{frames: frames, offset: offset})
	}
}

// finishRecovery sends the CONNECT answer of a recovered socket and the
// live events that arrived during the replay and were not replayed, then
// lets live events through. sendMu is held from before live events are
// let through until the held-back ones are sent, so that no new live event
// overtakes them.
func (s *Socket) finishRecovery() {
	cmp := s.ns.srv.compareOffsets
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	s.mu.Lock()
	r := s.recovery
	if r == nil || s.state != stateConnected {
		s.mu.Unlock()
		return
	}
	s.recovery = nil
	if r.overflow {
		s.mu.Unlock()
		s.ns.srv.logger.Warn("socketio: too many live events during the replay, closing the connection", "sid", engineio.LogID(s.ID()))
		s.client.fail(ReasonServerNamespaceDisconnect)
		return
	}
	answer := s.connectAnswerLocked()
	var send [][][]byte
	for _, q := range r.queued {
		if q.offset != "" && r.last != "" && cmp(q.offset, r.last) <= 0 {
			continue
		}
		if q.offset != "" {
			s.lastOffset = q.offset
		}
		send = append(send, q.frames)
	}
	s.mu.Unlock()
	s.sendConnectAnswer(answer, true)
	for _, frames := range send {
		s.client.send(frames, false)
	}
}

func (srv *Server) recoveryEnabled() bool { return srv.opts.Recovery != nil }

func (srv *Server) compareOffsets(a, b string) int { return srv.opts.Recovery.CompareOffsets(a, b) }

// saveSession stores the session of a socket that left for a recoverable
// reason.
func (srv *Server) saveSession(s *Socket) {
	if !srv.recoveryEnabled() {
		return
	}
	s.mu.Lock()
	sess := Session{
		PID: s.pid, SID: s.id, Namespace: s.ns.name, Data: s.data,
		Offset: s.lastOffset, DisconnectedAt: time.Now(),
	}
	for r := range s.rooms {
		sess.Rooms = append(sess.Rooms, r)
	}
	s.mu.Unlock()
	if sess.PID == "" {
		return
	}
	srv.mu.Lock()
	if srv.closing != nil { // Close saves it with the others
		srv.closing = append(srv.closing, sess)
		srv.mu.Unlock()
		return
	}
	srv.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.opts.Recovery.Store.SaveSession(ctx, sess); err != nil {
		srv.logger.Warn("socketio: failed to save session", "sid", engineio.LogID(sess.SID), "err", err)
	}
}

// sessionStore is the recovery's session store (nil without recovery).
func (srv *Server) sessionStore() SessionStore {
	if !srv.recoveryEnabled() {
		return nil
	}
	return srv.opts.Recovery.Store
}

// saveSessions saves the sessions collected by Close, SessionBatchSize at
// a time, until ctx ends.
func (srv *Server) saveSessions(ctx context.Context, store SessionBatchStore, sessions []Session) {
	saved := 0
	for len(sessions) > 0 && ctx.Err() == nil {
		n := min(len(sessions), SessionBatchSize)
		if err := store.SaveSessions(ctx, sessions[:n]); err != nil {
			srv.logger.Warn("socketio: failed to save sessions", "sessions", n, "err", err)
		} else {
			saved += n
		}
		sessions = sessions[n:]
	}
	if len(sessions) > 0 {
		srv.logger.Warn("socketio: shutdown ended before every session was saved", "saved", saved, "unsaved", len(sessions))
	}
}

// restoreSession resumes the session the client asks for, if it exists,
// belongs to this namespace and has not expired. It returns the session and
// the client's offset.
func (srv *Server) restoreSession(ctx context.Context, s *Socket) (sess Session, offset string, ok bool) {
	pid, offset, asked := parseRecovery(s.hsData.auth)
	if !asked {
		return Session{}, "", false
	}
	sess, found, err := srv.opts.Recovery.Store.TakeSession(ctx, pid)
	if err != nil {
		srv.logger.Warn("socketio: failed to take session", "pid", engineio.LogID(pid), "err", err)
		return Session{}, "", false
	}
	if !found || sess.Namespace != s.ns.name ||
		time.Since(sess.DisconnectedAt) > srv.opts.Recovery.MaxDisconnectionDuration {
		return Session{}, "", false
	}
	s.mu.Lock()
	s.id, s.pid, s.recovered = sess.SID, sess.PID, true
	// A session saved without data keeps what the middlewares stored (an
	// application may choose to re-derive identity from the handshake
	// rather than trust a stored session).
	if sess.Data != nil {
		s.data = sess.Data
	}
	for _, r := range sess.Rooms {
		s.addRoomLocked(r)
	}
	s.lastOffset = offset
	s.recovery = &recoveryState{last: offset, max: srv.opts.Recovery.MaxHeldBack}
	s.mu.Unlock()
	return sess, offset, true
}

// putBackSession stores again a session taken for a socket that a
// middleware then refused, so that a transient refusal (a busy database,
// say) does not cost the client its recovery.
func (srv *Server) putBackSession(sess Session) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.opts.Recovery.Store.SaveSession(ctx, sess); err != nil {
		srv.logger.Warn("socketio: failed to save session", "sid", engineio.LogID(sess.SID), "err", err)
	}
}
