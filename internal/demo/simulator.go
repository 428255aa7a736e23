package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
)

// Simulator produces live activity through the services, as the system
// actor: deliveries progressing through the workflow, payments arriving,
// new deliveries scheduled and, now and then, a new customer. It needs the
// demo business (or any data) to act on; with nothing to do a step is a
// no-op.
type Simulator struct {
	Svcs     *service.Services
	Rand     *rand.Rand
	Interval time.Duration // mean pause between steps (default 3s)
	Logger   *slog.Logger  // optional
}

// NewSimulator returns a simulator stepping every few seconds.
func NewSimulator(svcs *service.Services, rnd *rand.Rand, logger *slog.Logger) *Simulator {
	return &Simulator{Svcs: svcs, Rand: rnd, Interval: 3 * time.Second, Logger: logger}
}

// Run steps until ctx is done, then returns nil. A failing step is logged
// and the simulator carries on (the database may be busy for a moment).
func (s *Simulator) Run(ctx context.Context) error {
	interval := s.Interval
	if interval <= 0 {
		interval = 3 * time.Second
	}
	for {
		// Jitter the pace between half and one and a half intervals so the
		// activity looks like people rather than a metronome.
		wait := interval/2 + time.Duration(s.Rand.Int64N(int64(interval)))
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		did, err := s.Step(ctx)
		if err != nil && ctx.Err() == nil && s.Logger != nil {
			s.Logger.Warn("demo simulator step failed", "err", err)
		} else if err == nil && did != "" && s.Logger != nil {
			s.Logger.Debug("demo simulator", "did", did)
		}
	}
}

// Step makes one change and says what it did ("" when there was nothing to do).
func (s *Simulator) Step(ctx context.Context) (string, error) {
	ctx = domain.WithActor(ctx, domain.SystemActor())
	actions := []struct {
		weight int
		fn     func(context.Context) (string, error)
	}{
		{33, s.dispatch},
		{30, s.complete},
		{20, s.payment},
		{10, s.schedule},
		{4, s.newCustomer},
		{3, s.customerStatus},
	}
	r := s.Rand.IntN(100)
	start := 0
	for i, a := range actions {
		if r < a.weight {
			start = i
			break
		}
		r -= a.weight
	}
	// Try the chosen action, then the others, until one has something to do.
	for i := range actions {
		did, err := actions[(start+i)%len(actions)].fn(ctx)
		if err != nil || did != "" {
			return did, err
		}
	}
	return "", nil
}

func (s *Simulator) today() string {
	return s.Svcs.Now().In(s.Svcs.Location()).Format("2006-01-02")
}

// randomDelivery picks one of today's deliveries in the given status.
func (s *Simulator) randomDelivery(ctx context.Context, st domain.DeliveryStatus) (*domain.Delivery, error) {
	today := s.today()
	list, _, err := s.Svcs.Deliveries.FindDeliveries(ctx, domain.DeliveryFilter{Status: st, From: today, To: today, Page: domain.Page{Limit: 100}})
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return list[s.Rand.IntN(len(list))], nil
}

func (s *Simulator) move(ctx context.Context, d *domain.Delivery, to domain.DeliveryStatus, note string) (string, error) {
	up := domain.DeliveryUpdate{Status: &to}
	if note != "" {
		up.Note = &note
	}
	if to.NeedsReason() {
		r := domain.ReasonNotHome
		up.Reason = &r
	}
	if _, err := s.Svcs.Deliveries.UpdateDelivery(ctx, d.ID, up); err != nil {
		// Someone else (a user of the demo) moved it first: not a failure.
		if domain.ErrorCode(err) == domain.CodeInvalidTransition {
			return "", nil
		}
		// The customer was paused meanwhile: the drop is not made (and
		// not charged), as a driver would report it.
		if domain.ErrorCode(err) == domain.CodeCustomerNotActive && to == domain.DeliveryDelivered {
			return s.move(ctx, d, domain.DeliveryFailed, "Customer paused")
		}
		return "", fmt.Errorf("failed to move delivery %d to %s: %w", d.ID, to, err)
	}
	return fmt.Sprintf("delivery %d %s", d.ID, to), nil
}

func (s *Simulator) dispatch(ctx context.Context) (string, error) {
	d, err := s.randomDelivery(ctx, domain.DeliveryScheduled)
	if err != nil || d == nil {
		return "", err
	}
	if s.Rand.IntN(30) == 0 {
		return s.move(ctx, d, domain.DeliveryCancelled, "Cancelled by customer")
	}
	return s.move(ctx, d, domain.DeliveryOutForDelivery, "")
}

func (s *Simulator) complete(ctx context.Context) (string, error) {
	d, err := s.randomDelivery(ctx, domain.DeliveryOutForDelivery)
	if err != nil || d == nil {
		return "", err
	}
	if s.Rand.IntN(15) == 0 {
		return s.move(ctx, d, domain.DeliveryFailed, pick(s.Rand, []string{"No one at home", "Door locked", "Gate closed"}))
	}
	return s.move(ctx, d, domain.DeliveryDelivered, "")
}

// randomCustomer picks a customer, active ones when active is set.
func (s *Simulator) randomCustomer(ctx context.Context, active bool) (*domain.Customer, error) {
	f := domain.CustomerFilter{Page: domain.Page{Limit: 1}}
	if active {
		f.Status = domain.CustomerActive
	}
	_, total, err := s.Svcs.Customers.FindCustomers(ctx, f)
	if err != nil || total == 0 {
		return nil, err
	}
	f.Page.Offset = s.Rand.IntN(total)
	list, _, err := s.Svcs.Customers.FindCustomers(ctx, f)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return list[0], nil
}

func (s *Simulator) payment(ctx context.Context) (string, error) {
	// A few tries to find someone who owes money.
	for range 5 {
		c, err := s.randomCustomer(ctx, false)
		if err != nil || c == nil {
			return "", err
		}
		if c.BalanceCents <= 0 {
			continue
		}
		amount := c.BalanceCents
		if s.Rand.IntN(3) == 0 && amount > 20000 {
			amount = amount / 2 / 10000 * 10000
		}
		method := pick(s.Rand, []domain.PaymentMethod{domain.PaymentUPI, domain.PaymentUPI, domain.PaymentCash, domain.PaymentCard, domain.PaymentBankTransfer})
		res, err := s.Svcs.Payments.AddPayment(ctx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: amount, Method: method})
		if err != nil {
			return "", fmt.Errorf("failed to add payment: %w", err)
		}
		return fmt.Sprintf("payment %d of %d from customer %d", res.Payment.ID, amount, c.ID), nil
	}
	return "", nil
}

// schedule books another delivery like the customer's last one, for today
// or tomorrow.
func (s *Simulator) schedule(ctx context.Context) (string, error) {
	c, err := s.randomCustomer(ctx, true)
	if err != nil || c == nil {
		return "", err
	}
	in := domain.DeliveryCreate{CustomerID: c.ID, Items: "Parcel", Quantity: 1, AmountCents: int64(49+s.Rand.IntN(100)) * 100}
	last, _, err := s.Svcs.Deliveries.FindDeliveries(ctx, domain.DeliveryFilter{CustomerID: c.ID, Page: domain.Page{Limit: 1}})
	if err != nil {
		return "", err
	}
	if len(last) > 0 {
		in.Items, in.Quantity, in.AmountCents = last[0].Items, last[0].Quantity, last[0].AmountCents
	}
	day := s.Svcs.Now().In(s.Svcs.Location())
	if s.Rand.IntN(2) == 0 {
		day = day.AddDate(0, 0, 1)
	}
	in.ScheduledFor = day.Format("2006-01-02")
	d, err := s.Svcs.Deliveries.CreateDelivery(ctx, in)
	if domain.ErrorCode(err) == domain.CodeCustomerNotActive {
		return "", nil // paused since it was picked: no delivery, as for anyone
	}
	if err != nil {
		return "", fmt.Errorf("failed to schedule delivery: %w", err)
	}
	return fmt.Sprintf("delivery %d scheduled for %s", d.ID, d.ScheduledFor), nil
}

func (s *Simulator) newCustomer(ctx context.Context) (string, error) {
	vendors, _, err := s.Svcs.Users.FindUsers(ctx, domain.UserFilter{Role: domain.RoleVendor, Status: domain.UserActive})
	if err != nil || len(vendors) == 0 {
		return "", err
	}
	p := randomPerson(s.Rand)
	c, err := s.Svcs.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: p.name, Phone: p.phone, Email: p.email, Address: p.address,
		VendorID: vendors[s.Rand.IntN(len(vendors))].ID})
	if err != nil {
		return "", fmt.Errorf("failed to add customer: %w", err)
	}
	return fmt.Sprintf("customer %d added", c.ID), nil
}

// customerStatus pauses an active customer or brings a paused one back.
func (s *Simulator) customerStatus(ctx context.Context) (string, error) {
	paused, _, err := s.Svcs.Customers.FindCustomers(ctx, domain.CustomerFilter{Status: domain.CustomerPaused, Page: domain.Page{Limit: 20}})
	if err != nil {
		return "", err
	}
	var c *domain.Customer
	to := domain.CustomerPaused
	if len(paused) > 0 && s.Rand.IntN(2) == 0 {
		c, to = paused[s.Rand.IntN(len(paused))], domain.CustomerActive
	} else if c, err = s.randomCustomer(ctx, true); err != nil || c == nil {
		return "", err
	}
	if _, err := s.Svcs.Customers.UpdateCustomer(ctx, c.ID, domain.CustomerUpdate{Status: &to}); err != nil {
		if errors.Is(err, context.Canceled) {
			return "", nil
		}
		return "", fmt.Errorf("failed to change customer status: %w", err)
	}
	return fmt.Sprintf("customer %d %s", c.ID, to), nil
}
