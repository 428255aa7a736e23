package engineio

// Hooks are optional callbacks at the notable moments of a server's
// sessions, so that an application can count them (metrics, tracing)
// without this package depending on a metrics library. A nil *Hooks, or a
// nil field, is skipped. Hooks run on the engine's goroutines, sometimes
// with a session's lock held: they must be fast, must not block and must
// not call back into the server.
type Hooks struct {
	// Open is called when a session opens on transport ("polling" or
	// "websocket").
	Open func(transport string)
	// Upgrade is called when a session moves from polling to WebSocket;
	// not for one closed during the upgrade (it ends on the WebSocket,
	// but Close was already reported, with transport "polling").
	Upgrade func()
	// Close is called once when a session closes, with its transport at
	// that moment and the reason (ReasonTransportClose, ...).
	Close func(transport, reason string)
	// QueueFull is called when a session is closed because its bounded
	// send queue overflowed: a slow consumer dropped.
	QueueFull func()
	// SessionOpen and SessionClose are called once each per session, with
	// the session (its Request tells where it comes from); for accounting
	// per client address.
	SessionOpen  func(c *Conn)
	SessionClose func(c *Conn)
}

func (h *Hooks) open(transport string) {
	if h != nil && h.Open != nil {
		h.Open(transport)
	}
}

func (h *Hooks) sessionOpen(c *Conn) {
	if h != nil && h.SessionOpen != nil {
		h.SessionOpen(c)
	}
}

func (h *Hooks) sessionClose(c *Conn) {
	if h != nil && h.SessionClose != nil {
		h.SessionClose(c)
	}
}

func (h *Hooks) upgrade() {
	if h != nil && h.Upgrade != nil {
		h.Upgrade()
	}
}

func (h *Hooks) close(transport, reason string) {
	if h != nil && h.Close != nil {
		h.Close(transport, reason)
	}
}

func (h *Hooks) queueFull() {
	if h != nil && h.QueueFull != nil {
		h.QueueFull()
	}
}
