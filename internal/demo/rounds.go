package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
)

// The demo's products, by vendor kind; the names are the items of the
// history's deliveries, so that a customer's subscription continues what
// the customer was getting.
var catalogProducts = map[vendorKind][]domain.ProductCreate{
	dairy: {
		{Name: "Milk 1L", Unit: "packet", PriceCents: 5600},
		{Name: "Milk 500ml", Unit: "packet", PriceCents: 2900},
		{Name: "Toned milk 1L", Unit: "packet", PriceCents: 5200},
		{Name: "Curd 500g", Unit: "packet", PriceCents: 4500},
	},
	water:   {{Name: "Water can 20L", Unit: "can", PriceCents: 9000}},
	grocery: {{Name: "Groceries", Unit: "box", PriceCents: 150000}},
}

var catalogAreas = map[vendorKind][]string{
	dairy:   {"Indiranagar", "Domlur", "HAL 2nd Stage", "Jeevan Bima Nagar"},
	water:   {"Koramangala 5th Block", "Koramangala 6th Block", "Ejipura", "HSR Layout"},
	grocery: {"Whitefield", "Marathahalli", "Brookefield"},
}

var customerNotes = []string{"Leave at the door", "Ring the bell twice", "Gate code 4521", "Dog in the yard: call first", "Hand to the security desk"}

// roundPlan is what the rounds setup learns at run time: the customer's
// delivery generated for today, which the day's ops then move along.
type roundPlan struct {
	todayID int64
}

// roundOps plans today's rounds: at the start of the business day the
// vendors' products and areas exist, customers sit in walking order, most
// are on subscriptions, and today's deliveries are generated from them, as
// the server's daily job does; through the morning the generated deliveries
// go out and are delivered (a few fail or are skipped, with a reason).
func (s *seeder) roundOps(day int) []op {
	start := s.dayAt(day, 0, 0).Add(30 * time.Second)
	rounds := map[*plan]*roundPlan{}
	ops := []op{{at: start, as: s.admin, run: func(ctx context.Context) error { return s.setupRounds(ctx, rounds) }}}
	for _, p := range s.plans {
		if !p.subscribed || p.joinDay >= day {
			continue
		}
		rp := &roundPlan{}
		rounds[p] = rp
		var out time.Time
		switch vendorCatalog[p.vendor].kind {
		case dairy:
			out = s.dayAt(day, 5, 30+s.rnd.IntN(30))
		case water:
			out = s.dayAt(day, 9+s.rnd.IntN(3), s.rnd.IntN(60))
		default:
			out = s.dayAt(day, 17+s.rnd.IntN(2), s.rnd.IntN(60))
		}
		done := out.Add(time.Duration(10+s.rnd.IntN(80)) * time.Minute)
		final, reason, text := domain.DeliveryDelivered, domain.Reason(""), ""
		switch r := s.rnd.IntN(100); {
		case r < 3:
			final, reason = domain.DeliveryFailed, pick(s.rnd, []domain.Reason{domain.ReasonNotHome, domain.ReasonNoAccess, domain.ReasonRefused})
		case r < 6:
			final, reason, text = domain.DeliverySkipped, domain.ReasonOther, "Asked to skip today"
		}
		v := s.vendors[p.vendor]
		move := func(at time.Time, st domain.DeliveryStatus, reason domain.Reason, text string) op {
			return op{at: at, as: v, run: func(ctx context.Context) error {
				if rp.todayID == 0 {
					return nil // not due today, or the customer is not active
				}
				up := domain.DeliveryUpdate{Status: &st}
				if reason != "" {
					up.Reason = &reason
				}
				if text != "" {
					up.ReasonText = &text
				}
				_, err := s.svcs.Deliveries.UpdateDelivery(ctx, rp.todayID, up)
				if domain.ErrorCode(err) == domain.CodeCustomerNotActive {
					// Paused or stopped later that morning (dayOps): the
					// rest of the round passes this stop by.
					return nil
				}
				return err
			}}
		}
		if final == domain.DeliverySkipped {
			ops = append(ops, move(out, final, reason, text))
			continue
		}
		ops = append(ops, move(out, domain.DeliveryOutForDelivery, "", ""), move(done, final, reason, text))
	}
	return ops
}

// setupRounds creates the catalog, areas and subscriptions and generates
// today's deliveries, recording each subscribed customer's in rounds.
func (s *seeder) setupRounds(ctx context.Context, rounds map[*plan]*roundPlan) error {
	products := make([]map[string]*domain.Product, len(s.vendors))
	areas := make([][]*domain.Area, len(s.vendors))
	for v, vc := range vendorCatalog {
		products[v] = map[string]*domain.Product{}
		for _, in := range catalogProducts[vc.kind] {
			in.VendorID = s.vendors[v].UserID
			pr, err := s.svcs.Products.CreateProduct(ctx, in)
			if err != nil {
				return fmt.Errorf("failed to create product: %w", err)
			}
			products[v][pr.Name] = pr
		}
		for i, name := range catalogAreas[vc.kind] {
			a, err := s.svcs.Areas.CreateArea(ctx, domain.AreaCreate{VendorID: s.vendors[v].UserID, Name: name, SortOrder: (i + 1) * 10})
			if err != nil {
				return fmt.Errorf("failed to create area: %w", err)
			}
			areas[v] = append(areas[v], a)
		}
	}
	positions := map[int64]int{}
	for _, p := range s.plans {
		if p.c == nil {
			continue
		}
		a := areas[p.vendor][s.rnd.IntN(len(areas[p.vendor]))]
		positions[a.ID]++
		pos := positions[a.ID] * 10
		up := domain.CustomerUpdate{AreaID: &a.ID, Position: &pos}
		if s.rnd.IntN(6) == 0 {
			note := pick(s.rnd, customerNotes)
			up.Note = &note
		}
		if _, err := s.svcs.Customers.UpdateCustomer(ctx, p.c.ID, up); err != nil {
			return fmt.Errorf("failed to place customer: %w", err)
		}
		// Inactive customers (they never come back in the demo) keep
		// their history and get no standing order.
		if rounds[p] == nil || p.status == domain.CustomerInactive {
			continue
		}
		if err := s.subscribe(ctx, p, products[p.vendor]); err != nil {
			return err
		}
	}
	res, err := s.svcs.Rounds.GenerateDeliveries(ctx, domain.GenerateRequest{})
	if err != nil {
		return fmt.Errorf("failed to generate today: %w", err)
	}
	list, _, err := s.svcs.Deliveries.FindDeliveries(ctx, domain.DeliveryFilter{From: res.Date, To: res.Date, Page: domain.Page{Limit: 500}})
	if err != nil {
		return err
	}
	byCustomer := map[int64]int64{}
	for _, d := range list {
		if d.SubscriptionID != 0 {
			byCustomer[d.CustomerID] = d.ID
		}
	}
	for p, rp := range rounds {
		rp.todayID = byCustomer[p.c.ID]
	}
	return nil
}

// subscribe gives the customer the standing order its history follows:
// the same item and quantity, on the same days.
func (s *seeder) subscribe(ctx context.Context, p *plan, products map[string]*domain.Product) error {
	item := p.item
	if item == "Groceries" || products[item] == nil {
		item = "Groceries"
	}
	pr := products[item]
	in := domain.SubscriptionCreate{CustomerID: p.c.ID, ProductID: pr.ID, Quantity: p.qty, Shift: domain.ShiftMorning}
	// History day d delivers when (d + offset) % every == 0.
	first := (p.every - p.offset%p.every) % p.every
	switch {
	case p.every == 1:
		in.Frequency = domain.FrequencyDaily
	case p.every == 2:
		in.Frequency, in.StartsOn = domain.FrequencyAlternate, s.dayAt(first, 12, 0).Format(time.DateOnly)
	case p.every == 7:
		wd := domain.Weekdays[(int(s.dayAt(first, 12, 0).Weekday())+6)%7]
		in.Frequency, in.Days, in.Shift = domain.FrequencyWeekly, []string{wd}, domain.ShiftEvening
	default:
		in.Frequency, in.Days = domain.FrequencyCustom, pick(s.rnd, [][]string{{"mon", "thu"}, {"tue", "fri"}, {"wed", "sat"}})
	}
	if in.StartsOn == "" {
		in.StartsOn = s.dayAt(max(p.joinDay, 0), 12, 0).Format(time.DateOnly)
	}
	sub, err := s.svcs.Subscriptions.CreateSubscription(ctx, in)
	if err != nil {
		return fmt.Errorf("failed to subscribe %s: %w", p.name, err)
	}
	if vendorCatalog[p.vendor].kind == grocery {
		// A grocery basket is the customer's own: its rate is what it costs.
		if _, err := s.svcs.Products.SetCustomerRate(ctx, p.c.ID, pr.ID, domain.CustomerRateSet{PriceCents: p.unit}); err != nil {
			return err
		}
	} else if s.rnd.IntN(12) == 0 {
		if _, err := s.svcs.Products.SetCustomerRate(ctx, p.c.ID, pr.ID, domain.CustomerRateSet{PriceCents: pr.PriceCents * 95 / 100}); err != nil {
			return err
		}
	}
	if s.rnd.IntN(20) == 0 {
		now := s.clock
		from := now.AddDate(0, 0, 2+s.rnd.IntN(3)).In(s.loc).Format(time.DateOnly)
		to := now.AddDate(0, 0, 6+s.rnd.IntN(5)).In(s.loc).Format(time.DateOnly)
		if _, err := s.svcs.Subscriptions.AddPause(ctx, sub.ID, domain.PauseCreate{From: from, To: to}); err != nil {
			return err
		}
	}
	return nil
}
