package realtime

import (
	"context"
	"sync"

	"github.com/livedesk/livedesk/internal/domain"
)

// logTail is the end of the event log as this hub knows it: the events it
// published last and those it read for replays, consecutive by seq, at
// most max of them (a quarter more between trims), each with its messages
// built once. Sockets recovering
// together — every dashboard of an instance that restarted, reconnecting
// within seconds from nearby offsets — replay from it: the first one to
// miss reads the range from the database for all of them (fill), the
// others wait for that read instead of each reading the log themselves
// and building the same messages again.
type logTail struct {
	mu      sync.Mutex
	entries []*tailEntry // consecutive seqs
	max     int

	fill sync.Mutex // one database read at a time; waiters then find its events here
}

// tailEntry is one event of the tail and, once asked for, its messages.
type tailEntry struct {
	ev   *domain.Event
	once sync.Once
	msgs []Message
	err  error
}

// messages returns the event's messages (audience-independent), built on
// first use.
func (e *tailEntry) messages() ([]Message, error) {
	e.once.Do(func() { e.msgs, e.err = Messages(e.ev) })
	return e.msgs, e.err
}

func newLogTail(max int) *logTail { return &logTail{max: max} }

// add appends an event the hub published (called in seq order).
func (t *logTail) add(ev *domain.Event) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if n := len(t.entries); n > 0 && ev.Seq != t.entries[n-1].ev.Seq+1 {
		if ev.Seq <= t.entries[n-1].ev.Seq {
			return
		}
		t.entries = t.entries[:0] // a gap: the tail restarts here
	}
	t.entries = append(t.entries, &tailEntry{ev: ev})
	// Trimmed back to max once a quarter over it: add runs under the
	// hub's lock, and a full tail must not copy itself on every event.
	if over := len(t.entries) - t.max; over > t.max/4 {
		t.entries = append(t.entries[:0:0], t.entries[over:]...)
	}
}

// between returns the entries after..upto (seq after+1 to upto) when the
// tail holds all of them.
func (t *logTail) between(after, upto int64) ([]*tailEntry, bool) {
	if after >= upto {
		return nil, true
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(t.entries)
	if n == 0 || t.entries[0].ev.Seq > after+1 || t.entries[n-1].ev.Seq < upto {
		return nil, false
	}
	first := t.entries[0].ev.Seq
	return append([]*tailEntry(nil), t.entries[after+1-first:upto-first+1]...), true
}

// prepend puts events read from the log (consecutive, ending just before
// the tail or inside it) in front of the tail, when there is room.
func (t *logTail) prepend(evs []*domain.Event) {
	if len(evs) == 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	last := evs[len(evs)-1].Seq
	if n := len(t.entries); n > 0 {
		first := t.entries[0].ev.Seq
		if last < first-1 || evs[0].Seq >= first {
			return // not adjacent, or nothing new
		}
		evs = evs[:len(evs)-int(last-first+1)] // drop what the tail has
	}
	if len(evs)+len(t.entries) > t.max {
		return
	}
	head := make([]*tailEntry, 0, len(evs)+len(t.entries))
	for _, ev := range evs {
		head = append(head, &tailEntry{ev: ev})
	}
	t.entries = append(head, t.entries...)
}

// logBetween returns the events after..upto for a replay, from the tail or
// else read once from the log (with the system actor: the replay chooses
// what each socket may see) and kept in the tail for the sockets that
// follow.
func (h *Hub) logBetween(ctx context.Context, after, upto int64) ([]*tailEntry, error) {
	if es, ok := h.tail.between(after, upto); ok {
		return es, nil
	}
	h.tail.fill.Lock()
	defer h.tail.fill.Unlock()
	if es, ok := h.tail.between(after, upto); ok {
		return es, nil // read by the socket before this one
	}
	sys := domain.WithActor(ctx, domain.SystemActor())
	var read []*domain.Event
	for cur := after; cur < upto; {
		evs, err := h.deps.Events.EventsAfter(sys, cur, 500)
		if err != nil {
			return nil, err
		}
		for _, ev := range evs {
			if ev.Seq > upto {
				break
			}
			read = append(read, ev)
			cur = ev.Seq
		}
		if len(evs) < 500 || (len(evs) > 0 && evs[len(evs)-1].Seq >= upto) {
			break
		}
	}
	h.counters.logReads.Add(1)
	h.tail.prepend(read)
	if es, ok := h.tail.between(after, upto); ok {
		return es, nil
	}
	es := make([]*tailEntry, len(read)) // no room in the tail: this replay's own
	for i, ev := range read {
		es[i] = &tailEntry{ev: ev}
	}
	return es, nil
}
