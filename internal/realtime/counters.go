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
	Resyncs, SlowDropped             int64
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
		Recoveries: c.recoveries.Load(), Recovered: c.recovered.Load(), Replayed: c.replayed.Load(),
		Resyncs: c.resyncs.Load(), SlowDropped: c.slowDropped.Load(),
	}
}

// engineHooks are the Engine.IO hooks of the hub: its own count of slow
// consumers dropped, then the application's hooks (metrics), if any.
func (h *Hub) engineHooks() *engineio.Hooks {
	var hooks engineio.Hooks
	if h.opts.EngineHooks != nil {
		hooks = *h.opts.EngineHooks
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
