// Package service is Livedesk's business logic: it implements the service
// interfaces of package domain on top of the store. Every method checks the
// actor from the context, validates its input, runs in one transaction and,
// for a change, appends exactly one event to the log in that transaction.
//
// Every write is idempotent when the request carries a key
// (domain.Idempotency, put in the context by REST and the socket alike):
// the method's result is recorded in idempotency_keys, keyed by (user,
// key), in the same transaction as the write, so that the record exists
// exactly when the write committed — a crash or a lost connection can never
// leave one without the other, on SQLite or PostgreSQL. A retry with the
// same request gets that result back (REST answers it with the same status
// and body); the key with another request is IDEMPOTENCY_KEY_REUSED; a key
// still being processed is IDEMPOTENCY_KEY_IN_USE. Storing the service's
// result rather than HTTP bytes after the handler is what makes it atomic,
// and lets both transports share one definition. See idempotency.go; a new
// write method calls writeOnce instead of write.
package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
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
	// analytics days; when nil, the zone stored in the database
	// (store.DB.Location), UTC when none is stored.
	Location *time.Location
	// OnCommit, when set, is called after every committed transaction that
	// appended events, with the last seq appended. The real-time layer uses
	// it to wake up and read the log; it must not block.
	OnCommit func(lastSeq int64)
	// PasswordCost is the bcrypt cost of new password hashes
	// (bcrypt.DefaultCost when 0); tests lower it to run fast.
	PasswordCost int
	// ReportsDir is where report files are written (default: a
	// livedesk-reports directory in the system's temporary directory);
	// ReportRetention how long finished reports are kept (default 7 days);
	// ReportLease how long a report job's claim lasts without a heartbeat
	// (default 30s).
	ReportsDir      string
	ReportRetention time.Duration
	ReportLease     time.Duration
	// PushEndpointCheck vets a push subscription's endpoint when it is
	// stored (where it may lead: see internal/push.Guard); nil accepts
	// https endpoints only.
	PushEndpointCheck func(ctx context.Context, endpoint string) error
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
	Sessions   domain.SessionService
	Reversals  domain.ReversalService
	Alerts     domain.AlertService
	Settings   domain.SettingsService
	Security   domain.SecurityService

	Products      domain.ProductService
	Areas         domain.AreaService
	Subscriptions domain.SubscriptionService
	Rounds        domain.RoundService
	Statements    domain.StatementService
	Reports       domain.ReportService
	// StaffEvents says which staff members an event concerns (real time).
	StaffEvents domain.StaffEventService
	Push        domain.PushService

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
	s := &service{db: db, opts: opts, throttle: newSecurityThrottle()}
	return &Services{Users: s, Customers: s, Deliveries: s, Payments: s, Events: s, Stats: s, Reversals: s, Sessions: s, Security: s,
		Products: s, Areas: s, Subscriptions: s, Rounds: s, Statements: s, Reports: s, StaffEvents: s, Push: s, Alerts: s, Settings: s, DB: db, svc: s}
}

// Now returns the services' current time (Options.Now), in UTC.
func (s *Services) Now() time.Time { return s.svc.now() }

// Location returns the business time zone.
func (s *Services) Location() *time.Location { return s.svc.loc() }

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

	inflight inflight          // idempotency keys being processed (see writeOnce)
	throttle *securityThrottle // rate bound of noisy security events
	sockets  socketWindow      // this instance's recent socket totals (socket_errors)
	pruned   atomic.Int64      // when expired idempotency keys were last pruned (µs)
}

var (
	_ domain.UserService     = (*service)(nil)
	_ domain.CustomerService = (*service)(nil)
	_ domain.DeliveryService = (*service)(nil)
	_ domain.PaymentService  = (*service)(nil)
	_ domain.EventService    = (*service)(nil)
	_ domain.StatsService    = (*service)(nil)
	_ domain.ReversalService = (*service)(nil)

	_ domain.ProductService      = (*service)(nil)
	_ domain.AreaService         = (*service)(nil)
	_ domain.SubscriptionService = (*service)(nil)
	_ domain.RoundService        = (*service)(nil)
	_ domain.StatementService    = (*service)(nil)
)

// now returns the current time in UTC, truncated to what the store keeps.
// A write takes its time with stamp instead.
func (s *service) now() time.Time { return s.opts.Now().UTC().Truncate(time.Microsecond) }

// stamp returns the time of a write in tx. Call it inside the write's
// function: the clock is then read after the write lock (see write), so a
// write that waited for the lock does not carry the time it arrived at,
// and event times follow seq. (Should a clock still step back, or two
// instances' clocks disagree, store.AppendEvent keeps the log's times from
// going back; the row keeps the clock's time.)
func (s *service) stamp(*store.Tx) time.Time { return s.now() }

// loc returns the business time zone: Options.Location, else the
// database's stored zone (UTC when none is stored).
func (s *service) loc() *time.Location {
	if s.opts.Location != nil {
		return s.opts.Location
	}
	return s.db.Location()
}

// day returns the business-local date of t as YYYY-MM-DD.
func (s *service) day(t time.Time) string { return t.In(s.loc()).Format(dateLayout) }

const dateLayout = "2006-01-02"

// write runs fn in a write transaction and reports appended events to
// OnCommit once committed. Inside a Batch it joins the batch's transaction.
func (s *service) write(ctx context.Context, fn func(tx *store.Tx) error) error {
	return s.writeAfter(ctx, nil, fn)
}

// writeAfter is write with a first step, pre, run in the transaction before
// the write lock: writeOnce takes its idempotency key's lock and reads its
// record there, so that a request whose key is in use elsewhere is refused
// at once and a replay is answered, without queueing behind every other
// write. pre returning errAnswered ends the call there, successfully.
func (s *service) writeAfter(ctx context.Context, pre, fn func(tx *store.Tx) error) error {
	if tx, ok := ctx.Value(txKey{}).(*store.Tx); ok {
		if pre != nil {
			if err := pre(tx); err != nil {
				return answered(err)
			}
		}
		return fn(tx)
	}
	seq, err := s.db.WithTxSeq(ctx, func(tx *store.Tx) error {
		if pre != nil {
			if err := pre(tx); err != nil {
				return answered(err)
			}
		}
		// The write lock first: the time fn takes (stamp) is then later
		// than that of every write committed before, and the zone it
		// dates rows in is the stored one.
		st, err := tx.LockWrites(ctx)
		if err != nil {
			return err
		}
		if st.TimeZone != "" && st.TimeZone != s.loc().String() {
			return domain.Errorf(domain.CodeUnavailable,
				"the business time zone was changed to %s; this server still runs in %s and must be restarted", st.TimeZone, s.loc())
		}
		return fn(tx)
	})
	if err == nil && seq > 0 && s.opts.OnCommit != nil {
		s.opts.OnCommit(seq)
	}
	return err
}

// answered turns a pre step's errAnswered into success.
func answered(err error) error {
	if errors.Is(err, errAnswered) {
		return nil
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
//
// Staff are refused here (CodeForbidden): every call is closed to them
// unless it asks for roundActor, which lets them through to the few calls
// of their round, each of which then checks the staff member's assignment.
func actor(ctx context.Context) (*domain.Actor, error) {
	a, err := roundActor(ctx)
	if err != nil {
		return nil, err
	}
	if a.IsStaff() {
		return nil, errStaffForbidden()
	}
	return a, nil
}

// roundActor is actor that also accepts staff: only the calls a staff
// member may make on its round use it (Round, status changes, payments).
func roundActor(ctx context.Context) (*domain.Actor, error) {
	a := domain.ActorFrom(ctx)
	if a == nil || !a.Role.Valid() {
		return nil, domain.Errorf(domain.CodeUnauthorized, "authentication required")
	}
	return a, nil
}

// adminActor returns the context's actor when it is an admin.
func adminActor(ctx context.Context, what string) (*domain.Actor, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.IsAdmin() {
		return nil, domain.Errorf(domain.CodeForbidden, "only admins can %s", what)
	}
	return a, nil
}

// vendorScope returns the vendor id an actor is limited to (0 for admins).
// A staff actor is limited to its vendor once its assignment is read (see
// staffActor); before that it matches no vendor (-1), never every vendor.
func vendorScope(a *domain.Actor) int64 {
	switch {
	case a.IsAdmin():
		return 0
	case a.IsStaff():
		if a.VendorID > 0 {
			return a.VendorID
		}
		return -1
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

// textMoney returns how a change's texts (activity summaries, alert
// messages, Web Push notifications) write an amount: domain.FormatMoney
// in the business's currency as it is when the text is written
// ("₹9,000.00"). A text once stored keeps its currency: it is history.
func textMoney(ctx context.Context, tx *store.Tx) (func(cents int64) string, error) {
	currency, err := readCurrency(ctx, tx)
	if err != nil {
		return nil, err
	}
	return func(cents int64) string { return domain.FormatMoney(cents, currency) }, nil
}

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

func notFound(what string) *domain.Error {
	return domain.Errorf(domain.CodeNotFound, "%s not found", what)
}
