package realtime

import "github.com/livedesk/livedesk/engineio"

// Counters are the hub's lifetime totals, cheap to read (no presence
// lookup, unlike Ops): metrics export them.
type Counters struct {
	Sockets                          int
	Connected, Disconnected, Refused int64
	Expired, Revoked                 int64
	Published, Sent, StatsSent       int64
	Commands, RateLimited            int64
	Recoveries, Recovered, Replayed  int64
	// ReplayLogReads counts the event-log reads replays made: one per
	// range no earlier replay left in the hub's tail of the log.
	ReplayLogReads       int64
	Resyncs, SlowDropped int64
	// SocketErrors counts connections closed by a transport or parse
	// error (the slow consumers dropped among them), for the
	// socket_errors alert rule.
	SocketErrors int64
	// InitialStatsReads counts the reads of the figures sent to new
	// sockets: one serves all of an audience's sockets connecting at once.
	InitialStatsReads int64
}

// Counters returns the hub's current totals.
func (h *Hub) Counters() Counters {
	c := &h.counters
	return Counters{
		Sockets:   h.ns.Len(),
		Connected: c.connected.Load(), Disconnected: c.disconnected.Load(), Refused: c.refused.Load(),
		Expired: c.expired.Load(), Revoked: c.revoked.Load(),
		Published: c.published.Load(), Sent: c.sent.Load(), StatsSent: c.statsSent.Load(),
		Commands: c.commands.Load(), RateLimited: c.rateLimited.Load(),
		Recoveries: c.recoveries.Load(), Recovered: c.recovered.Load(), Replayed: c.replayed.Load(), ReplayLogReads: c.logReads.Load(),
		Resyncs: c.resyncs.Load(), SlowDropped: c.slowDropped.Load(), SocketErrors: c.socketErrors.Load(),
		InitialStatsReads: c.initialStatsReads.Load(),
	}
}

// engineHooks are the Engine.IO hooks of the hub: its own count of slow
// consumers dropped, then the application's hooks (metrics), if any.
func (h *Hub) engineHooks() *engineio.Hooks {
	var hooks engineio.Hooks
	if h.opts.EngineHooks != nil {
		hooks = *h.opts.EngineHooks
	}
	// The per-address session count; the application's own session hooks,
	// if any, after it.
	open, closed := hooks.SessionOpen, hooks.SessionClose
	hooks.SessionOpen = func(c *engineio.Conn) {
		h.limits.opened(c)
		if open != nil {
			open(c)
		}
	}
	hooks.SessionClose = func(c *engineio.Conn) {
		h.limits.closed(c)
		if closed != nil {
			closed(c)
		}
	}
	onClose := hooks.Close
	hooks.Close = func(transport, reason string) {
		if reason == engineio.ReasonTransportError || reason == engineio.ReasonParseError {
			h.counters.socketErrors.Add(1)
		}
		if onClose != nil {
			onClose(transport, reason)
		}
	}
	next := hooks.QueueFull
	hooks.QueueFull = func() {
		h.counters.slowDropped.Add(1)
		if next != nil {
			next()
		}
	}
	return &hooks
}
