package realtime

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/livedesk/livedesk/engineio"
	"github.com/livedesk/livedesk/internal/auth"
	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/socketio"
)

// socketData is what the hub keeps on each socket (and in its recovery
// session).
type socketData struct {
	UserID    int64       `json:"userId"`
	Name      string      `json:"name"`
	Role      domain.Role `json:"role"`
	ExpiresAt time.Time   `json:"expiresAt"`
	SessionID string      `json:"sessionId"`          // the login session of the token
	VendorID  int64       `json:"vendorId,omitempty"` // a staff member's vendor
}

func (d *socketData) actor() *domain.Actor {
	return &domain.Actor{UserID: d.UserID, Name: d.Name, Role: d.Role}
}

// connectError refuses a handshake the way clients can switch on:
// err.message and err.data.code.
func connectError(code, message string) error {
	return &socketio.ConnectError{Message: message, Data: map[string]string{"code": code, "message": message}}
}

// authenticate is the namespace middleware: it admits only active users
// with a valid token, and puts the socket in the rooms of its audience.
func (h *Hub) authenticate(ctx context.Context, s *socketio.Socket) (err error) {
	defer func() {
		if err != nil { // one line per refusal; the token itself is never logged
			h.log.Info("socket refused", "remote", s.Address(), "reason", err.Error())
		}
	}()
	if h.shuttingDown.Load() {
		return connectError(CodeServerShuttingDown, "the server is restarting")
	}
	token, err := tokenOf(s.Auth())
	if err != nil {
		h.counters.refused.Add(1)
		return connectError(domain.ErrorCode(err), domain.ErrorMessage(err))
	}
	claims, err := h.verify(token)
	if err != nil {
		h.counters.refused.Add(1)
		code := domain.ErrorCode(err)
		if code != CodeTokenExpired {
			code = CodeTokenInvalid
			h.security(ctx, domain.SecurityTokenRefused, s.Address(), 0, "socket handshake refused: "+domain.ErrorMessage(err))
		}
		return connectError(code, domain.ErrorMessage(err))
	}
	u, err, sessionErr := h.identity(ctx, claims)
	switch {
	case domain.ErrorCode(err) == domain.CodeUnavailable || ctx.Err() != nil:
		// A busy database, or a client that left while waiting for it: not
		// a refused token (no security event, which would be one more
		// write in a reconnect storm).
		return connectError(domain.CodeUnavailable, "the server is busy; retrying")
	case err != nil || u.Status != domain.UserActive || u.Role != claims.Role:
		h.counters.refused.Add(1)
		h.security(ctx, domain.SecurityTokenRefused, s.Address(), claims.UserID,
			"socket handshake refused: the token's account is gone, suspended or has another role")
		return connectError(CodeTokenInvalid, "this account cannot connect; log in again")
	}
	// After the user: a suspended or changed account is told so, as
	// before; a session ended otherwise (logout, new password, reused
	// refresh token, reactivation) is SESSION_REVOKED.
	if sessionErr != nil {
		if domain.ErrorCode(sessionErr) != CodeSessionRevoked {
			h.log.Warn("realtime: cannot check a session", "err", sessionErr)
			return connectError(domain.CodeUnavailable, "the server is busy; retrying")
		}
		h.counters.refused.Add(1)
		return connectError(CodeSessionRevoked, "this session has ended; log in again")
	}
	data := socketData{UserID: u.ID, Name: u.Name, Role: u.Role, ExpiresAt: claims.ExpiresAt, SessionID: claims.SessionID, VendorID: u.VendorID}
	if err := s.SetData(data); err != nil {
		return err
	}
	s.Join(audienceRooms(&data)...)
	if data.Role == domain.RoleStaff {
		// Counted from the handshake, before a replay reads up to the
		// cursor, so that no live event after it is left unmatched; the
		// count goes down when the socket disconnects (onConnection). A
		// socket refused after this point leaves it one too high, which
		// costs only the matching.
		h.staffOnline.Add(1)
	}
	return nil
}

// identity reads the user of a token (err: gone or unreadable) and whether
// its login session is live (sessionErr: SESSION_REVOKED, or why it could
// not be told). With AuthSessions that read both at once
// (auth.SessionUsers, as the service does), it is one read of the
// database per handshake instead of two: a reconnect storm is thousands of
// handshakes.
func (h *Hub) identity(ctx context.Context, claims *auth.Claims) (u *domain.User, err, sessionErr error) {
	if su, ok := h.deps.AuthSessions.(auth.SessionUsers); ok {
		u, live, err := su.SessionUser(ctx, claims.SessionID, claims.UserID)
		switch {
		case err != nil:
			return nil, err, nil
		case !live:
			return u, nil, &domain.Error{Code: CodeSessionRevoked, Message: "this session has ended; log in again"}
		}
		return u, nil, nil
	}
	if u, err = h.deps.Users.FindUserByID(domain.WithActor(ctx, claims.Actor()), claims.UserID); err != nil {
		return nil, err, nil
	}
	return u, nil, h.deps.AuthSessions.CheckSession(ctx, claims.SessionID, claims.UserID)
}

// tokenOf extracts the access token from the handshake's auth object: none
// (or an empty one) is AUTH_REQUIRED, anything but a string TOKEN_INVALID.
func tokenOf(auth json.RawMessage) (string, error) {
	var a struct {
		Token json.RawMessage `json:"token"`
	}
	required := &domain.Error{Code: CodeAuthRequired, Message: "authentication required: connect with auth: {token}"}
	if json.Unmarshal(auth, &a) != nil || len(a.Token) == 0 || string(a.Token) == "null" {
		return "", required
	}
	var token string
	if json.Unmarshal(a.Token, &token) != nil {
		return "", &domain.Error{Code: CodeTokenInvalid, Message: "the token must be a string"}
	}
	if token == "" {
		return "", required
	}
	return token, nil
}

// verify checks a token for the socket layer. The verifier tolerates some
// clock skew past a token's expiry; a socket does not, because its expiry
// timer disconnects it at that very instant: a handshake or an auth:refresh
// with a token in the skew window would connect (and replay to) a client
// only to drop it at once, over and over for the length of the leeway.
func (h *Hub) verify(token string) (*auth.Claims, error) {
	claims, err := h.deps.Tokens.Verify(token)
	if err != nil {
		return nil, err
	}
	if !claims.ExpiresAt.After(h.opts.Now()) {
		return nil, &domain.Error{Code: CodeTokenExpired, Message: "token expired; refresh it or log in again"}
	}
	return claims, nil
}

func audienceRooms(d *socketData) []string {
	rooms := []string{roomUser(d.UserID), roomSession(d.SessionID)}
	switch d.Role {
	case domain.RoleAdmin:
		return append(rooms, roomAdmins)
	case domain.RoleVendor:
		return append(rooms, roomVendor(d.UserID))
	}
	// Staff join no business room (vendor-wide events would show customers
	// and payments off their round): the events of their round are sent to
	// their user room one by one (see staffMessages).
	return rooms
}

// onConnection runs once the socket is connected (and replayed, when it
// recovered a session): presence, token expiry and command handlers.
func (h *Hub) onConnection(s *socketio.Socket) {
	var d socketData
	if err := s.Data(&d); err != nil || d.UserID == 0 {
		s.Disconnect(false)
		return
	}
	h.counters.connected.Add(1)
	h.log.Info("socket connected", "sid", engineio.LogID(s.ID()), "user_id", d.UserID, "role", d.Role,
		"transport", s.Transport(), "recovered", s.Recovered(), "remote", s.Address())
	exp := newExpiry(h, s, d.ExpiresAt)
	if d.Role == domain.RoleAdmin {
		// Asynchronously (and coalesced): a fetch across instances may
		// wait for a dead one, and the socket's first stats and commands
		// must not.
		h.presenceChanged()
	}
	pid := s.PID()
	s.OnDisconnect(func(reason socketio.DisconnectReason) {
		exp.stop()
		if d.Role == domain.RoleStaff {
			h.staffOnline.Add(-1)
		}
		h.counters.disconnected.Add(1)
		h.log.Info("socket disconnected", "sid", engineio.LogID(s.ID()), "user_id", d.UserID, "reason", string(reason))
		if reason == socketio.ReasonClientNamespaceDisconnect && h.sessions != nil {
			// The client left on purpose: its next connection starts afresh.
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if err := h.sessions.End(ctx, pid); err != nil {
				h.log.Warn("realtime: cannot record the end of a session", "err", err)
			}
			cancel()
		}
		if d.Role == domain.RoleAdmin && !h.shuttingDown.Load() {
			h.presenceChanged()
		}
	})
	h.registerCommands(s, &d, exp)
	h.stats.watch(d.actor())
	h.sendInitialStats(s, &d)
}

// sendInitialStats gives a new socket fresh figures (it may have missed
// coalesced ones) and, with them, its first recovery offset: the seq of the
// last event broadcast before it. The official client only asks to recover
// a session when it holds an offset, so without this a client that saw no
// event before its connection dropped would not be replayed what it missed.
// The emit happens under h.mu so that no live event is ordered around it.
func (h *Hub) sendInitialStats(s *socketio.Socket, d *socketData) {
	if d.Role == domain.RoleStaff {
		return // staff see no figures (and are sent no business events to recover)
	}
	st, err := h.initialStatsOf(d)
	if err != nil {
		h.log.Warn("realtime: failed to compute stats for a new socket", "user", d.UserID, "err", err)
		return
	}
	payload := StatsPayload{Stats: st, At: h.opts.Now().UTC()}
	h.mu.Lock()
	defer h.mu.Unlock()
	_ = s.EmitWithOffset(FormatOffset(h.logEpoch(), h.cursor, -1), EventStats, payload)
}

// expiry disconnects a socket when its token expires, unless the client
// sent auth:refresh with a fresh token first.
type expiry struct {
	mu    sync.Mutex
	timer *time.Timer
}

func newExpiry(h *Hub, s *socketio.Socket, at time.Time) *expiry {
	e := &expiry{}
	e.reset(h, s, at)
	return e
}

func (e *expiry) reset(h *Hub, s *socketio.Socket, at time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.timer != nil {
		e.timer.Stop()
	}
	e.timer = time.AfterFunc(max(at.Sub(h.opts.Now()), 0), func() {
		_ = s.Emit(EventError, ErrorPayload{Code: CodeTokenExpired, Message: "your session expired; refresh the token and reconnect"})
		h.counters.expired.Add(1)
		s.Disconnect(false)
	})
}

func (e *expiry) stop() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.timer != nil {
		e.timer.Stop()
	}
}

// revokeIfNeeded disconnects the sockets of a user whose sessions were
// ended (a new password, a suspension, a reactivation, a new role) or whose
// rooms no longer match what it may see.
func (h *Hub) revokeIfNeeded(ctx context.Context, ev *domain.Event) {
	var p struct {
		User            *domain.User `json:"user"`
		SessionsRevoked bool         `json:"sessionsRevoked"`
	}
	if err := decodeJSON(ev.Payload, &p); err != nil || p.User == nil {
		return
	}
	// Every node reads the log and revokes its own sockets.
	infos, err := h.ns.Local().In(roomUser(p.User.ID)).FetchSockets(ctx)
	if err != nil {
		h.log.Warn("realtime: cannot list a user's sockets", "user", p.User.ID, "err", err)
		return
	}
	for _, info := range infos {
		var d socketData
		if decodeJSON(info.Data, &d) != nil {
			continue
		}
		changed := p.User.Status != domain.UserActive || p.User.Role != d.Role
		// A session started after the change (a login with the new
		// password, in the moment before this event was read) is not ended.
		if !changed && !(p.SessionsRevoked && h.sessionEnded(ctx, &d)) {
			continue
		}
		s, ok := h.ns.Socket(info.ID)
		if !ok {
			continue
		}
		_ = s.Emit(EventError, ErrorPayload{Code: CodeSessionRevoked, Message: "your account was changed by an administrator; log in again"})
		h.counters.revoked.Add(1)
		s.Disconnect(false)
	}
}

// sessionEnded reports whether the session of a socket has ended; when the
// database cannot tell, it errs on the side of ending it.
func (h *Hub) sessionEnded(ctx context.Context, d *socketData) bool {
	return h.deps.AuthSessions.CheckSession(ctx, d.SessionID, d.UserID) != nil
}

// EndSession disconnects the sockets of a login session, on every instance
// of the cluster (through the adapter), with SESSION_REVOKED: the REST API
// calls it on logout and when a reused refresh token ends a session. Should
// an instance miss the message, its sockets of the session are still
// refused at their next handshake or auth:refresh, and dropped when their
// access token expires.
func (h *Hub) EndSession(sessionID string) {
	if sessionID == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	room := roomSession(sessionID)
	if err := h.ns.To(room).Emit(ctx, EventError, ErrorPayload{Code: CodeSessionRevoked, Message: "this session has ended; log in again"}); err != nil {
		h.log.Warn("realtime: cannot tell a session's sockets it ended", "err", err)
	}
	if err := h.ns.In(room).DisconnectSockets(ctx, false); err != nil {
		h.log.Warn("realtime: cannot disconnect a session's sockets", "err", err)
	}
}

func decodeJSON(b []byte, v any) error {
	if len(b) == 0 {
		return errors.New("empty JSON")
	}
	return json.Unmarshal(b, v)
}

// security records a refused token or socket; it never fails the caller.
func (h *Hub) security(ctx context.Context, kind, addr string, userID int64, detail string) {
	if h.deps.Security == nil {
		return
	}
	e := &domain.SecurityEvent{Kind: kind, Address: addr, UserID: userID, Detail: detail}
	if err := h.deps.Security.RecordSecurityEvent(ctx, e); err != nil {
		h.log.Warn("realtime: failed to record a security event", "kind", kind, "err", err)
	}
}
