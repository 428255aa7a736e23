package service

import (
	"fmt"
	"sync"
	"time"
)

// securityThrottle bounds the security events that anybody, logged in or
// not, can cause (failed logins, refused tokens and sockets), so that an
// attacker cannot fill the database or the admins' screens:
//
//   - per key (kind, client address, account): the first event of a
//     window (securityWindow) is written; the others in that window are
//     only counted, and the count is added to the detail of the next event
//     written for the key ("and N more ... not recorded one by one");
//   - per instance: at most securityBudget such writes per window over all
//     keys; the excess is counted and reported with the next written one;
//   - at most securityKeys keys are tracked; past that, events count
//     against the instance's excess.
//
// The bound is per instance: a cluster of n instances writes at most n ×
// securityBudget noisy events per window. Account changes and refresh-token
// reuse are never throttled (only a logged-in admin, or a token holder, can
// cause them, and each one matters).
type securityThrottle struct {
	mu          sync.Mutex
	keys        map[string]*burst
	windowStart time.Time
	written     int
	dropped     int
}

type burst struct {
	start   time.Time // when the key's window began (its last written event)
	skipped int       // events of the key not written since
	first   time.Time // the first skipped one
	last    time.Time // the last skipped one
}

const (
	securityWindow = time.Minute
	securityBudget = 120
	securityKeys   = 10000
)

func newSecurityThrottle() *securityThrottle {
	return &securityThrottle{keys: map[string]*burst{}}
}

// admit reports whether an event of key at now is written, and the note
// to add to its detail.
func (t *securityThrottle) admit(key string, now time.Time) (write bool, note string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if now.Sub(t.windowStart) >= securityWindow || now.Before(t.windowStart) {
		t.windowStart, t.written = now, 0
	}
	b := t.keys[key]
	if b != nil && now.Sub(b.start) < securityWindow && !now.Before(b.start) {
		if b.skipped == 0 {
			b.first = now
		}
		b.skipped++
		b.last = now
		return false, ""
	}
	if t.written >= securityBudget {
		t.dropped++
		return false, ""
	}
	if b == nil {
		if len(t.keys) >= securityKeys {
			t.prune(now)
		}
		if len(t.keys) >= securityKeys {
			t.dropped++
			return false, ""
		}
		b = &burst{}
		t.keys[key] = b
	}
	if b.skipped > 0 {
		note = fmt.Sprintf("(and %d more like this from %s to %s, not recorded one by one)",
			b.skipped, b.first.UTC().Format(time.RFC3339), b.last.UTC().Format(time.RFC3339))
	}
	if t.dropped > 0 {
		note += fmt.Sprintf(" (%d other refused attempts were not recorded: too many at once)", t.dropped)
		t.dropped = 0
	}
	b.start, b.skipped = now, 0
	t.written++
	return true, note
}

// prune forgets keys whose window ended with nothing skipped.
func (t *securityThrottle) prune(now time.Time) {
	for k, b := range t.keys {
		if now.Sub(b.start) >= securityWindow && b.skipped == 0 {
			delete(t.keys, k)
		}
	}
}
