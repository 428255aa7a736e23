package auth

import (
	"context"
	"encoding/hex"
	"sync"
	"testing"
	"time"
)

func TestLimiterRefund(t *testing.T) {
	t.Parallel()
	l := NewLimiter(2, time.Hour, nil)
	l.Refund("never-seen") // no bucket: nothing to give back, no panic
	for range 10 {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatal("an attempt refunded every time was refused")
		}
		l.Refund("a")
	}
	l.Allow("a")
	l.Allow("a")
	if ok, _ := l.Allow("a"); ok {
		t.Fatal("the burst was exceeded")
	}
	l.Refund("a")
	l.Refund("a")
	l.Refund("a") // never beyond the burst
	l.Allow("a")
	l.Allow("a")
	if ok, _ := l.Allow("a"); ok {
		t.Fatal("refunds went beyond the burst")
	}
}

func TestLimiter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	l := NewLimiter(3, 10*time.Second, clock)
	for i := range 3 {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("attempt %d refused within the burst", i+1)
		}
	}
	ok, wait := l.Allow("a")
	if ok || wait != 10*time.Second {
		t.Fatalf("4th attempt = %v, %v; want refused, 10s", ok, wait)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Fatal("another key was refused")
	}
	if ok, _ := l.Check("a"); ok {
		t.Fatal("Check says a has a token")
	}
	advance(4 * time.Second)
	if ok, wait := l.Allow("a"); ok || wait != 6*time.Second {
		t.Fatalf("after 4s = %v, %v; want refused, 6s", ok, wait)
	}
	advance(6 * time.Second)
	if ok, _ := l.Check("a"); !ok {
		t.Fatal("Check after refill says no token")
	}
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("refilled token refused")
	}
	if ok, _ := l.Allow("a"); ok {
		t.Fatal("only one token should have refilled")
	}
	if ok, _ := l.Check("never-seen"); !ok {
		t.Fatal("Check of an unseen key says no token")
	}
}

func TestLimiterForgetsIdleKeys(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := NewLimiter(2, time.Second, func() time.Time { return now })
	for i := range 5000 {
		l.Allow(hex.EncodeToString([]byte{byte(i), byte(i >> 8)}))
	}
	now = now.Add(time.Minute)
	l.Allow("x")
	l.mu.Lock()
	n := len(l.buckets)
	l.mu.Unlock()
	if n > 10 {
		t.Fatalf("%d buckets kept after every key went idle, want them swept", n)
	}
}

type memSettings map[string]string

func (m memSettings) SetSettingIfAbsent(_ context.Context, k, v string) (string, error) {
	if old, ok := m[k]; ok {
		return old, nil
	}
	m[k] = v
	return v, nil
}

func TestSecret(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	got, err := Secret(ctx, "configured-secret-configured-secret", nil)
	if err != nil || string(got) != "configured-secret-configured-secret" {
		t.Fatalf("configured secret = %q, %v", got, err)
	}
	st := memSettings{}
	a, err := Secret(ctx, "", st)
	if err != nil || len(a) != 32 {
		t.Fatalf("generated secret = %x, %v; want 32 bytes", a, err)
	}
	b, err := Secret(ctx, "", st)
	if err != nil || string(a) != string(b) {
		t.Fatalf("second start got another secret: %x vs %x (%v)", a, b, err)
	}
	if _, err := Secret(ctx, "", memSettings{SecretSettingKey: "zz"}); err == nil {
		t.Fatal("an unusable stored secret was accepted")
	}
}
