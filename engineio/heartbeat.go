package engineio

import "time"

// startHeartbeat arms the ping timer; the first ping goes out after
// PingInterval.
func (c *Conn) startHeartbeat() {
	c.mu.Lock()
	if !c.closed && c.timer == nil {
		c.timer = time.AfterFunc(c.srv.opts.PingInterval, c.onTimer)
	}
	c.mu.Unlock()
}

// onTimer alternates between sending a ping and closing the session when
// no pong came back within PingTimeout, with one timer per connection
// rather than a goroutine. Only a pong stops the second step: a client that
// sends but never answers pings is timed out, as the spec says.
func (c *Conn) onTimer() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	timeout := c.srv.opts.PingTimeout
	if !c.awaitPong {
		c.awaitPong = true
		c.timer.Reset(timeout)
		if len(c.queue) >= c.srv.opts.SendQueue {
			c.mu.Unlock()
			c.close(ReasonTransportError, ErrQueueFull, false)
			return
		}
		c.queue = append(c.queue, Packet{Type: PacketPing})
		c.kickLocked(false)
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	c.close(ReasonPingTimeout, nil, false)
}
