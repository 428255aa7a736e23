package realtime

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/rawsocket"
	"github.com/livedesk/livedesk/socketio"
)

// broadcastCounter counts the broadcasts of each event (socketio's
// Broadcast hook: once per broadcast, however many sockets it reaches).
type broadcastCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func (b *broadcastCounter) hooks() *socketio.Hooks {
	return &socketio.Hooks{Broadcast: func(_, event string, _ time.Duration) {
		b.mu.Lock()
		b.n[event]++
		b.mu.Unlock()
	}}
}

func (b *broadcastCounter) count(event string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.n[event]
}

// A payment is encoded and broadcast once per audience (the admins, its
// vendor), however many sockets each has: not once per socket. Every
// entitled socket gets it exactly once and the other vendor's none.
func TestPublishOncePerAudience(t *testing.T) {
	t.Parallel()
	bc := &broadcastCounter{n: map[string]int{}}
	l := startLiveHub(t, Options{SocketHooks: bc.hooks()})
	const perAudience = 6
	type sock struct {
		who string
		c   *rawsocket.Client
	}
	var socks []sock
	for _, who := range []string{"admin", "vendorA", "vendorB"} {
		for range perAudience {
			c, err := l.dial(t, who)
			if err != nil {
				t.Fatal(err)
			}
			socks = append(socks, sock{who, c})
		}
	}
	before := bc.count(EventPayment)
	if _, err := l.svc.Payments.AddPayment(l.fx.ACtx, domain.PaymentCreate{CustomerID: l.custA, AmountCents: 700, Method: domain.PaymentCash, IdempotencyKey: "once-per-audience"}); err != nil {
		t.Fatal(err)
	}
	first := map[int]int64{} // seq of the first payment:added, by socket
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i, s := range socks {
		if s.who == "vendorB" {
			continue
		}
		p, err := s.c.NextEvent(ctx, EventPayment)
		if err != nil {
			t.Fatalf("%s socket: no payment:added: %v", s.who, err)
		}
		var got PaymentPayload
		if err := p.Arg(0, &got); err != nil || got.Seq == 0 {
			t.Fatalf("%s socket: payment:added %s: %v", s.who, p.Args, err)
		}
		first[i] = got.Seq
	}
	// A second payment, so that anything a socket got twice, or vendor B
	// got at all, of the first is in front of it.
	if _, err := l.svc.Payments.AddPayment(l.fx.ACtx, domain.PaymentCreate{CustomerID: l.custA, AmountCents: 800, Method: domain.PaymentCash, IdempotencyKey: "once-per-audience-2"}); err != nil {
		t.Fatal(err)
	}
	for i, s := range socks {
		if s.who == "vendorB" {
			continue
		}
		p, err := s.c.NextEvent(ctx, EventPayment)
		if err != nil {
			t.Fatalf("%s socket: no second payment:added: %v", s.who, err)
		}
		var got PaymentPayload
		if err := p.Arg(0, &got); err != nil {
			t.Fatal(err)
		}
		if got.Seq <= first[i] {
			t.Fatalf("%s socket got payment seq %d twice or out of order", s.who, got.Seq)
		}
	}
	if got := bc.count(EventPayment) - before; got != 2*2 {
		t.Fatalf("2 payments to %d sockets of each of 2 audiences made %d broadcasts of payment:added, want 4 (one per payment and audience)", perAudience, got)
	}
	for _, s := range socks {
		if s.who != "vendorB" {
			continue
		}
		qctx, qcancel := context.WithTimeout(ctx, 300*time.Millisecond)
		p, err := s.c.NextEvent(qctx, EventPayment)
		qcancel()
		if err == nil {
			t.Fatalf("vendor B's socket got vendor A's payment: %s", p.Args)
		}
	}
}

// A stream of writes gives each audience a few stats:updated per interval,
// not one per write, and the last figures a socket gets include the last
// write.
func TestStatsCoalescedUnderWrites(t *testing.T) {
	t.Parallel()
	const interval = 200 * time.Millisecond
	l := startLiveHub(t, Options{StatsInterval: interval})
	admin, err := l.dial(t, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.dial(t, "vendorA"); err != nil {
		t.Fatal(err)
	}
	const writes = 60
	before := l.hub.counters.statsSent.Load()
	start := time.Now()
	for i := range writes {
		if _, err := l.svc.Payments.AddPayment(l.fx.ACtx, domain.PaymentCreate{CustomerID: l.custA, AmountCents: 100, Method: domain.PaymentCash, IdempotencyKey: fmt.Sprint("coalesce-", i)}); err != nil {
			t.Fatal(err)
		}
	}
	last := l.hub.published()
	time.Sleep(3 * interval) // the trailing run
	sent := l.hub.counters.statsSent.Load() - before
	// Every run fell between start and now: one at once, then at most one
	// per interval (the trailing one included), for each of the two
	// audiences (the admins, vendor A). The window runs to now, not to the
	// last write: the hub publishes behind the writes, and on a slow
	// machine a run after the last write is a run of the window (15 runs
	// seen in 1.09 s of writes, against a bound of 14 that ended there).
	// Without coalescing there would be about 2 per payment (52 for 60
	// with a 1 ms interval).
	window := time.Since(start)
	if limit := 2 * int64(1+window/interval); sent > limit {
		t.Fatalf("%d payments, %d stats:updated in the %v since the first: want at most %d (one per %v per audience)", writes, sent, window, limit, interval)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var got StatsPayload
	for got.Stats == nil || got.Stats.Seq < last {
		p, err := admin.NextEvent(ctx, EventStats)
		if err != nil {
			t.Fatalf("the admin's figures never reached seq %d (last: %+v): %v", last, got.Stats, err)
		}
		if err := p.Arg(0, &got); err != nil {
			t.Fatal(err)
		}
	}
}
