package engineio

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// upgradeGrace is how long a GET arriving during an upgrade probe waits for
// the upgrade packet.
const upgradeGrace = 50 * time.Millisecond

// payloadBufs recycles the buffers polling responses are encoded into.
var payloadBufs = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// handshakePolling opens a session over long-polling and answers the open
// packet, together with whatever OnConnection queued.
func (s *Server) handshakePolling(w http.ResponseWriter, r *http.Request) {
	c, ok := s.newConn(r, TransportPolling)
	if !ok {
		writeError(w, http.StatusServiceUnavailable, CodeBadRequest)
		return
	}
	if s.opts.OnConnection != nil {
		s.opts.OnConnection(c)
	}
	c.mu.Lock()
	q := c.takePollQueueLocked()
	done := c.closed && len(c.queue) == 0
	c.mu.Unlock()
	writePayload(w, q, false)
	c.recycle(q)
	if done {
		c.finish()
		return
	}
	c.startHeartbeat()
}

// servePoll answers a GET: at once with what is queued, or when something
// is, parking the request until then.
func (c *Conn) servePoll(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	if c.transport != TransportPolling {
		c.mu.Unlock()
		c.srv.refuse(w, r, CodeBadRequest)
		return
	}
	if c.pollActive {
		c.mu.Unlock()
		// The reference closes the session on overlapping polls: the
		// client is confused or the sid was leaked.
		c.close(ReasonTransportError, ErrPollOverlap, false)
		c.srv.refuse(w, r, CodeBadRequest)
		return
	}
	if c.closed && len(c.queue) == 0 && !c.noopPending && !c.probed {
		c.mu.Unlock()
		c.srv.refuse(w, r, CodeUnknownSID)
		return
	}
	c.pollActive = true
	// A GET that starts while an upgrade is being probed gets a short
	// grace period: if the upgrade completes meanwhile it is refused like
	// any GET after the upgrade, otherwise it ends with noop.
	probing := c.probed
	if len(c.queue) == 0 && !c.noopPending {
		c.pollWaiting = true
		c.mu.Unlock()
		var grace <-chan time.Time
		if probing {
			grace = time.After(upgradeGrace)
		}
		select {
		case <-c.pollCh:
			c.mu.Lock()
		case <-grace:
			c.mu.Lock()
			if c.pollWaiting {
				c.pollWaiting = false
			} else {
				<-c.pollCh // woken concurrently; the token is already there
			}
		case <-r.Context().Done():
			c.mu.Lock()
			if c.pollWaiting {
				c.pollWaiting = false
				c.pollActive = false
				c.mu.Unlock()
				c.close(ReasonTransportError, ErrPollAborted, false)
				return
			}
			<-c.pollCh // woken concurrently: answer anyway
		}
	}
	if probing && c.transport != TransportPolling {
		c.pollActive = false
		c.mu.Unlock()
		c.srv.refuse(w, r, CodeBadRequest)
		return
	}
	var q []Packet
	noop := c.noopPending || c.probed || c.transport != TransportPolling
	if noop {
		// Upgrading, upgraded or closed by the client: end this GET with
		// noop and leave the queue to the WebSocket.
		c.noopPending = false
	} else {
		q = c.takePollQueueLocked()
	}
	c.pollActive = false
	done := c.closed && len(c.queue) == 0 && c.transport == TransportPolling && c.probe == nil
	c.mu.Unlock()

	writePayload(w, q, noop)
	if q != nil {
		c.recycle(q)
	}
	if done {
		c.finish()
	}
}

// takePollQueueLocked takes the queue for a polling response. The close
// packet of a graceful close is left for the next response, as the
// reference sends it: the official client handles a close packet before
// the messages decoded with it, and would drop them.
func (c *Conn) takePollQueueLocked() []Packet {
	q := c.takeQueueLocked()
	if c.closeQueued {
		c.closeQueued = false
		c.queue = append(c.queue, Packet{Type: PacketClose})
	}
	return q
}

var noopPayload = []Packet{{Type: PacketNoop}}

// writePayload writes pkts as a polling response.
func writePayload(w http.ResponseWriter, pkts []Packet, noop bool) {
	if noop {
		pkts = noopPayload
	}
	bp := payloadBufs.Get().(*[]byte)
	b := AppendPayload((*bp)[:0], pkts)
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=UTF-8")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("Cache-Control", "no-store")
	_, _ = w.Write(b)
	if cap(b) <= 64<<10 {
		*bp = b[:0]
		payloadBufs.Put(bp)
	}
}

// serveData handles a POST: decodes the payload and hands its packets to the
// session in order.
func (c *Conn) serveData(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	switch {
	case c.closed:
		c.mu.Unlock()
		c.srv.refuse(w, r, CodeUnknownSID)
		return
	case c.transport != TransportPolling:
		c.mu.Unlock()
		c.srv.refuse(w, r, CodeBadRequest)
		return
	case c.postActive:
		c.mu.Unlock()
		c.close(ReasonTransportError, ErrPollOverlap, false)
		c.srv.refuse(w, r, CodeBadRequest)
		return
	}
	c.postActive = true
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.postActive = false
		c.mu.Unlock()
	}()

	// Revision 4 sends binary as base64 text; a binary body is a client
	// from another revision.
	if r.Header.Get("Content-Type") == "application/octet-stream" {
		c.close(ReasonTransportError, ErrInvalidPacket, false)
		c.srv.refuse(w, r, CodeBadRequest)
		return
	}
	body, err := readBody(w, r, c.srv.opts.MaxPayload)
	if err != nil {
		if errors.Is(err, ErrPayloadTooLarge) {
			// As the reference: 413, nothing of the body delivered, and
			// the session goes on. The rest of the body is not read.
			c.srv.log.Debug("engineio: payload too large", "sid", LogID(c.id), "limit", c.srv.opts.MaxPayload)
			w.Header().Set("Connection", "close")
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			return
		}
		c.close(ReasonTransportError, err, false)
		c.srv.refuse(w, r, CodeBadRequest)
		return
	}
	// A malformed payload closes the session with "parse error" after the
	// packets before the bad one, and is answered "200 ok" like any other,
	// as the reference answers it. A body that is not UTF-8 is malformed
	// too, and refused whole: none of its packets may be relayed to
	// other clients as text.
	if !utf8.Valid(body) {
		c.close(ReasonParseError, ErrInvalidUTF8, false)
	} else if err := DecodePayload(body, func(p Packet) error {
		c.onPacket(p)
		return nil
	}); err != nil {
		c.close(ReasonParseError, err, false)
	}
	h := w.Header()
	// text/html, as the reference: some user agents offer text/plain
	// bodies as downloads.
	h.Set("Content-Type", "text/html")
	h.Set("Content-Length", "2")
	h.Set("Cache-Control", "no-store")
	_, _ = io.WriteString(w, "ok")
}

// readBody reads a POST body of at most limit bytes into one exactly sized
// slice when the length is announced.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, ErrPayloadTooLarge
	}
	if r.ContentLength >= 0 {
		b := make([]byte, r.ContentLength)
		if _, err := io.ReadFull(r.Body, b); err != nil {
			return nil, err
		}
		return b, nil
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, ErrPayloadTooLarge
	}
	return b, err
}
