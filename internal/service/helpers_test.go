package service_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// clock is a settable time source for Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// testDay is "today" for the tests that write fixed dates such as
// newDelivery's "2026-11-25": a delivery's day must lie within a year of
// the service's today, so such a test runs on a clock set to this day
// (runningFrom(testDay)), never on the real one, and keeps passing whatever
// the real date is.
var testDay = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// runningFrom returns a clock for Options.Now that reads start when it is
// made and then moves on with the real clock: the calendar is fixed while
// time still passes, for the tests that need it to (event times following
// seq, leases, expiry).
func runningFrom(start time.Time) func() time.Time {
	t0 := time.Now()
	return func() time.Time { return start.Add(time.Since(t0)) }
}

// eachClock runs fn on both databases with a fresh fixture and a clock of
// its own starting at start: the databases' subtests run at once, so a
// clock shared between them would be moved by the other.
func eachClock(t *testing.T, start time.Time, fn func(t *testing.T, f *storetest.Fixture, clk *clock)) {
	t.Helper()
	eachClockIn(t, start, nil, fn)
}

// eachClockIn is eachClock with the business in time zone loc (nil: the
// database's zone).
func eachClockIn(t *testing.T, start time.Time, loc *time.Location, fn func(t *testing.T, f *storetest.Fixture, clk *clock)) {
	t.Helper()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			clk := &clock{}
			clk.Set(start)
			fn(t, storetest.NewFixture(t, storetest.Services(t, kind, service.Options{Now: clk.Now, Location: loc})), clk)
		})
	}
}

// each runs fn on both databases with a fresh fixture.
func each(t *testing.T, opts service.Options, fn func(t *testing.T, f *storetest.Fixture)) {
	t.Helper()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			fn(t, storetest.NewFixture(t, storetest.Services(t, kind, opts)))
		})
	}
}

// wantCode fails unless err carries code (and field, when not empty).
func wantCode(t *testing.T, err error, code, field string) {
	t.Helper()
	if got := domain.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
	if field != "" {
		var de *domain.Error
		if !errors.As(err, &de) || de.Field != field {
			t.Fatalf("error field: got %v, want %q", err, field)
		}
	}
}

// must unwraps a (value, error) result: must(f())(t).
func must[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

func newCustomer(t *testing.T, ctx context.Context, svc *service.Services, name string, vendorID int64) *domain.Customer {
	t.Helper()
	return must(svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: name, Phone: "+91 98450 12345", VendorID: vendorID}))(t)
}

func newDelivery(t *testing.T, ctx context.Context, svc *service.Services, customerID int64, amount int64) *domain.Delivery {
	t.Helper()
	return must(svc.Deliveries.CreateDelivery(ctx, domain.DeliveryCreate{CustomerID: customerID, ScheduledFor: "2026-11-25",
		Items: "Milk 1L", Quantity: 2, AmountCents: amount}))(t)
}

func status(s domain.DeliveryStatus) *domain.DeliveryStatus { return &s }

func ptr[T any](v T) *T { return &v }

// ledgerSum returns a customer's stored balance and the sum of its ledger.
func ledgerSum(t *testing.T, db *store.DB, customerID int64) (balance, sum int64) {
	t.Helper()
	err := db.ReadTx(context.Background(), func(tx *store.Tx) error {
		if err := tx.QueryRow(context.Background(), `SELECT balance_cents FROM customers WHERE id = ?`, customerID).Scan(&balance); err != nil {
			return err
		}
		return tx.QueryRow(context.Background(), `SELECT COALESCE(SUM(amount_cents), 0) FROM ledger_entries WHERE customer_id = ?`, customerID).Scan(&sum)
	})
	if err != nil {
		t.Fatalf("ledgerSum: %v", err)
	}
	return balance, sum
}

func allEvents(t *testing.T, svc *service.Services) []*domain.Event {
	t.Helper()
	ctx := domain.WithActor(context.Background(), domain.SystemActor())
	var out []*domain.Event
	after := int64(0)
	for {
		evs := must(svc.Events.EventsAfter(ctx, after, 1000))(t)
		if len(evs) == 0 {
			return out
		}
		out = append(out, evs...)
		after = evs[len(evs)-1].Seq
	}
}

func describe(evs []*domain.Event) string {
	s := ""
	for _, e := range evs {
		s += fmt.Sprintf("%d:%s ", e.Seq, e.Action)
	}
	return s
}

// mustJSON returns v as JSON.
func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return string(b)
}
