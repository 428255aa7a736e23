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

func (noSessions) SaveSocketSession(context.Context, string, []byte, time.Time, time.Time) error {
	return nil
}

func (noSessions) TakeSocketSession(context.Context, string) ([]byte, bool, error) {
	return nil, false, nil
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
	auth := map[string]string{"token": l.tok["admin"], "pid": "client-1", "offset": fmt.Sprintf("%d-1", seen)}
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
