package realtime

import (
	"testing"
	"time"
)

func TestRateMeter(t *testing.T) {
	t.Parallel()
	var m rateMeter
	t0 := time.Unix(1_000_000, 0)
	for i := range 120 {
		m.add(t0.Add(time.Duration(i) * 500 * time.Millisecond)) // 2/s for 60 s
	}
	end := t0.Add(59*time.Second + 500*time.Millisecond)
	if got := m.perSecond(end); got != 2 {
		t.Fatalf("rate over a full minute at 2/s = %v, want 2", got)
	}
	if got := m.perSecond(end.Add(30 * time.Second)); got != 1 {
		t.Fatalf("rate 30 s after the events stopped = %v, want 1", got)
	}
	if got := m.perSecond(end.Add(2 * time.Minute)); got != 0 {
		t.Fatalf("rate 2 min later = %v, want 0", got)
	}
}
