// Package service is Livedesk's business logic: it implements the service
// interfaces of package domain on top of the store. Every method checks the
// actor from the context, validates its input, runs in one transaction and,
// for a change, appends exactly one event to the log in that transaction.
package service

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
	"golang.org/x/crypto/bcrypt"
)

// Options configure the services.
type Options struct {
	// Now returns the current time (time.Now when nil). Tests and the demo
	// seeder override it.
	Now func() time.Time
	// Location is the business time zone for "today", "this month" and
	// analytics days (UTC when nil).
	Location *time.Location
	// OnCommit, when set, is called after every committed transaction that
	// appended events, with the last seq appended. The real-time layer uses
	// it to wake up and read the log; it must not block.
	OnCommit func(lastSeq int64)
	// PasswordCost is the bcrypt cost of new password hashes
	// (bcrypt.DefaultCost when 0); tests lower it to run fast.
	PasswordCost int
}

// Services holds every service. The fields are the interfaces transports
// consume; they all share one *service value.
type Services struct {
	Users      domain.UserService
	Customers  domain.CustomerService
	Deliveries domain.DeliveryService
	Payments   domain.PaymentService
	Events     domain.EventService
	Stats      domain.StatsService

	// DB is the underlying store, for health checks and settings.
	DB *store.DB

	svc *service
}

// New returns the services on db.
func New(db *store.DB, opts Options) *Services {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.PasswordCost == 0 {
		opts.PasswordCost = bcrypt.DefaultCost
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	s := &service{db: db, opts: opts}
	return &Services{Users: s, Customers: s, Deliveries: s, Payments: s, Events: s, Stats: s, DB: db, svc: s}
}

// Now returns the services' current time (Options.Now), in UTC.
func (s *Services) Now() time.Time { return s.svc.now() }

// Location returns the business time zone.
func (s *Services) Location() *time.Location { return s.svc.opts.Location }

// WithNow returns services on the same database and options but another
// clock: the demo seeder uses it to write a backdated history.
func (s *Services) WithNow(now func() time.Time) *Services {
	opts := s.svc.opts
	opts.Now = now
	return New(s.DB, opts)
}

// Batch runs fn in one write transaction: every service call made with the
// context fn receives joins it, so that bulk work (seeding, imports) commits
// once instead of once per call. It is all or nothing: any error rolls back
// every call, and OnCommit fires once, after the commit. Reads made in fn see
// the batch's own writes.
func (s *Services) Batch(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.svc.write(ctx, func(tx *store.Tx) error {
		return fn(context.WithValue(ctx, txKey{}, tx))
	})
}

// txKey carries the transaction of a Batch in a context.
type txKey struct{}

// service implements every domain service; one type keeps the transaction
// helpers shared (a payment touches customers, the ledger and the log).
type service struct {
	db   *store.DB
	opts Options
}

var (
	_ domain.UserService     = (*service)(nil)
	_ domain.CustomerService = (*service)(nil)
	_ domain.DeliveryService = (*service)(nil)
	_ domain.PaymentService  = (*service)(nil)
	_ domain.EventService    = (*service)(nil)
	_ domain.StatsService    = (*service)(nil)
)

// now returns the current time in UTC, truncated to what the store keeps.
func (s *service) now() time.Time { return s.opts.Now().UTC().Truncate(time.Microsecond) }

// day returns the business-local date of t as YYYY-MM-DD.
func (s *service) day(t time.Time) string { return t.In(s.opts.Location).Format(dateLayout) }

const dateLayout = "2006-01-02"

// write runs fn in a write transaction and reports appended events to
// OnCommit once committed. Inside a Batch it joins the batch's transaction.
func (s *service) write(ctx context.Context, fn func(tx *store.Tx) error) error {
	if tx, ok := ctx.Value(txKey{}).(*store.Tx); ok {
		return fn(tx)
	}
	seq, err := s.db.WithTxSeq(ctx, fn)
	if err == nil && seq > 0 && s.opts.OnCommit != nil {
		s.opts.OnCommit(seq)
	}
	return err
}

// read runs fn in a read-only snapshot, or in the batch's transaction.
func (s *service) read(ctx context.Context, fn func(tx *store.Tx) error) error {
	if tx, ok := ctx.Value(txKey{}).(*store.Tx); ok {
		return fn(tx)
	}
	return s.db.ReadTx(ctx, fn)
}

// actor returns the context's actor or CodeUnauthorized.
func actor(ctx context.Context) (*domain.Actor, error) {
	a := domain.ActorFrom(ctx)
	if a == nil || !a.Role.Valid() {
		return nil, domain.Errorf(domain.CodeUnauthorized, "authentication required")
	}
	return a, nil
}

// vendorScope returns the vendor id an actor is limited to (0 for admins).
func vendorScope(a *domain.Actor) int64 {
	if a.IsAdmin() {
		return 0
	}
	return a.UserID
}

// appendEvent builds and appends the one event of a change.
func appendEvent(ctx context.Context, tx *store.Tx, a *domain.Actor, at time.Time, action, entity string, entityID, vendorID int64, summary string, payload any) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("failed to encode event payload: %w", err)
	}
	return tx.AppendEvent(ctx, &domain.Event{
		At: at, ActorID: a.UserID, ActorName: a.Name, Action: action, Entity: entity,
		EntityID: entityID, VendorID: vendorID, Summary: summary, Payload: b,
	})
}

// money formats cents currency-neutrally: 1250 → "12.50".
func money(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s%d.%02d", sign, cents/100, cents%100)
}

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

func notFound(what string) *domain.Error {
	return domain.Errorf(domain.CodeNotFound, "%s not found", what)
}
