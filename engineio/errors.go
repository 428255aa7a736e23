package engineio

import (
	"errors"
	"net/http"
	"strconv"
)

// ErrorCode is the numeric code of an Engine.IO HTTP error answer.
type ErrorCode int

// The error codes of the reference server, answered as
// {"code":N,"message":"..."}.
const (
	CodeUnknownTransport   ErrorCode = 0
	CodeUnknownSID         ErrorCode = 1
	CodeBadHandshakeMethod ErrorCode = 2
	CodeBadRequest         ErrorCode = 3
	CodeForbidden          ErrorCode = 4
	CodeUnsupportedVersion ErrorCode = 5
)

// Message returns the standard message of the code.
func (c ErrorCode) Message() string {
	switch c {
	case CodeUnknownTransport:
		return "Transport unknown"
	case CodeUnknownSID:
		return "Session ID unknown"
	case CodeBadHandshakeMethod:
		return "Bad handshake method"
	case CodeBadRequest:
		return "Bad request"
	case CodeForbidden:
		return "Forbidden"
	case CodeUnsupportedVersion:
		return "Unsupported protocol version"
	}
	return "Unknown error"
}

// Errors reported by Conn methods and passed to OnClose.
var (
	// ErrClosed is returned by Send on a closed connection.
	ErrClosed = errors.New("engineio: connection closed")
	// ErrQueueFull reports a connection closed because its send queue
	// overflowed: the client did not read fast enough.
	ErrQueueFull = errors.New("engineio: send queue full")
	// ErrPayloadTooLarge reports a WebSocket message larger than
	// Options.MaxPayload. (A POST body that large is answered 413 and
	// the session goes on, as in the reference.)
	ErrPayloadTooLarge = errors.New("engineio: payload too large")
	// ErrInvalidUTF8 reports a text message that is not valid UTF-8: a
	// WebSocket text frame (the connection is failed with close code
	// 1007, RFC 6455 §8.1) or a polling body, refused whole.
	ErrInvalidUTF8 = errors.New("engineio: text message is not valid UTF-8")
	// ErrPollOverlap reports a second GET or POST while one was in flight.
	ErrPollOverlap = errors.New("engineio: overlapping polling request")
	// ErrPollAborted reports a pending GET closed by the client.
	ErrPollAborted = errors.New("engineio: poll request closed prematurely")
	// ErrHeartbeat reports a ping from the client, which revision 4 forbids.
	ErrHeartbeat = errors.New("engineio: invalid heartbeat direction")
)

// writeError answers an HTTP request with the JSON error body of code.
func writeError(w http.ResponseWriter, status int, code ErrorCode) {
	body := make([]byte, 0, 64)
	body = append(body, `{"code":`...)
	body = strconv.AppendInt(body, int64(code), 10)
	body = append(body, `,"message":`...)
	body = strconv.AppendQuote(body, code.Message())
	body = append(body, '}')
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// statusFor maps an error code to its HTTP status, as the reference does.
func statusFor(code ErrorCode) int {
	if code == CodeForbidden {
		return http.StatusForbidden
	}
	return http.StatusBadRequest
}
