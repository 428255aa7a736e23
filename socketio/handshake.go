package socketio

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/url"
	"time"
)

// Handshake is what a client presented when it connected to a namespace:
// the CONNECT packet's auth object and the HTTP request that opened the
// Engine.IO session. It is plain data so that adapters can ship it between
// nodes (see SocketInfo).
type Handshake struct {
	// Auth is the auth object of the CONNECT packet, "{}" when the client
	// sent none. With connection state recovery the client adds its "pid"
	// and "offset" to it, as the reference server shows them too.
	Auth json.RawMessage `json:"auth"`
	// Headers are the opening request's, shared by every socket of the
	// session and with engineio.Conn.Request: read-only.
	Headers http.Header `json:"headers"`
	Query   url.Values  `json:"query"`
	// Address is the remote IP address of the opening request.
	Address string    `json:"address"`
	Secure  bool      `json:"secure"`
	URL     string    `json:"url"`
	Time    time.Time `json:"time"`
}

// DecodeAuth decodes the auth object into v.
func (h *Handshake) DecodeAuth(v any) error { return json.Unmarshal(h.Auth, v) }

func newHandshake(r *http.Request, auth json.RawMessage) *Handshake {
	if len(auth) == 0 {
		auth = json.RawMessage("{}")
	}
	h := &Handshake{Auth: auth, Time: time.Now()}
	if r != nil {
		// The Engine.IO request's headers are a private copy that nobody
		// modifies: shared, not cloned again (an idle connection's
		// footprint is mostly its handshake).
		h.Headers = r.Header
		h.Query = r.URL.Query()
		h.Address = r.RemoteAddr
		if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
			h.Address = host
		}
		h.Secure = r.TLS != nil
		h.URL = r.URL.String()
	}
	return h
}

// Middleware runs before a socket joins its namespace. It sees the socket's
// handshake and may store data on it (Socket.SetData) or join rooms. A
// non-nil error refuses the connection: the client receives a CONNECT_ERROR
// with the error's message (and the data of a *ConnectError). For a socket
// that resumes a session, middlewares run after the session is restored:
// Socket.Recovered reports true and the data and rooms are back; a refusal
// keeps the session for the client's next attempt.
type Middleware func(ctx context.Context, s *Socket) error

// ConnectError refuses a connection with a message and optional data, which
// the official client exposes as err.message and err.data in connect_error.
type ConnectError struct {
	Message string
	Data    any
}

func (e *ConnectError) Error() string { return e.Message }

// connectErrorPayload renders err as the CONNECT_ERROR payload.
func connectErrorPayload(err error) json.RawMessage {
	body := struct {
		Message string `json:"message"`
		Data    any    `json:"data,omitempty"`
	}{Message: err.Error()}
	var ce *ConnectError
	if errors.As(err, &ce) {
		body.Message, body.Data = ce.Message, ce.Data
	}
	b, mErr := json.Marshal(body)
	if mErr != nil {
		b, _ = json.Marshal(struct {
			Message string `json:"message"`
		}{body.Message})
	}
	return b
}

// recoveryRequest is the part of the auth object that the official client
// adds when it tries to resume a session.
type recoveryRequest struct {
	PID    *string `json:"pid"`
	Offset *string `json:"offset"`
}

func parseRecovery(auth json.RawMessage) (pid, offset string, ok bool) {
	var r recoveryRequest
	if json.Unmarshal(auth, &r) != nil || r.PID == nil || r.Offset == nil {
		return "", "", false
	}
	return *r.PID, *r.Offset, true
}

// newID returns a random URL-safe identifier for sockets and sessions.
func newID() string {
	var b [15]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
