package realtime

import (
	"context"
	"sync/atomic"
)

// counters are the hub's lifetime figures for the operations view.
type counters struct {
	connected, disconnected, refused, expired, revoked atomic.Int64
	published, sent, statsSent                         atomic.Int64
	commands, rateLimited                              atomic.Int64
	recoveries, recovered, replayed, resyncs           atomic.Int64
	logReads                                           atomic.Int64 // replays' reads of the log (see logTail)
	slowDropped, socketErrors                          atomic.Int64
	presenceSent                                       atomic.Int64 // presence:updated broadcasts (coalesced)
	initialStatsReads                                  atomic.Int64 // reads of the figures for new sockets (see initialStats)
}

// Ops is the live operations view served at GET /api/ops (admins only).
type Ops struct {
	Sockets      int             `json:"sockets"`
	AdminsOnline []PresenceAdmin `json:"adminsOnline"`
	Cursor       int64           `json:"cursor"`
	Connected    int64           `json:"connectedTotal"`
	Disconnected int64           `json:"disconnectedTotal"`
	Refused      int64           `json:"refusedTotal"`
	Expired      int64           `json:"expiredTotal"`
	Revoked      int64           `json:"revokedTotal"`
	Published    int64           `json:"eventsPublished"`
	Sent         int64           `json:"messagesBroadcast"`
	StatsSent    int64           `json:"statsBroadcast"`
	Commands     int64           `json:"commands"`
	RateLimited  int64           `json:"rateLimited"`
	Recoveries   int64           `json:"recoveryAttempts"`
	Recovered    int64           `json:"recoverySuccesses"`
	Replayed     int64           `json:"replayedMessages"`
	Resyncs      int64           `json:"resyncsRequired"`
	// EventRate is the mean number of events published per second over
	// the last minute.
	EventRate float64 `json:"eventsPerSecond"`
	// SlowDropped counts connections closed because their send queue
	// overflowed: clients too slow to keep up, dropped rather than allowed
	// to stall broadcasts.
	SlowDropped int64 `json:"slowConsumersDropped"`
}

// Ops returns the hub's current figures.
func (h *Hub) Ops(ctx context.Context) Ops {
	h.mu.Lock()
	cursor := h.cursor
	h.mu.Unlock()
	admins, _ := h.presence(ctx)
	c := &h.counters
	return Ops{
		Sockets: h.ns.Len(), AdminsOnline: admins, Cursor: cursor,
		Connected: c.connected.Load(), Disconnected: c.disconnected.Load(), Refused: c.refused.Load(),
		Expired: c.expired.Load(), Revoked: c.revoked.Load(), Published: c.published.Load(),
		Sent: c.sent.Load(), StatsSent: c.statsSent.Load(), Commands: c.commands.Load(),
		RateLimited: c.rateLimited.Load(), Recoveries: c.recoveries.Load(), Recovered: c.recovered.Load(),
		Replayed: c.replayed.Load(), Resyncs: c.resyncs.Load(),
		EventRate: h.rate.perSecond(h.opts.Now()), SlowDropped: c.slowDropped.Load(),
	}
}
