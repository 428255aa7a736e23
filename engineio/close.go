package engineio

import (
	"time"

	"github.com/gobwas/ws"
)

// Close reasons passed to OnClose, as named by the reference server.
const (
	ReasonTransportClose = "transport close"
	ReasonTransportError = "transport error"
	ReasonPingTimeout    = "ping timeout"
	ReasonParseError     = "parse error"
	ReasonForcedClose    = "forced close"
	ReasonServerShutdown = "server shutting down"
)

// close ends the session once. graceful closes (Close, server shutdown)
// let the transport write what is queued first; others drop it. OnClose
// runs on the caller's goroutine (or, if a message is being handled, on the
// one handling it, when done).
func (c *Conn) close(reason string, err error, graceful bool) {
	if c.shut(reason, err, graceful) {
		c.runOnClose()
	}
}

// closeDetached is close for a sender that overflowed the queue: OnClose
// (which may save a session, leave rooms, wait on a store) runs in a
// goroutine of its own, so that a broadcast to N slow clients never waits
// for N close handlers. The connection is closed when it returns.
func (c *Conn) closeDetached(reason string, err error) {
	if c.shut(reason, err, false) {
		go c.runOnClose()
	}
}

// shut closes the session, once, and reports whether the caller must
// call runOnClose (it then holds deliverMu).
func (c *Conn) shut(reason string, err error, graceful bool) bool {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return false
	}
	c.closed = true
	if c.timer != nil {
		c.timer.Stop()
	}
	var probe *wsConn // an upgrade probe to drop
	var abort *wsConn
	abortFrame, drain := false, false
	linger := false
	if !graceful {
		clear(c.queue) // drop references to message data
		c.queue = c.queue[:0]
	}
	switch c.transport {
	case TransportPolling:
		clientClose := reason == ReasonTransportClose && err == nil
		upgrading := c.probe != nil && c.probed && !clientClose
		if c.probe != nil && !upgrading {
			// Not answered yet: the client still polls, and drops the
			// probe when it fails. (Or the client closed: it drops its
			// probe anyway.)
			probe, c.probe, c.probed = c.probe, nil, false
		}
		switch {
		case clientClose:
			// The client said close: end its pending GET cleanly.
			c.noopPending = true
		case upgrading:
			// The client was told that the probe works: it pauses
			// polling (its pending GET ends with noop) and moves to the
			// WebSocket, so it would miss a close packet sent on polling,
			// or a probe dropped under it. The upgrade completes and the
			// session ends on the WebSocket (see upgradeProbe); if the
			// upgrade fails, on polling after all (forgetProbe).
			linger = true
		case graceful && len(c.queue) > 0:
			// The close packet goes in a response of its own, after the
			// messages (see takePollQueueLocked).
			c.closeQueued = true
		default:
			c.queue = append(c.queue, Packet{Type: PacketClose})
		}
		// A graceful close without a pending GET keeps the session until
		// the client's next GET collects the close packet (on shutdown the
		// reference discards the transport instead). So does a close
		// packet racing the client's own GET, which then ends with noop
		// rather than an unknown sid, and a close packet that waits for
		// the GET after the one collecting the messages.
		linger = linger || (graceful && reason != ReasonServerShutdown || c.noopPending) && !c.pollActive || c.closeQueued
		if !upgrading {
			c.kickWaitingPollLocked()
		}
	case TransportWebSocket:
		switch {
		case c.ws == nil:
			// serveWebSocket has not attached the socket yet; it will
			// see closed.
		case graceful:
			c.closeGraceful = true
			if !c.flushing {
				c.flushing = true
				drain = true
			}
			// A client that does not read must not keep the flush, and
			// its goroutine, alive forever.
			time.AfterFunc(c.srv.opts.PingTimeout, c.kill)
		case c.flushing && !c.blockingFlush:
			// A pool writer is writing without blocking, for a moment:
			// a close frame must not cut into its frames, so it sends
			// the frame when done (writeLoop), and the client learns
			// why (1007 for invalid UTF-8...).
			c.owedClose = closeCode(reason, err)
			time.AfterFunc(c.srv.opts.PingTimeout, c.kill)
		default:
			// A close frame only between frames: not while writeLoop
			// may be blocked in the middle of one.
			abort, abortFrame = c.ws, !c.flushing
			c.flushing = true
		}
	}
	c.closeReason, c.closeErr = reason, err
	runClose := c.claimCloseLocked()
	transport := c.transport
	c.mu.Unlock()

	c.srv.count.Add(-1)
	c.srv.opts.Hooks.close(transport, reason)
	c.srv.opts.Hooks.sessionClose(c)
	if probe != nil {
		// Told with a close frame: nothing else writes to an unanswered
		// probe (its answer is only written once probed is set).
		probe.abort(ws.StatusGoingAway, true)
	}
	if drain {
		go c.writeLoop()
	}
	if abort != nil {
		// Neither waits: the caller may be a broadcaster.
		abort.abort(closeCode(reason, err), abortFrame)
	}
	switch {
	case transport == TransportWebSocket:
		c.srv.unregister(c) // finished when its socket is destroyed
	case linger:
		time.AfterFunc(c.srv.opts.PingInterval+c.srv.opts.PingTimeout, c.finish)
	default:
		c.finish()
	}
	c.srv.log.Debug("engineio: session closed", "sid", LogID(c.id), "reason", reason, "err", err)
	return runClose
}

// closeCode is the WebSocket close code for a session closed with reason
// and err.
func closeCode(reason string, err error) ws.StatusCode {
	if err == nil || reason == ReasonTransportClose {
		return ws.StatusNormalClosure
	}
	_, code, _ := readCloseReason(err)
	return code
}

func (c *Conn) kickWaitingPollLocked() {
	if c.pollWaiting {
		c.pollWaiting = false
		c.pollCh <- struct{}{}
	}
}

// kill drops the WebSocket at once, unflushed, or forgets a polling
// session still waiting for its last GET.
func (c *Conn) kill() {
	c.mu.Lock()
	wc, probe := c.ws, c.probe
	polling := c.transport == TransportPolling
	c.mu.Unlock()
	if wc != nil {
		wc.destroy()
	}
	if probe != nil {
		probe.destroy()
	}
	if polling {
		c.finish()
	}
}

// abandon finishes a closed polling session still waiting for its last
// GET: at shutdown nobody waits for stragglers. One completing its upgrade
// is left to end on its WebSocket.
func (c *Conn) abandon() {
	c.mu.Lock()
	idle := c.closed && c.transport == TransportPolling && !c.pollActive && c.probe == nil
	c.mu.Unlock()
	if idle {
		c.finish()
	}
}

// finish forgets the session for good.
func (c *Conn) finish() {
	c.finishOne.Do(func() {
		c.srv.unregister(c)
		c.srv.live.Done()
	})
}

// claimCloseLocked decides who calls OnClose: the caller, right away, if no
// message is being handled (it then holds deliverMu and must call
// runOnClose), else the goroutine handling it, once done.
func (c *Conn) claimCloseLocked() bool {
	if c.onClose == nil || c.notified {
		return false
	}
	if c.deliverMu.TryLock() {
		c.notified = true
		return true
	}
	c.closePending = true
	return false
}

// runOnClose calls OnClose; deliverMu must be held, and is released.
func (c *Conn) runOnClose() {
	defer c.deliverMu.Unlock()
	c.onClose(c.closeReason, c.closeErr)
}
