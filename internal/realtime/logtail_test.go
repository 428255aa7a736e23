package realtime

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/rawsocket"
)

func tailSeqs(es []*tailEntry) []int64 {
	var out []int64
	for _, e := range es {
		out = append(out, e.ev.Seq)
	}
	return out
}

func evs(from, to int64) []*domain.Event {
	var out []*domain.Event
	for s := from; s <= to; s++ {
		out = append(out, &domain.Event{Seq: s})
	}
	return out
}

// TestLogTail: the tail holds consecutive events, at most max, answers a
// range only when it holds all of it, and takes events read from the log
// in front of it only when they join it.
func TestLogTail(t *testing.T) {
	t.Parallel()
	tl := newLogTail(5)
	if _, ok := tl.between(0, 1); ok {
		t.Fatal("an empty tail answered 1..1")
	}
	if es, ok := tl.between(3, 3); !ok || len(es) != 0 {
		t.Fatal("an empty range must be answered empty")
	}
	for _, ev := range evs(10, 16) {
		tl.add(ev)
	}
	tests := []struct {
		after, upto int64
		want        []int64 // nil: not held
	}{
		{11, 16, []int64{12, 13, 14, 15, 16}},
		{12, 14, []int64{13, 14}},
		{10, 16, nil}, // 11 was trimmed (max 5)
		{15, 17, nil}, // 17 not published yet
	}
	for _, tt := range tests {
		es, ok := tl.between(tt.after, tt.upto)
		if got := tailSeqs(es); ok != (tt.want != nil) || !slices.Equal(got, tt.want) {
			t.Errorf("between(%d, %d) = %v %v, want %v", tt.after, tt.upto, got, ok, tt.want)
		}
	}
	tl.add(&domain.Event{Seq: 16}) // published twice: ignored
	tl.add(&domain.Event{Seq: 20}) // a gap: the tail restarts
	if es, ok := tl.between(19, 20); !ok || !slices.Equal(tailSeqs(es), []int64{20}) {
		t.Fatalf("after a gap: %v %v", tailSeqs(es), ok)
	}
	tl.prepend(evs(15, 18)) // not adjacent to 20: left out
	if _, ok := tl.between(14, 20); ok {
		t.Fatal("events not joining the tail were taken")
	}
	tl.prepend(evs(17, 20)) // overlaps: 17..19 go in front
	if es, ok := tl.between(16, 20); !ok || !slices.Equal(tailSeqs(es), []int64{17, 18, 19, 20}) {
		t.Fatalf("after prepend: %v %v", tailSeqs(es), ok)
	}
	tl.prepend(evs(13, 16)) // 4 + 4 > max 5: no room, the tail stays
	if _, ok := tl.between(12, 20); ok {
		t.Fatal("the tail grew beyond its max")
	}
}

// TestRecoveryStormReadsTheLogOnce: a new instance (nothing published yet)
// gets twenty sockets recovering at once from the same offset, admins and
// vendors mixed. They read the log once between them, each gets what it
// may see — every admin the same replay, vendor B none of vendor A's
// payments — and a replay from an older offset reads it once more.
func TestRecoveryStormReadsTheLogOnce(t *testing.T) {
	t.Parallel()
	l := startLiveHub(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d := l.hub.deps
	epoch, err := d.Events.Epoch(l.fx.AdminCtx)
	if err != nil {
		t.Fatal(err)
	}
	before, err := d.Events.LastSeq(l.fx.AdminCtx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := l.fx.Svc.Payments.AddPayment(l.fx.AdminCtx, domain.PaymentCreate{
			CustomerID: l.custA, AmountCents: 100, Method: domain.PaymentCash, IdempotencyKey: fmt.Sprint("storm-", i),
		}); err != nil {
			t.Fatal(err)
		}
	}
	d.Sessions = NewDurableSessions(noSessions{}, time.Minute)
	d.Options = Options{}
	restarted := New(d)
	if err := restarted.Start(ctx); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(restarted.Handler())
	defer srv.Close()

	roles := []string{"admin", "vendorA", "vendorB", "admin"}
	got := make([][]logged, 20)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() {
			c, _, err := rawsocket.Dial(ctx, srv.URL, rawsocket.Options{})
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			auth := map[string]string{"token": l.tok[roles[i%len(roles)]], "pid": fmt.Sprint("storm-", i), "offset": FormatOffset(epoch, before, -1)}
			if _, err := c.Connect(ctx, auth); err != nil {
				t.Error(err)
				return
			}
			got[i], _ = drain(t, c, 500*time.Millisecond)
		})
	}
	wg.Wait()
	if n := restarted.Counters().ReplayLogReads; n != 1 {
		t.Errorf("20 sockets recovering from one offset read the log %d times, want 1", n)
	}
	for i, msgs := range got {
		names := make([]string, len(msgs))
		for j, m := range msgs {
			names[j] = m.name
		}
		switch roles[i%len(roles)] {
		case "admin", "vendorA":
			if n := len(slices.DeleteFunc(slices.Clone(names), func(s string) bool { return s != EventPayment })); n != 5 {
				t.Errorf("socket %d (%s) was replayed %d payments, want 5: %v", i, roles[i%len(roles)], n, names)
			}
		case "vendorB":
			if len(msgs) != 0 {
				t.Errorf("vendor B was replayed vendor A's events: %v", names)
			}
		}
		if roles[i%len(roles)] == "admin" && !slices.Equal(msgs, got[0]) {
			t.Errorf("admin socket %d was replayed %v, socket 0 %v", i, msgs, got[0])
		}
	}

	// From further back than anything held: one more read.
	c, _, err := rawsocket.Dial(ctx, srv.URL, rawsocket.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Connect(ctx, map[string]string{"token": l.tok["admin"], "pid": "older", "offset": FormatOffset(epoch, before-1, -1)}); err != nil {
		t.Fatal(err)
	}
	older, _ := drain(t, c, 500*time.Millisecond)
	if n := restarted.Counters().ReplayLogReads; n != 2 {
		t.Errorf("a replay from an older offset: %d log reads in all, want 2", n)
	}
	if len(older) <= len(got[0]) || !slices.Equal(older[len(older)-len(got[0]):], got[0]) {
		t.Errorf("the older replay %v does not end with the shared one %v", older, got[0])
	}
}
