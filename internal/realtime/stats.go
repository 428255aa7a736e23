package realtime

import (
	"context"
	"sync"

	"github.com/livedesk/livedesk/internal/domain"
)

// statsPublisher sends stats:updated to each audience (admins, and each
// connected vendor) at most once per interval, and never a figure older
// than one already sent: Stats.Seq must grow.
type statsPublisher struct {
	h *Hub

	mu      sync.Mutex
	vendors map[int64]*domain.Actor // vendors with sockets, to compute their own figures
	dirty   map[int64]bool          // audiences to refresh; 0 = admins
	lastSeq map[int64]int64
	run     *coalescer
}

func newStatsPublisher(h *Hub) *statsPublisher {
	p := &statsPublisher{h: h, vendors: map[int64]*domain.Actor{}, dirty: map[int64]bool{}, lastSeq: map[int64]int64{}}
	p.run = newCoalescer(h.opts.StatsInterval, p.publish)
	return p
}

// watch remembers a vendor so that its figures are refreshed on change.
func (p *statsPublisher) watch(a *domain.Actor) {
	if a.Role != domain.RoleVendor {
		return
	}
	p.mu.Lock()
	p.vendors[a.UserID] = a
	p.mu.Unlock()
}

// changed marks the admins' figures, and the vendor's when there is one.
func (p *statsPublisher) changed(vendorID int64) {
	p.mu.Lock()
	p.dirty[0] = true
	if vendorID != 0 {
		p.dirty[vendorID] = true
	}
	p.mu.Unlock()
	p.run.trigger()
}

func (p *statsPublisher) stop() { p.run.stop() }

func (p *statsPublisher) publish() {
	p.mu.Lock()
	dirty := p.dirty
	p.dirty = map[int64]bool{}
	p.mu.Unlock()
	for id := range dirty {
		actor, room := domain.SystemActor(), roomAdmins
		if id != 0 {
			p.mu.Lock()
			actor = p.vendors[id]
			p.mu.Unlock()
			if actor == nil {
				continue // no socket of that vendor was ever here
			}
			room = roomVendor(id)
		}
		ctx := domain.WithActor(context.Background(), actor)
		st, err := p.h.deps.Stats.Stats(ctx)
		if err != nil {
			p.h.log.Warn("realtime: failed to compute stats", "audience", room, "err", err)
			continue
		}
		p.mu.Lock()
		stale := st.Seq < p.lastSeq[id]
		if !stale {
			p.lastSeq[id] = st.Seq
		}
		p.mu.Unlock()
		if stale {
			continue
		}
		_ = p.h.ns.Local().To(room).Emit(ctx, EventStats, StatsPayload{Stats: st, At: p.h.opts.Now().UTC()})
		p.h.counters.statsSent.Add(1)
	}
}
