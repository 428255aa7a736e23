// Package demo fills an empty Livedesk with a realistic delivery business
// (vendors, customers and two months of history) and simulates live
// activity on top of it, for `livedesk serve --demo` and `livedesk seed`.
//
// Everything goes through the services, so the demo data obeys the same
// rules as real data: balances equal their ledgers and the event log holds
// one event per change. The history is backdated with Services.WithNow and
// written one day per transaction with Services.Batch; its events are in the
// log too, in seq order with non-decreasing times, so the activity feed
// shows the past two months.
package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
)

// Demo credentials. Every demo user has the same password.
const (
	AdminEmail = "admin@livedesk.local"
	Password   = "livedesk-demo"
)

// ErrNotEmpty is returned by Seed when the database already has users.
var ErrNotEmpty = errors.New("demo: the database is not empty")

// Login tells how to sign in to the demo.
type Login struct {
	Email    string   // the demo admin
	Password string   // of every demo user
	Vendors  []string // the vendor users' emails
}

// Config sizes the demo business.
type Config struct {
	Customers int // customers in the end (about 3/4 join before the history starts)
	Days      int // days of history before today
}

// DefaultConfig is about 200 customers and 60 days of history: a few
// thousand deliveries, enough for the analytics to look real.
func DefaultConfig() Config { return Config{Customers: 200, Days: 60} }

// Seed fills an empty database with the default demo business and returns
// the demo admin's login. It refuses (ErrNotEmpty) when users exist.
func Seed(ctx context.Context, svcs *service.Services, rnd *rand.Rand) (Login, error) {
	return SeedWith(ctx, svcs, rnd, DefaultConfig())
}

type vendorKind int

const (
	dairy vendorKind = iota
	water
	grocery
)

// vendorCatalog is the demo's vendors; share is their percentage of customers.
var vendorCatalog = []struct {
	name, email string
	kind        vendorKind
	share       int
}{
	{"Nandini Fresh Dairy", "dairy@livedesk.local", dairy, 35},
	{"AquaPure Water Cans", "water@livedesk.local", water, 35},
	{"Metro Grocers & Parcels", "grocery@livedesk.local", grocery, 30},
}

// plan is how one demo customer behaves over the history.
type plan struct {
	person
	vendor    int
	joined    time.Time // when the customer is created
	joinDay   int       // day index of joined (negative: before the history)
	every     int       // a delivery every n days...
	offset    int       // ...on days where (day+offset) % every == 0
	item      string
	qty       int
	unit      int64 // cents per unit
	payEvery  int
	payOffset int
	method    domain.PaymentMethod
	late      bool // pays irregularly and leaves a balance
	pauseDay  int  // day the customer pauses (-1: never)
	resumeDay int  // day it comes back (-1: never)
	// subscribed customers get today's deliveries from a subscription
	// (see rounds.go) instead of one-off deliveries.
	subscribed bool

	c      *domain.Customer
	status domain.CustomerStatus
}

type seeder struct {
	svcs    *service.Services // clock-controlled services
	rnd     *rand.Rand
	loc     *time.Location
	now     time.Time
	start   time.Time // local midnight of the first history day
	clock   time.Time
	admin   *domain.Actor
	vendors []*domain.Actor
	plans   []*plan
}

// op is one backdated service call.
type op struct {
	at  time.Time
	as  *domain.Actor
	run func(ctx context.Context) error
}

// demoSetting marks, in the settings table, a database seeded by the demo.
const demoSetting = "demo"

// IsDemo reports whether the database was seeded as the demo business:
// it carries the demo mark, or (seeded before the mark existed) its demo
// admin. Only such a database may run the simulator, which changes
// deliveries and balances at random.
func IsDemo(ctx context.Context, svcs *service.Services) (bool, error) {
	if _, ok, err := svcs.DB.GetSetting(ctx, demoSetting); err != nil || ok {
		return ok, err
	}
	sys := domain.WithActor(ctx, domain.SystemActor())
	users, _, err := svcs.Users.FindUsers(sys, domain.UserFilter{Search: AdminEmail, Page: domain.Page{Limit: 5}})
	if err != nil {
		return false, fmt.Errorf("failed to look for the demo admin: %w", err)
	}
	for _, u := range users {
		if u.Email == AdminEmail {
			return true, nil
		}
	}
	return false, nil
}

// SeedWith is Seed with another size.
func SeedWith(ctx context.Context, svcs *service.Services, rnd *rand.Rand, cfg Config) (Login, error) {
	sys := domain.WithActor(ctx, domain.SystemActor())
	if _, n, err := svcs.Users.FindUsers(sys, domain.UserFilter{Page: domain.Page{Limit: 1}}); err != nil {
		return Login{}, fmt.Errorf("failed to check for users: %w", err)
	} else if n > 0 {
		return Login{}, ErrNotEmpty
	}
	// Marked before the first row: a database the demo seeded (even
	// partly) is one the simulator may change.
	if err := svcs.DB.SetSetting(ctx, demoSetting, "seeded"); err != nil {
		return Login{}, err
	}
	s := &seeder{rnd: rnd, loc: svcs.Location(), now: svcs.Now()}
	s.svcs = svcs.WithNow(func() time.Time { return s.clock })
	today := s.now.In(s.loc)
	s.start = time.Date(today.Year(), today.Month(), today.Day()-cfg.Days, 0, 0, 0, 0, s.loc)

	login := Login{Email: AdminEmail, Password: Password}
	s.clock = s.start.AddDate(0, 0, -60).Add(9 * time.Hour)
	admin, err := s.svcs.Users.CreateUser(sys, domain.UserCreate{Email: AdminEmail, Name: "Demo Admin", Role: domain.RoleAdmin, Password: Password})
	if err != nil {
		return Login{}, fmt.Errorf("failed to create demo admin: %w", err)
	}
	s.admin = admin.Actor()
	for i, v := range vendorCatalog {
		s.clock = s.clock.Add(time.Duration(10+i) * time.Minute)
		u, err := s.svcs.Users.CreateUser(domain.WithActor(ctx, s.admin), domain.UserCreate{Email: v.email, Name: v.name, Role: domain.RoleVendor, Password: Password})
		if err != nil {
			return Login{}, fmt.Errorf("failed to create demo vendor: %w", err)
		}
		s.vendors = append(s.vendors, u.Actor())
		login.Vendors = append(login.Vendors, v.email)
	}
	s.makePlans(cfg)

	// Customers who joined before the history window, in one transaction.
	var early []op
	for _, p := range s.plans {
		if p.joinDay < 0 {
			early = append(early, s.createCustomer(p))
		}
	}
	if err := s.run(ctx, early); err != nil {
		return Login{}, err
	}
	for day := 0; day <= cfg.Days; day++ {
		if err := s.run(ctx, s.dayOps(day, day == cfg.Days)); err != nil {
			return Login{}, fmt.Errorf("failed to seed day %d: %w", day, err)
		}
	}
	return login, nil
}

// run executes ops in time order in one transaction; ops after the real now
// have not happened yet and are dropped.
func (s *seeder) run(ctx context.Context, ops []op) error {
	sort.SliceStable(ops, func(i, j int) bool { return ops[i].at.Before(ops[j].at) })
	return s.svcs.Batch(ctx, func(ctx context.Context) error {
		for _, o := range ops {
			if o.at.After(s.now) {
				continue
			}
			s.clock = o.at
			if err := o.run(domain.WithActor(ctx, o.as)); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *seeder) makePlans(cfg Config) {
	for i := range cfg.Customers {
		p := &plan{person: randomPerson(s.rnd), pauseDay: -1, resumeDay: -1, status: domain.CustomerActive}
		r := s.rnd.IntN(100)
		for v, vc := range vendorCatalog {
			if r < vc.share {
				p.vendor = v
				break
			}
			r -= vc.share
		}
		// A quarter of the customers join during the history, spread out.
		if i%4 == 3 && cfg.Days > 1 {
			p.joinDay = 1 + s.rnd.IntN(cfg.Days)
		} else {
			p.joinDay = -1 - s.rnd.IntN(45)
		}
		p.joined = s.dayAt(p.joinDay, 10+s.rnd.IntN(8), s.rnd.IntN(60))
		// One joining later today joins now instead, so that the demo has
		// all its customers whatever the hour it is seeded.
		if p.joined.After(s.now) {
			p.joined = s.now
		}
		switch vendorCatalog[p.vendor].kind {
		case dairy:
			p.every = 2 // every other day, or daily for most
			if s.rnd.IntN(10) < 7 {
				p.every = 1
			}
			p.item = pick(s.rnd, []string{"Milk 1L", "Milk 500ml", "Toned milk 1L", "Curd 500g"})
			p.qty = 1 + s.rnd.IntN(2)
			p.unit = map[string]int64{"Milk 1L": 5600, "Milk 500ml": 2900, "Toned milk 1L": 5200, "Curd 500g": 4500}[p.item]
		case water:
			p.every = 2 + s.rnd.IntN(3)
			p.item = "Water can 20L"
			p.qty = 1 + s.rnd.IntN(3)
			p.unit = 9000
		case grocery:
			p.every = 7
			p.item = "Groceries"
			p.qty = 1
			p.unit = int64(350+s.rnd.IntN(2000)) * 100
		}
		p.offset = s.rnd.IntN(p.every)
		p.payEvery = 7 + s.rnd.IntN(9)
		p.payOffset = s.rnd.IntN(p.payEvery)
		p.method = pick(s.rnd, []domain.PaymentMethod{domain.PaymentUPI, domain.PaymentUPI, domain.PaymentUPI, domain.PaymentCash,
			domain.PaymentCash, domain.PaymentCard, domain.PaymentBankTransfer, domain.PaymentOther})
		p.late = s.rnd.IntN(10) == 0
		p.subscribed = s.rnd.IntN(100) < 85
		if s.rnd.IntN(100) < 8 && cfg.Days > 10 {
			p.pauseDay = max(p.joinDay+1, 1+s.rnd.IntN(cfg.Days-5))
			if s.rnd.IntN(2) == 0 {
				p.resumeDay = p.pauseDay + 3 + s.rnd.IntN(10)
			}
		}
		s.plans = append(s.plans, p)
	}
}

// dayAt returns the local time h:m on history day d (0 is the first day).
func (s *seeder) dayAt(d, h, m int) time.Time {
	return time.Date(s.start.Year(), s.start.Month(), s.start.Day()+d, h, m, 0, 0, s.loc)
}

func (s *seeder) createCustomer(p *plan) op {
	return op{at: p.joined, as: s.admin, run: func(ctx context.Context) error {
		c, err := s.svcs.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: p.name, Phone: p.phone, Email: p.email,
			Address: p.address, VendorID: s.vendors[p.vendor].UserID})
		if err != nil {
			return fmt.Errorf("failed to create customer: %w", err)
		}
		p.c = c
		return nil
	}}
}

func (s *seeder) setStatus(p *plan, at time.Time, st domain.CustomerStatus) op {
	p.status = st
	return op{at: at, as: s.admin, run: func(ctx context.Context) error {
		_, err := s.svcs.Customers.UpdateCustomer(ctx, p.c.ID, domain.CustomerUpdate{Status: &st})
		return err
	}}
}

// dayOps plans one day: joins, status changes, deliveries moving through
// the workflow, payments. On the last day (today) it also schedules
// tomorrow's deliveries, so the simulator has work.
func (s *seeder) dayOps(day int, today bool) []op {
	var ops []op
	if today {
		ops = append(ops, s.roundOps(day)...)
	}
	for _, p := range s.plans {
		if p.joinDay == day {
			ops = append(ops, s.createCustomer(p))
			continue
		}
		if p.joinDay > day {
			continue
		}
		switch day {
		case p.pauseDay:
			st := domain.CustomerPaused
			if p.resumeDay < 0 && s.rnd.IntN(3) == 0 {
				st = domain.CustomerInactive
			}
			ops = append(ops, s.setStatus(p, s.dayAt(day, 11, s.rnd.IntN(60)), st))
		case p.resumeDay:
			// Early, before the day's round is scheduled (from 03:00): a
			// paused customer gets no delivery and no charge.
			ops = append(ops, s.setStatus(p, s.dayAt(day, 2, s.rnd.IntN(60)), domain.CustomerActive))
		}
		if p.status != domain.CustomerActive {
			continue
		}
		// Subscribed customers' deliveries of today (and of tomorrow) come
		// from their subscriptions.
		subscribed := today && p.subscribed && p.joinDay < day
		if (day+p.offset)%p.every == 0 && !subscribed {
			ops = append(ops, s.deliveryOps(p, day, today)...)
		}
		if (day+p.payOffset)%p.payEvery == 0 && (!p.late || s.rnd.IntN(3) == 0) {
			ops = append(ops, s.paymentOp(p, s.dayAt(day, 9+s.rnd.IntN(12), s.rnd.IntN(60))))
		}
		if today && !subscribed && (day+1+p.offset)%p.every == 0 {
			ops = append(ops, s.scheduleOp(p, day+1, s.clampNow(s.dayAt(day, 20, s.rnd.IntN(60)))))
		}
	}
	return ops
}

func (s *seeder) clampNow(t time.Time) time.Time {
	if t.After(s.now) {
		return s.now
	}
	return t
}

// deliveryOps creates a delivery early on its day and moves it along.
func (s *seeder) deliveryOps(p *plan, day int, today bool) []op {
	var out, done time.Time
	switch vendorCatalog[p.vendor].kind {
	case dairy:
		out = s.dayAt(day, 5, 30+s.rnd.IntN(30))
		done = out.Add(time.Duration(10+s.rnd.IntN(80)) * time.Minute)
	case water:
		out = s.dayAt(day, 9+s.rnd.IntN(3), s.rnd.IntN(60))
		done = out.Add(time.Duration(15+s.rnd.IntN(120)) * time.Minute)
	default:
		out = s.dayAt(day, 14+s.rnd.IntN(3), s.rnd.IntN(60))
		done = out.Add(time.Duration(20+s.rnd.IntN(150)) * time.Minute)
	}
	created := s.dayAt(day, 3, s.rnd.IntN(60))
	if today {
		created = s.clampNow(created)
	}
	var id int64
	ops := []op{s.scheduleOpInto(p, day, created, &id)}
	v := s.vendors[p.vendor]
	move := func(at time.Time, st domain.DeliveryStatus, note string) op {
		return op{at: at, as: v, run: func(ctx context.Context) error {
			up := domain.DeliveryUpdate{Status: &st}
			if note != "" {
				up.Note = &note
			}
			_, err := s.svcs.Deliveries.UpdateDelivery(ctx, id, up)
			return err
		}}
	}
	switch r := s.rnd.IntN(100); {
	case r < 3:
		ops = append(ops, move(created.Add(time.Duration(10+s.rnd.IntN(40))*time.Minute), domain.DeliveryCancelled, pick(s.rnd, []string{"Customer away", "Skipped on request", "Holiday"})))
	case r < 6:
		ops = append(ops, move(out, domain.DeliveryOutForDelivery, ""),
			move(done, domain.DeliveryFailed, pick(s.rnd, []string{"Door locked", "No one at home", "Address not found", "Gate closed"})))
	default:
		ops = append(ops, move(out, domain.DeliveryOutForDelivery, ""), move(done, domain.DeliveryDelivered, ""))
	}
	return ops
}

func (s *seeder) scheduleOp(p *plan, day int, at time.Time) op {
	var id int64
	return s.scheduleOpInto(p, day, at, &id)
}

func (s *seeder) scheduleOpInto(p *plan, day int, at time.Time, id *int64) op {
	qty, unit := p.qty, p.unit
	if vendorCatalog[p.vendor].kind == grocery {
		unit = int64(250+s.rnd.IntN(2500)) * 100
		if s.rnd.IntN(4) == 0 {
			return s.deliveryCreate(p, day, at, id, "Parcel", 1, int64(49+s.rnd.IntN(100))*100)
		}
	}
	return s.deliveryCreate(p, day, at, id, p.item, qty, unit*int64(qty))
}

func (s *seeder) deliveryCreate(p *plan, day int, at time.Time, id *int64, items string, qty int, amount int64) op {
	date := s.dayAt(day, 12, 0).Format("2006-01-02")
	return op{at: at, as: s.vendors[p.vendor], run: func(ctx context.Context) error {
		d, err := s.svcs.Deliveries.CreateDelivery(ctx, domain.DeliveryCreate{CustomerID: p.c.ID, ScheduledFor: date, Items: items, Quantity: qty, AmountCents: amount})
		if err != nil {
			return fmt.Errorf("failed to create delivery: %w", err)
		}
		*id = d.ID
		return nil
	}}
}

// paymentOp pays what the customer owes at that moment (often all of it,
// sometimes a round part), recorded by the vendor for cash and by the
// admin otherwise.
func (s *seeder) paymentOp(p *plan, at time.Time) op {
	as := s.admin
	if p.method == domain.PaymentCash {
		as = s.vendors[p.vendor]
	}
	full := s.rnd.IntN(10) < 7
	return op{at: at, as: as, run: func(ctx context.Context) error {
		c, err := s.svcs.Customers.FindCustomerByID(ctx, p.c.ID)
		if err != nil {
			return err
		}
		amount := c.BalanceCents
		if !full {
			amount = amount / 2 / 10000 * 10000
		}
		if amount <= 0 {
			return nil
		}
		ref := ""
		switch p.method {
		case domain.PaymentUPI:
			ref = fmt.Sprintf("UPI/%d", 400000000000+s.rnd.Int64N(99999999999))
		case domain.PaymentBankTransfer:
			ref = fmt.Sprintf("NEFT-%08d", s.rnd.IntN(100000000))
		case domain.PaymentCard:
			ref = fmt.Sprintf("card ****%04d", s.rnd.IntN(10000))
		}
		_, err = s.svcs.Payments.AddPayment(ctx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: amount, Method: p.method, Reference: ref})
		return err
	}}
}
