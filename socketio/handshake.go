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
	// Headers are the opening request's.
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

// handshakeData is what a socket keeps of its handshake: the rest is the
// connection's (engineio.Conn keeps its request in a compact form), and a
// Handshake is built from both only when asked for (Socket.Handshake,
// Socket.Info), which keeps idle sockets small.
type handshakeData struct {
	auth json.RawMessage
	time int64 // Unix nanoseconds
}

var emptyAuth = json.RawMessage("{}")

// build returns the full handshake, with the connection's request.
func (d *handshakeData) build(c conn) *Handshake {
	return newHandshake(c.Request(), d.auth, time.Unix(0, d.time))
}

func newHandshake(r *http.Request, auth json.RawMessage, t time.Time) *Handshake {
	if len(auth) == 0 {
		auth = emptyAuth
	}
	h := &Handshake{Auth: auth, Time: t}
	if r != nil {
		// The request is a copy made for this handshake: its headers are
		// not cloned again.
		h.Headers = r.Header
		h.Query = r.URL.Query()
		h.Address = remoteIP(r.RemoteAddr)
		h.Secure = r.TLS != nil
		h.URL = r.URL.String()
	}
	return h
}

// remoteIP is the IP address of a RemoteAddr, or addr itself.
func remoteIP(addr string) string {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return addr
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
