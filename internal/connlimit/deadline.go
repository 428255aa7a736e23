package connlimit

import (
	"errors"
	"io"
	"net/http"
	"time"
)

// SetDeadlines bounds the request r being served by w: its body must have
// arrived within read, and the answer been written within write, both
// counted from now. Once the body has been read to its end, the read
// deadline moves to the write deadline: net/http keeps reading the
// connection in the background to notice a client going away, and a read
// deadline passing there would cancel a handler that is still (rightly)
// working on a complete request. A request without a body gets the write
// deadline for both at once, which is what lets a long-poll wait.
//
// Deadlines are set per handler, not on the http.Server, because the
// real-time transports need their own (a long-poll waits up to a ping
// interval; a WebSocket lives as long as its heartbeat).
func SetDeadlines(w http.ResponseWriter, r *http.Request, read, write time.Duration) {
	rc := http.NewResponseController(w)
	now := time.Now()
	writeBy := now.Add(write)
	_ = rc.SetWriteDeadline(writeBy)
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		_ = rc.SetReadDeadline(writeBy)
		return
	}
	_ = rc.SetReadDeadline(now.Add(read))
	r.Body = &deadlineBody{ReadCloser: r.Body, rc: rc, after: writeBy}
}

// deadlineBody moves the read deadline once the body is complete.
type deadlineBody struct {
	io.ReadCloser
	rc    *http.ResponseController
	after time.Time
	done  bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if errors.Is(err, io.EOF) && !b.done {
		b.done = true
		_ = b.rc.SetReadDeadline(b.after)
	}
	return n, err
}
