package auth

import (
	"math"
	"sync"
	"time"
)

// Limiter is an in-memory token bucket per key (a client address, an
// account). Each key starts with burst tokens and regains one every per.
// It is safe for concurrent use; idle keys are forgotten so the map cannot
// grow without bound under a flood of distinct keys.
type Limiter struct {
	burst float64
	per   time.Duration
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

// NewLimiter returns a limiter allowing bursts of burst and then one event
// every per. now is the clock (time.Now when nil).
func NewLimiter(burst int, per time.Duration, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	if burst < 1 {
		burst = 1
	}
	if per <= 0 {
		per = time.Second
	}
	return &Limiter{burst: float64(burst), per: per, now: now, buckets: map[string]*bucket{}}
}

// Allow takes a token from key's bucket. When the bucket is empty it takes
// nothing and returns false with the wait until a token is back.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	return l.take(key, true)
}

// Check reports, without taking a token, whether key has one left, and if
// not how long until it does.
func (l *Limiter) Check(key string) (bool, time.Duration) {
	return l.take(key, false)
}

// Refund gives back a token taken by Allow (never beyond the burst): a
// caller that reserves before an outcome is known refunds when it turns
// out not to count, so that concurrent attempts cannot all slip past a
// check made before any of them is counted.
func (l *Limiter) Refund(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		return
	}
	now := l.now()
	l.refill(b, now)
	b.tokens = math.Min(l.burst, b.tokens+1)
}

func (l *Limiter) take(key string, consume bool) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	b := l.buckets[key]
	if b == nil {
		if !consume {
			return true, 0
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	l.refill(b, now)
	if b.tokens < 1 {
		wait := time.Duration(math.Ceil((1 - b.tokens) * float64(l.per)))
		return false, wait
	}
	if consume {
		b.tokens--
	}
	return true, 0
}

func (l *Limiter) refill(b *bucket, now time.Time) {
	if el := now.Sub(b.at); el > 0 {
		b.tokens = math.Min(l.burst, b.tokens+float64(el)/float64(l.per))
	}
	b.at = now
}

// sweep drops buckets that have refilled completely: forgetting them
// changes nothing. It runs at most once per refill period.
func (l *Limiter) sweep(now time.Time) {
	if now.Sub(l.swept) < l.per || len(l.buckets) < 1024 {
		return
	}
	l.swept = now
	full := time.Duration(l.burst * float64(l.per))
	for k, b := range l.buckets {
		if now.Sub(b.at) >= full {
			delete(l.buckets, k)
		}
	}
}
