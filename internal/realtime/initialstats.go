package realtime

import (
	"context"
	"sync"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
)

// statsShareWindow is how long one read of the figures serves the sockets
// of its audience that connect after it, as long as no event is published
// meanwhile.
const statsShareWindow = 5 * time.Second

// initialStats shares the figures new sockets are sent: a reconnect storm
// brings thousands of sockets of the same few audiences (the admins, each
// vendor) at the same moment, and one read of the database serves all of
// an audience's. A socket joins a read only while the hub's cursor has not
// moved since the read began: the figures it gets then include every event
// broadcast before it joined, and the events after that reach it live
// (followed by a stats:updated), as they would with its own read.
type initialStats struct {
	mu    sync.Mutex
	reads map[int64]*statsRead // by audience: 0 for the admins, else the vendor
}

// statsRead is one read of an audience's figures, in flight or done.
type statsRead struct {
	cursor int64
	at     time.Time
	done   chan struct{}
	st     *domain.Stats
	err    error
}

// initialStatsOf returns the figures for a new socket of d's audience,
// reading them only when no shareable read exists.
func (h *Hub) initialStatsOf(d *socketData) (*domain.Stats, error) {
	audience := int64(0)
	if d.Role != domain.RoleAdmin {
		audience = d.UserID // a vendor: its own figures
	}
	h.mu.Lock()
	cursor := h.cursor
	h.mu.Unlock()
	now := time.Now()
	s := &h.initial
	s.mu.Lock()
	if s.reads == nil {
		s.reads = map[int64]*statsRead{}
	}
	r := s.reads[audience]
	if r == nil || r.cursor != cursor || now.Sub(r.at) > statsShareWindow {
		r = &statsRead{cursor: cursor, at: now, done: make(chan struct{})}
		s.reads[audience] = r
		s.mu.Unlock()
		h.counters.initialStatsReads.Add(1)
		// Not the socket's context: the read serves others, who must not
		// fail because this socket left.
		ctx, cancel := context.WithTimeout(domain.WithActor(context.Background(), d.actor()), 10*time.Second)
		r.st, r.err = h.deps.Stats.Stats(ctx)
		cancel()
		close(r.done)
		if r.err != nil {
			s.mu.Lock()
			if s.reads[audience] == r {
				delete(s.reads, audience) // the next socket tries again
			}
			s.mu.Unlock()
		}
	} else {
		s.mu.Unlock()
		<-r.done
	}
	return r.st, r.err
}
