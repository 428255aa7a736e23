package realtime

import (
	"context"
	"sync"
	"testing"
	"time"
)

// A burst of admin sockets connecting is told in a few presence:updated
// broadcasts, not one per socket (each lists every admin socket and
// reaches every admin: N connects cost N² before), and the last one a
// socket gets lists the admin online.
func TestPresenceBurstCoalesced(t *testing.T) {
	t.Parallel()
	l := startLiveHub(t, Options{})
	first, err := l.dial(t, "admin")
	if err != nil {
		t.Fatal(err)
	}
	const n = 40
	start := time.Now()
	before := l.hub.counters.presenceSent.Load()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			if _, err := l.dial(t, "admin"); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	time.Sleep(3 * presenceInterval) // the trailing broadcast
	runs := l.hub.counters.presenceSent.Load() - before
	// One at once, then at most one per interval, and a trailing one.
	if limit := int64(2 + elapsed/presenceInterval); runs > limit || runs >= n {
		t.Fatalf("%d admin sockets connecting in %v made %d presence broadcasts, want at most %d", n, elapsed, runs, limit)
	}
	if runs < 1 {
		t.Fatal("no presence:updated after a burst of admin connects")
	}
	// The first socket's last presence:updated lists the admin.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var last PresencePayload
	for {
		qctx, qcancel := context.WithTimeout(ctx, 2*presenceInterval)
		p, err := first.NextEvent(qctx, EventPresence)
		qcancel()
		if err != nil {
			break
		}
		if err := p.Arg(0, &last); err != nil {
			t.Fatal(err)
		}
	}
	if len(last.Admins) != 1 || last.Admins[0].ID != l.fx.Admin.ID {
		t.Fatalf("last presence:updated = %+v, want the admin (%d) online", last, l.fx.Admin.ID)
	}
}
