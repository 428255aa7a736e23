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
// let the transport write what is queued first; others drop it.
func (c *Conn) close(reason string, err error, graceful bool) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	if c.timer != nil {
		c.timer.Stop()
	}
	probe := c.probe
	c.probe = nil
	var abort *wsConn
	abortFrame, drain := false, false
	linger := false
	if !graceful {
		clear(c.queue) // drop references to message data
		c.queue = c.queue[:0]
	}
	switch c.transport {
	case TransportPolling:
		if reason == ReasonTransportClose && err == nil {
			// The client said close: end its pending GET cleanly.
			c.noopPending = true
		} else {
			c.queue = append(c.queue, Packet{Type: PacketClose})
		}
		// A graceful close without a pending GET keeps the session until
		// the client's next GET collects the close packet (on shutdown the
		// reference discards the transport instead). So does a close
		// packet racing the client's own GET, which then ends with noop
		// rather than an unknown sid.
		linger = (graceful && reason != ReasonServerShutdown || c.noopPending) && !c.pollActive
		c.kickWaitingPollLocked()
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
		default:
			// A close frame only between frames: not while someone is
			// writing.
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
	if probe != nil {
		probe.abort(ws.StatusGoingAway, false)
	}
	if drain {
		go c.writeLoop()
	}
	if abort != nil {
		_, code, _ := readCloseReason(err)
		if err == nil || reason == ReasonTransportClose {
			code = ws.StatusNormalClosure
		}
		// Neither waits: the caller may be a broadcaster.
		abort.abort(code, abortFrame)
	}
	switch {
	case c.transport == TransportWebSocket:
		c.srv.unregister(c) // finished when its socket is destroyed
	case linger:
		time.AfterFunc(c.srv.opts.PingInterval+c.srv.opts.PingTimeout, c.finish)
	default:
		c.finish()
	}
	c.srv.log.Debug("engineio: session closed", "sid", c.id, "reason", reason, "err", err)
	if runClose {
		c.runOnClose()
	}
}

func (c *Conn) kickWaitingPollLocked() {
	if c.pollWaiting {
		c.pollWaiting = false
		c.pollCh <- struct{}{}
	}
}

// kill drops the WebSocket at once, unflushed.
func (c *Conn) kill() {
	c.mu.Lock()
	wc := c.ws
	c.mu.Unlock()
	if wc != nil {
		wc.destroy()
	}
}

// abandon finishes a closed polling session still waiting for its last
// GET: at shutdown nobody waits for stragglers.
func (c *Conn) abandon() {
	c.mu.Lock()
	idle := c.closed && c.transport == TransportPolling && !c.pollActive
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
