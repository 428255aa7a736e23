package realtime

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"sync"
	"time"

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
			h.log.Info("socket refused", "remote", s.Handshake().Address, "reason", err.Error())
		}
	}()
	if h.shuttingDown.Load() {
		return connectError(CodeServerShuttingDown, "the server is restarting")
	}
	token, err := tokenOf(s.Handshake().Auth)
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
		}
		return connectError(code, domain.ErrorMessage(err))
	}
	u, err := h.deps.Users.FindUserByID(domain.WithActor(ctx, claims.Actor()), claims.UserID)
	switch {
	case domain.ErrorCode(err) == domain.CodeUnavailable:
		return connectError(domain.CodeUnavailable, "the server is busy; retrying")
	case err != nil || u.Status != domain.UserActive || u.Role != claims.Role:
		h.counters.refused.Add(1)
		return connectError(CodeTokenInvalid, "this account cannot connect; log in again")
	}
	data := socketData{UserID: u.ID, Name: u.Name, Role: u.Role, ExpiresAt: claims.ExpiresAt}
	if err := s.SetData(data); err != nil {
		return err
	}
	addr := s.Handshake().Address
	if !h.ips.acquire(addr) {
		h.counters.refused.Add(1)
		return connectError(domain.CodeRateLimited, "too many connections from this address")
	}
	// The socket's context ends however the socket ends, even if it never
	// finishes connecting.
	context.AfterFunc(s.Context(), func() { h.ips.release(addr) })
	s.Join(audienceRooms(&data)...)
	return nil
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
	rooms := []string{roomUser(d.UserID)}
	if d.Role == domain.RoleAdmin {
		return append(rooms, roomAdmins)
	}
	return append(rooms, roomVendor(d.UserID))
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
	h.log.Info("socket connected", "sid", s.ID(), "user_id", d.UserID, "role", d.Role,
		"transport", s.Transport(), "recovered", s.Recovered(), "remote", s.Handshake().Address)
	exp := newExpiry(h, s, d.ExpiresAt)
	if d.Role == domain.RoleAdmin {
		// Asynchronously: a fetch across instances may wait for a dead one,
		// and the socket's first stats and commands must not.
		go h.broadcastPresence(s.Context())
	}
	pid := s.PID()
	s.OnDisconnect(func(reason socketio.DisconnectReason) {
		exp.stop()
		h.counters.disconnected.Add(1)
		h.log.Info("socket disconnected", "sid", s.ID(), "user_id", d.UserID, "reason", string(reason))
		if reason == socketio.ReasonClientNamespaceDisconnect && h.sessions != nil {
			// The client left on purpose: its next connection starts afresh.
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if err := h.sessions.End(ctx, pid); err != nil {
				h.log.Warn("realtime: cannot record the end of a session", "err", err)
			}
			cancel()
		}
		if d.Role == domain.RoleAdmin && !h.shuttingDown.Load() {
			h.broadcastPresence(context.Background())
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
	st, err := h.deps.Stats.Stats(domain.WithActor(s.Context(), d.actor()))
	if err != nil {
		h.log.Warn("realtime: failed to compute stats for a new socket", "user", d.UserID, "err", err)
		return
	}
	payload := StatsPayload{Stats: st, At: h.opts.Now().UTC()}
	h.mu.Lock()
	defer h.mu.Unlock()
	_ = s.EmitWithOffset(strconv.FormatInt(h.cursor, 10), EventStats, payload)
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

// revokeIfNeeded disconnects the sockets of a user who was suspended or
// whose role changed: their rooms no longer match what they may see.
func (h *Hub) revokeIfNeeded(ctx context.Context, ev *domain.Event) {
	var p struct {
		User *domain.User `json:"user"`
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
		if p.User.Status != domain.UserActive || p.User.Role != d.Role {
			s, ok := h.ns.Socket(info.ID)
			if !ok {
				continue
			}
			_ = s.Emit(EventError, ErrorPayload{Code: "SESSION_REVOKED", Message: "your account was changed by an administrator; log in again"})
			h.counters.revoked.Add(1)
			s.Disconnect(false)
		}
	}
}

// ipCounter limits sockets per client address.
type ipCounter struct {
	max   int
	mu    sync.Mutex
	count map[string]int
}

func newIPCounter(max int) *ipCounter { return &ipCounter{max: max, count: map[string]int{}} }

func (c *ipCounter) acquire(ip string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.max > 0 && c.count[ip] >= c.max {
		return false
	}
	c.count[ip]++
	return true
}

func (c *ipCounter) release(ip string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.count[ip]--; c.count[ip] <= 0 {
		delete(c.count, ip)
	}
}

func decodeJSON(b []byte, v any) error {
	if len(b) == 0 {
		return errors.New("empty JSON")
	}
	return json.Unmarshal(b, v)
}
