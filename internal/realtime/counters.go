package realtime

// Counters are the hub's lifetime totals, cheap to read (no presence
// lookup, unlike Ops): metrics export them.
type Counters struct {
	Sockets                          int
	Connected, Disconnected, Refused int64
	Expired, Revoked                 int64
	Published, Sent, StatsSent       int64
	Commands, RateLimited            int64
	Recoveries, Recovered, Replayed  int64
	Resyncs                          int64
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
		Resyncs: c.resyncs.Load(),
	}
}
