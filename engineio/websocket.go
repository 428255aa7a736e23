package engineio

import (
	"bytes"
	"net/http"
	"time"

	"github.com/gobwas/ws"
)

// serveWebSocket accepts a WebSocket: a new session when c is nil, else an
// upgrade of the polling session c. The handler returns at once; reading
// goes on from the reactor, so that net/http's stack and request are not
// kept for the life of the connection.
func (s *Server) serveWebSocket(w http.ResponseWriter, r *http.Request, c *Conn) {
	wc, early, err := upgradeWebSocket(w, r, s.opts.MaxPayload, s.opts.SendBuffer)
	if err != nil {
		s.log.Debug("engineio: websocket accept failed", "err", err, "remote", r.RemoteAddr)
		return
	}
	if c != nil {
		go c.serveUpgrade(wc, early)
		return
	}
	c, ok := s.newConn(r, TransportWebSocket)
	if !ok {
		wc.abort(ws.StatusGoingAway, true)
		return
	}
	c.mu.Lock()
	c.ws, wc.owner = wc, c
	closed := c.closed
	c.mu.Unlock()
	if closed { // by Server.Close, before it could see the socket
		wc.destroy()
		return
	}
	if s.opts.OnConnection != nil {
		s.opts.OnConnection(c)
	}
	c.mu.Lock()
	c.kickLocked(true) // writes the open packet and what OnConnection queued
	c.mu.Unlock()
	c.startHeartbeat()
	wc.serve(c, early)
}

// wsFrame handles a frame of the session's WebSocket.
func (c *Conn) wsFrame(op ws.OpCode, payload []byte) error {
	switch op {
	case ws.OpText, ws.OpBinary:
		// The handlers own what they are given; payload is the read buffer.
		p, err := DecodePacket(bytes.Clone(payload), op == ws.OpBinary)
		if err != nil {
			return errParse{err}
		}
		c.onPacket(p)
	case ws.OpPing:
		// Unanswered if the queue is full: the client is not reading.
		_ = c.enqueue(Packet{Type: wsPongFrame, Data: bytes.Clone(payload)}, true)
	case ws.OpClose:
		return errStopReading
	}
	return nil
}

// errParse is an Engine.IO packet that does not decode.
type errParse struct{ err error }

func (e errParse) Error() string { return e.err.Error() }

// wsAfterRead writes what handling the read queued, the answers to the
// client first (acks, pongs): they do not wait behind a broadcast's turn
// in the writer pool.
func (c *Conn) wsAfterRead() {
	c.mu.Lock()
	if c.flushing || c.closed || len(c.queue) == 0 || c.ws == nil {
		c.mu.Unlock()
		return
	}
	c.flushing = true
	c.wantUrgent = false
	q := c.takeQueueLocked()
	wc := c.ws
	c.mu.Unlock()
	putFrameBuf(c.flushTry(wc, q, frameBufs.Get().(*[]byte)))
}

// wsReadEnd closes the session when its WebSocket stops reading, and the
// socket with it.
func (c *Conn) wsReadEnd(err error) {
	if pe, ok := err.(errParse); ok {
		c.close(ReasonParseError, pe.err, false)
	} else {
		reason, _, cause := readCloseReason(err)
		c.close(reason, cause, false)
	}
	c.mu.Lock()
	wc, owed := c.ws, c.owedClose != 0
	c.mu.Unlock()
	// Unless a pool writer still has to send the close frame (then it, or
	// the kill timer, destroys the socket).
	if wc != nil && !owed {
		wc.destroy()
	}
}

// upgradeProbe reads a WebSocket that is upgrading the polling session c:
// 2probe/3probe, then 5, after which the WebSocket is the session's
// transport and its reads go to the session.
type upgradeProbe struct {
	c     *Conn
	wc    *wsConn
	timer *time.Timer
	done  bool
}

// serveUpgrade runs the upgrade of a polling session to wc.
func (c *Conn) serveUpgrade(wc *wsConn, early []byte) {
	c.mu.Lock()
	if c.closed || c.transport != TransportPolling || c.probe != nil || c.srv.opts.DisableUpgrades {
		c.mu.Unlock()
		// Only one WebSocket per session.
		wc.abort(ws.StatusPolicyViolation, true)
		return
	}
	c.probe = wc
	c.mu.Unlock()
	u := &upgradeProbe{c: c, wc: wc}
	u.timer = time.AfterFunc(c.srv.opts.UpgradeTimeout, func() { c.abortUpgrade(wc) })
	wc.h = u
	if len(early) > 0 {
		if err := wc.consume(early, wc); err != nil {
			wc.h.wsReadEnd(err)
			return
		}
		wc.h.wsAfterRead()
	}
	if u.done {
		if !wc.watch() {
			wc.readBlocking()
		}
		return
	}
	wc.readBlocking()
}

func (u *upgradeProbe) wsFrame(op ws.OpCode, payload []byte) error {
	c, wc := u.c, u.wc
	var p Packet
	var err error
	if op == ws.OpText || op == ws.OpBinary {
		p, err = DecodePacket(payload, op == ws.OpBinary)
	} else if op == ws.OpPing || op == ws.OpPong {
		return nil
	}
	switch {
	case err == nil && op == ws.OpText && p.Type == PacketPing && string(p.Data) == "probe":
		// probed is set before the answer is written: a close from now on
		// must let the client complete the upgrade, since it may already
		// be pausing polling for it.
		c.mu.Lock()
		if c.closed || c.probe != wc {
			c.mu.Unlock()
			return errStopReading // wsReadEnd drops the probe
		}
		c.probed = true
		c.mu.Unlock()
		if _, err := wc.conn.Write(appendPackets(nil, []Packet{{Type: PacketPong, Data: []byte("probe")}})); err != nil {
			return err
		}
		c.mu.Lock()
		// End the pending GET so that the client's paused polling
		// transport drains.
		if c.pollWaiting {
			c.noopPending = true
			c.kickWaitingPollLocked()
		}
		c.mu.Unlock()
		return nil
	case err == nil && op == ws.OpText && p.Type == PacketUpgrade:
		c.mu.Lock()
		if c.probe != wc || !c.probed {
			c.mu.Unlock()
			return errStopReading // wsReadEnd drops the probe
		}
		u.timer.Stop()
		c.probe = nil
		c.probed = false
		c.transport = TransportWebSocket
		c.ws, wc.owner = wc, c
		// A pending GET sees the new transport and ends with noop.
		c.kickWaitingPollLocked()
		drain := c.closed
		if drain {
			// Closed while the client moved here: what was queued goes
			// out on the WebSocket, then the close frame, as after a
			// graceful close (the queue of any other close is empty).
			c.closeGraceful, c.flushing = true, true
		} else {
			c.srv.opts.Hooks.upgrade()
			c.kickLocked(true)
		}
		c.mu.Unlock()
		if drain {
			time.AfterFunc(c.srv.opts.PingTimeout, c.kill)
			go c.writeLoop()
		}
		c.srv.log.Debug("engineio: session upgraded", "sid", LogID(c.id))
		// What follows in this read, and every later read, is the
		// session's.
		wc.h = c
		wc.handoff = true
		u.done = true
		return nil
	}
	return errStopReading
}

func (u *upgradeProbe) wsAfterRead() {}

// wsReadEnd drops the probe: reading ended before the upgrade completed
// (once it has, the session reads).
func (u *upgradeProbe) wsReadEnd(err error) {
	u.timer.Stop()
	u.c.forgetProbe(u.wc)
	// The frame's fault when it has a code of its own (1007 for invalid
	// UTF-8, 1009, 1002), else a probe that broke the upgrade's rules.
	code := ws.StatusPolicyViolation
	if _, c, _ := readCloseReason(err); c != ws.StatusNormalClosure && c != ws.StatusPolicyViolation {
		code = c
	}
	u.wc.abort(code, true)
}

// abortUpgrade drops a WebSocket that did not complete the upgrade in
// time; the polling session goes on.
func (c *Conn) abortUpgrade(wc *wsConn) {
	if c.forgetProbe(wc) {
		wc.abort(ws.StatusPolicyViolation, false)
	}
}

// forgetProbe reports whether wc was the session's upgrade probe, which it
// no longer is. A session closed while the client was moving to the probe
// then ends on polling after all: the close packet for its next GET, after
// what is queued.
func (c *Conn) forgetProbe(wc *wsConn) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.probe != wc {
		return false
	}
	c.probe = nil
	c.probed = false
	if c.closed && c.transport == TransportPolling {
		if len(c.queue) > 0 {
			c.closeQueued = true
		} else {
			c.queue = append(c.queue, Packet{Type: PacketClose})
		}
		c.kickWaitingPollLocked()
	}
	return true
}
