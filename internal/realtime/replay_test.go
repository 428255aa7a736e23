package realtime

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/rawsocket"
)

// noSessions is a session table that never saved anything: the durable
// store resumes every pid from the client's offset, as for a client whose
// instance died.
type noSessions struct{}

func (noSessions) SaveSocketSessions(context.Context, map[string][]byte, time.Time, time.Time) error {
	return nil
}

func (noSessions) TakeSocketSessions(context.Context, []string) (map[string][]byte, error) {
	return nil, nil
}

// TestReplayAheadOfCursor resumes a client on an instance that has not yet
// published the events the client received from another instance: the
// lagging instance must not send them again when it catches up.
func TestReplayAheadOfCursor(t *testing.T) {
	t.Parallel()
	l := startLiveHub(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// A second instance on the same database. Nothing wakes it and it
	// polls once an hour: it publishes only when told to.
	d := l.hub.deps
	d.Sessions = NewDurableSessions(noSessions{}, time.Minute)
	d.Options = Options{PollInterval: time.Hour}
	lagging := New(d)
	if err := lagging.Start(ctx); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(lagging.Handler())
	defer srv.Close()

	// Three payments the client received from the first instance.
	pay := func(i int) {
		t.Helper()
		if _, err := l.fx.Svc.Payments.AddPayment(l.fx.AdminCtx, domain.PaymentCreate{
			CustomerID: l.custA, AmountCents: 100, Method: domain.PaymentCash, IdempotencyKey: fmt.Sprint("ahead-", i),
		}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		pay(i)
	}
	seen, err := d.Events.LastSeq(l.fx.AdminCtx)
	if err != nil {
		t.Fatal(err)
	}

	c, _, err := rawsocket.Dial(ctx, srv.URL, rawsocket.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	epoch, err := d.Events.Epoch(l.fx.AdminCtx)
	if err != nil {
		t.Fatal(err)
	}
	auth := map[string]string{"token": l.tok["admin"], "pid": "client-1", "offset": FormatOffset(epoch, seen, 1)}
	if _, err := c.Connect(ctx, auth); err != nil {
		t.Fatal(err)
	}
	// The lagging instance catches up, then a new payment is made.
	lagging.Notify(0)
	time.Sleep(200 * time.Millisecond)
	pay(3)
	lagging.Notify(0)

	// The first payment:added must be the new payment, not one resent.
	p, err := c.NextEvent(ctx, EventPayment)
	if err != nil {
		t.Fatalf("waiting for the new payment: %v", err)
	}
	var got PaymentPayload
	if err := p.Arg(0, &got); err != nil {
		t.Fatalf("bad payment:added %s: %v", p.Args, err)
	}
	if got.Seq <= seen {
		t.Fatalf("payment:added of seq %d sent again to a client that resumed from seq %d", got.Seq, seen)
	}
}

// TestReplayRefusesForeignOffsets: a client resuming with an offset of
// another epoch (the database was restored since), one from before epochs
// existed, or one beyond the end of the log, is told RESYNC_REQUIRED
// instead of being replayed from a position that names other events.
func TestReplayRefusesForeignOffsets(t *testing.T) {
	t.Parallel()
	l := startLiveHub(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d := l.hub.deps
	d.Sessions = NewDurableSessions(noSessions{}, time.Minute)
	hub := New(d)
	if err := hub.Start(ctx); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(hub.Handler())
	defer srv.Close()
	for i := range 2 {
		if _, err := l.fx.Svc.Payments.AddPayment(l.fx.AdminCtx, domain.PaymentCreate{
			CustomerID: l.custA, AmountCents: 100, Method: domain.PaymentCash, IdempotencyKey: fmt.Sprint("foreign-", i),
		}); err != nil {
			t.Fatal(err)
		}
	}
	epoch, err := d.Events.Epoch(l.fx.AdminCtx)
	if err != nil {
		t.Fatal(err)
	}
	head, err := d.Events.LastSeq(l.fx.AdminCtx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, offset string }{
		{"another epoch", FormatOffset("zzzzzzzz", 1, 0)},
		{"before epochs", fmt.Sprintf("%d-0", head)},
		{"beyond the head", FormatOffset(epoch, head+5, 0)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, _, err := rawsocket.Dial(ctx, srv.URL, rawsocket.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := c.Connect(ctx, map[string]string{"token": l.tok["admin"], "pid": "foreign-" + tt.name, "offset": tt.offset}); err != nil {
				t.Fatal(err)
			}
			ev, err := c.NextEvent(ctx, EventError)
			if err != nil {
				t.Fatalf("no error event: %v", err)
			}
			var e ErrorPayload
			if err := ev.Arg(0, &e); err != nil || e.Code != CodeResyncRequired {
				t.Fatalf("error event %s, want %s", ev.Args, CodeResyncRequired)
			}
		})
	}
	// An offset of this epoch within the log is replayed as before.
	c, _, err := rawsocket.Dial(ctx, srv.URL, rawsocket.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Connect(ctx, map[string]string{"token": l.tok["admin"], "pid": "foreign-ok", "offset": FormatOffset(epoch, head-1, lastPart)}); err != nil {
		t.Fatal(err)
	}
	p, err := c.NextEvent(ctx, EventPayment)
	if err != nil {
		t.Fatal(err)
	}
	var got PaymentPayload
	if err := p.Arg(0, &got); err != nil || got.Seq != head {
		t.Fatalf("replayed %s, want the payment of seq %d", p.Args, head)
	}
}
