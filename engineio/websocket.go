package engineio

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// frameBufs recycles the scratch buffers that text frames are assembled in,
// so that "4"+data goes out as one frame without a per-message allocation.
var frameBufs = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// serveWebSocket accepts a WebSocket: a new session when c is nil, else an
// upgrade of the polling session c.
func (s *Server) serveWebSocket(w http.ResponseWriter, r *http.Request, c *Conn) {
	sb := &smallBuffers{ResponseWriter: w}
	ws, err := websocket.Accept(sb, r, &websocket.AcceptOptions{
		// The origin was checked by Options.CheckOrigin already.
		InsecureSkipVerify: true,
		CompressionMode:    websocket.CompressionDisabled,
	})
	if err != nil {
		s.log.Debug("engineio: websocket accept failed", "err", err, "remote", r.RemoteAddr)
		return
	}
	ws.SetReadLimit(s.opts.MaxPayload)
	// The handler returns and reading goes on in a new goroutine: the
	// handler's stack, grown by net/http, and the request it pins would
	// otherwise stay allocated for the life of the connection.
	if c != nil {
		go c.serveUpgrade(ws, sb.cork)
		return
	}
	c, ok := s.newConn(r, TransportWebSocket)
	if !ok {
		_ = ws.Close(websocket.StatusGoingAway, "server shutting down")
		return
	}
	c.mu.Lock()
	c.ws, c.cork = ws, sb.cork
	c.mu.Unlock()
	if s.opts.OnConnection != nil {
		s.opts.OnConnection(c)
	}
	c.mu.Lock()
	c.kickLocked() // writes the open packet and what OnConnection queued
	c.mu.Unlock()
	c.startHeartbeat()
	go c.readLoop(ws)
}

// readLoop runs for as long as ws is the session's transport.
func (c *Conn) readLoop(ws *websocket.Conn) {
	defer c.finish()
	ctx := context.Background()
	for {
		typ, data, err := ws.Read(ctx)
		if err != nil {
			c.close(readCloseReason(err))
			return
		}
		p, err := DecodePacket(data, typ == websocket.MessageBinary)
		if err != nil {
			c.close(ReasonParseError, err, false)
			return
		}
		c.onPacket(p)
	}
}

// readCloseReason classifies a read error: the peer closing is a
// "transport close", anything else (oversized message, broken framing) a
// "transport error".
func readCloseReason(err error) (string, error, bool) {
	switch {
	case errors.Is(err, websocket.ErrMessageTooBig):
		return ReasonTransportError, ErrPayloadTooLarge, false
	case websocket.CloseStatus(err) != -1, errors.Is(err, io.EOF):
		return ReasonTransportClose, nil, false
	}
	return ReasonTransportError, err, false
}

// writeLoop writes the queue to ws until it is empty, then exits: an idle
// connection costs no goroutine. It takes over from the writer pool when a
// write must wait for the peer (finishing the pool's partial flush first)
// or the connection is closing. After a graceful close it ends the
// WebSocket once everything queued is written.
func (c *Conn) writeLoop(ws *websocket.Conn, cork *corkConn) {
	bp := frameBufs.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= 64<<10 {
			*bp = (*bp)[:0]
			frameBufs.Put(bp)
		}
	}()
	var err error
	if cork != nil {
		err = cork.uncork()
	}
	for err == nil {
		c.mu.Lock()
		if len(c.queue) == 0 {
			c.writing = false
			closed := c.closed
			c.mu.Unlock()
			if closed {
				_ = ws.Close(websocket.StatusNormalClosure, "")
			}
			return
		}
		q := c.takeQueueLocked()
		c.mu.Unlock()
		batch := len(q) > 1 && cork != nil
		if batch {
			cork.cork()
		}
		err = c.writePackets(ws, q, bp)
		if batch {
			if uerr := cork.uncork(); err == nil {
				err = uerr
			}
		}
		if err == nil {
			c.recycle(q)
		}
	}
	c.writeFailed(err)
}

// serveUpgrade runs the upgrade of a polling session to ws: 2probe/3probe,
// then 5, after which ws becomes the session's transport.
func (c *Conn) serveUpgrade(ws *websocket.Conn, cork *corkConn) {
	c.mu.Lock()
	if c.closed || c.transport != TransportPolling || c.probe != nil || c.srv.opts.DisableUpgrades {
		c.mu.Unlock()
		// Only one WebSocket per session.
		_ = ws.Close(websocket.StatusPolicyViolation, "transport has already been upgraded")
		return
	}
	c.probe = ws
	c.mu.Unlock()

	timer := time.AfterFunc(c.srv.opts.UpgradeTimeout, func() { c.abortUpgrade(ws) })
	defer timer.Stop()
	ctx := context.Background()
	for {
		typ, data, err := ws.Read(ctx)
		if err != nil {
			c.abortUpgrade(ws)
			return
		}
		p, err := DecodePacket(data, typ == websocket.MessageBinary)
		switch {
		case err == nil && p.Type == PacketPing && string(p.Data) == "probe":
			if err := ws.Write(ctx, websocket.MessageText, []byte("3probe")); err != nil {
				c.abortUpgrade(ws)
				return
			}
			c.mu.Lock()
			c.probed = true
			// End the pending GET so that the client's paused polling
			// transport drains.
			if c.pollWaiting {
				c.noopPending = true
				c.kickWaitingPollLocked()
			}
			c.mu.Unlock()
		case err == nil && p.Type == PacketUpgrade:
			c.mu.Lock()
			if c.closed || c.probe != ws || !c.probed {
				c.mu.Unlock()
				c.abortUpgrade(ws)
				return
			}
			timer.Stop()
			c.probe = nil
			c.probed = false
			c.transport = TransportWebSocket
			c.srv.opts.Hooks.upgrade()
			c.ws, c.cork = ws, cork
			// A pending GET sees the new transport and ends with noop.
			c.kickWaitingPollLocked()
			c.kickLocked()
			c.mu.Unlock()
			c.srv.log.Debug("engineio: session upgraded", "sid", c.id)
			c.readLoop(ws)
			return
		default:
			c.abortUpgrade(ws)
			return
		}
	}
}

// abortUpgrade drops a WebSocket that did not complete the upgrade; the
// polling session goes on.
func (c *Conn) abortUpgrade(ws *websocket.Conn) {
	c.mu.Lock()
	if c.probe == ws {
		c.probe = nil
		c.probed = false
	}
	c.mu.Unlock()
	_ = ws.CloseNow()
}
