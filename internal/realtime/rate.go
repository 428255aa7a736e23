package realtime

import (
	"sync"
	"time"
)

// rateMeter counts events per second over the last minute, for the
// operations view's event rate: 60 one-second buckets, no goroutine.
type rateMeter struct {
	mu      sync.Mutex
	buckets [60]struct {
		sec int64
		n   int64
	}
}

func (m *rateMeter) add(now time.Time) {
	sec := now.Unix()
	m.mu.Lock()
	b := &m.buckets[sec%60]
	if b.sec != sec {
		b.sec, b.n = sec, 0
	}
	b.n++
	m.mu.Unlock()
}

// perSecond is the mean rate over the 60 seconds before now.
func (m *rateMeter) perSecond(now time.Time) float64 {
	sec := now.Unix()
	m.mu.Lock()
	defer m.mu.Unlock()
	var total int64
	for _, b := range m.buckets {
		if b.sec > sec-60 && b.sec <= sec {
			total += b.n
		}
	}
	return float64(total) / 60
}
