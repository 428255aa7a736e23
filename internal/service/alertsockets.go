package service

import (
	"fmt"
	"hash/fnv"
	"sync"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
)

// SocketStats are one instance's lifetime socket totals (the real-time
// hub's counters), for the socket_errors rule. The service does not know
// the hub: the caller reads them (see AlertInputs).
type SocketStats struct {
	Instance    string // the instance's --instance-id: the alert's subject
	SlowDropped int64  // connections closed because their send queue overflowed
	Errors      int64  // connections closed by a transport or parse error (drops included)
}

// InstanceSubject is the subject of an instance's socket_errors alert:
// entity "instance" and a number derived from its name (32 bits, so that
// it stays exact in JavaScript).
func InstanceSubject(instance string) domain.AlertSubject {
	h := fnv.New32a()
	h.Write([]byte(instance))
	return domain.AlertSubject{Entity: "instance", ID: int64(h.Sum32())}
}

// socketWindow keeps this instance's recent socket totals, to turn the
// hub's lifetime counters into counts within the rule's window. Samples
// are in memory: each instance judges its own sockets.
type socketWindow struct {
	mu      sync.Mutex
	samples []socketSample // oldest first
}

type socketSample struct {
	at              time.Time
	dropped, errors int64
}

// add records st at now and returns how many drops and errors happened
// within the window ending at now: the totals now less those of the
// newest sample at least window old (or the oldest kept, when the
// instance has not been watched that long).
func (w *socketWindow) add(st SocketStats, now time.Time, window time.Duration) (dropped, errors int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if n := len(w.samples); n > 0 {
		last := w.samples[n-1]
		if st.SlowDropped < last.dropped || st.Errors < last.errors || now.Before(last.at) {
			w.samples = nil // the counters or the clock started again
		}
	}
	w.samples = append(w.samples, socketSample{at: now, dropped: st.SlowDropped, errors: st.Errors})
	// Keep one sample at or before the start of the window: the baseline.
	start := now.Add(-window)
	i := 0
	for i+1 < len(w.samples) && !w.samples[i+1].at.After(start) {
		i++
	}
	w.samples = w.samples[i:]
	base := w.samples[0]
	return st.SlowDropped - base.dropped, st.Errors - base.errors
}

// socketFindings judges this instance's sockets against the rule.
func (s *service) socketFindings(st SocketStats, r domain.SocketErrorsRule, now time.Time) []finding {
	window := time.Duration(r.WindowSeconds) * time.Second
	dropped, errs := s.sockets.add(st, now, window)
	overDropped, overErrors := dropped > int64(r.MaxDropped), errs > int64(r.MaxErrors)
	if !overDropped && !overErrors {
		return nil
	}
	name := st.Instance
	if name == "" {
		name = "livedesk"
	}
	// Counts are given on a 1-2-5 scale ("20+"): the alert is updated
	// when the trouble grows or shrinks markedly, not at every evaluation.
	msg := fmt.Sprintf("Instance %s: %s slow consumers dropped and %s socket errors in the last %s (limits %d and %d)",
		name, atLeast(dropped), atLeast(errs), windowText(window), r.MaxDropped, r.MaxErrors)
	sev := domain.SeverityWarning
	if (overDropped && dropped > 10*int64(r.MaxDropped)+10) || (overErrors && errs > 10*int64(r.MaxErrors)+10) {
		sev = domain.SeverityCritical
	}
	return []finding{{Subject: InstanceSubject(st.Instance), Severity: sev, Message: msg}}
}

// atLeast writes n on a 1-2-5 scale: "0", "7", "10+", "20+", "50+", "100+".
func atLeast(n int64) string {
	if n < 10 {
		return fmt.Sprint(n)
	}
	best := int64(10)
	for step := int64(10); step <= n && step < 1e17; step *= 10 {
		for _, m := range []int64{1, 2, 5} {
			if step*m <= n {
				best = step * m
			}
		}
	}
	return fmt.Sprintf("%d+", best)
}

// windowText writes a window as "5 minutes", "90 seconds" or "2 hours".
func windowText(d time.Duration) string {
	switch {
	case d%time.Hour == 0 && d >= time.Hour:
		return plural(int(d/time.Hour), "hour")
	case d%time.Minute == 0 && d >= time.Minute:
		return plural(int(d/time.Minute), "minute")
	}
	return plural(int(d/time.Second), "second")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
