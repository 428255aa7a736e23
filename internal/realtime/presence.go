package realtime

import (
	"slices"
	"sync"
	"time"
)

// PresenceAdmin is one admin currently connected.
type PresenceAdmin struct {
	ID    int64     `json:"id"`
	Name  string    `json:"name"`
	Since time.Time `json:"since"`
}

// PresencePayload is the payload of presence:updated.
type PresencePayload struct {
	Admins []PresenceAdmin `json:"admins"`
}

// presence counts the connected sockets of each admin, so an admin with
// three tabs (or three devices) is online until the last one leaves.
type presence struct {
	mu     sync.Mutex
	admins map[int64]*presenceEntry
}

type presenceEntry struct {
	PresenceAdmin
	sockets int
}

func newPresence() *presence { return &presence{admins: make(map[int64]*presenceEntry)} }

// join records one more socket of the admin and reports whether the set of
// online admins changed.
func (p *presence) join(id int64, name string, now time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if e, ok := p.admins[id]; ok {
		e.sockets++
		return false
	}
	p.admins[id] = &presenceEntry{PresenceAdmin: PresenceAdmin{ID: id, Name: name, Since: now.UTC()}, sockets: 1}
	return true
}

// leave records one socket fewer and reports whether the admin went offline.
func (p *presence) leave(id int64) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.admins[id]
	if !ok {
		return false
	}
	if e.sockets--; e.sockets > 0 {
		return false
	}
	delete(p.admins, id)
	return true
}

// list returns the online admins, longest online first.
func (p *presence) list() []PresenceAdmin {
	p.mu.Lock()
	out := make([]PresenceAdmin, 0, len(p.admins))
	for _, e := range p.admins {
		out = append(out, e.PresenceAdmin)
	}
	p.mu.Unlock()
	slices.SortFunc(out, func(a, b PresenceAdmin) int {
		if c := a.Since.Compare(b.Since); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	return out
}
