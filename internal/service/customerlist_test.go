package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestCustomerSortAndDues: every sort order, both directions, the dues
// filter, paging under a sort with ties, vendor scoping and the export.
func TestCustomerSortAndDues(t *testing.T) {
	t.Parallel()
	eachClock(t, time.Date(2026, 11, 16, 12, 0, 0, 0, time.UTC), func(t *testing.T, f *storetest.Fixture, clk *clock) {
		svc, ctx := f.Svc, f.AdminCtx
		mk := func(name string, vendor int64, charge int64) *domain.Customer {
			c := newCustomer(t, ctx, svc, name, vendor)
			if charge > 0 {
				d := newDelivery(t, ctx, svc, c.ID, charge)
				must(svc.Deliveries.UpdateDelivery(ctx, d.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryOutForDelivery)}))(t)
				must(svc.Deliveries.UpdateDelivery(ctx, d.ID, domain.DeliveryUpdate{Status: status(domain.DeliveryDelivered)}))(t)
			}
			return c
		}
		pay := func(c *domain.Customer, day int, amount int64) *domain.PaymentResult {
			clk.Set(time.Date(2026, 11, day, 12, 0, 0, 0, time.UTC))
			return must(svc.Payments.AddPayment(ctx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: amount, Method: domain.PaymentCash}))(t)
		}
		asha := mk("Asha", f.VendorA.ID, 1000)
		bina := mk("bina", f.VendorA.ID, 500)
		chandra := mk("chandra", f.VendorA.ID, 800)
		dev := mk("Dev", f.VendorA.ID, 0)
		esha := mk("Esha", f.VendorB.ID, 900)
		pay(asha, 19, 1000)
		pay(chandra, 18, 300)
		reversed := pay(chandra, 20, 200)
		pay(dev, 17, 100)
		must(svc.Reversals.ReversePayment(ctx, reversed.Payment.ID, domain.ReversalCreate{Reason: "bounced"}))(t)

		names := func(list []*domain.Customer) string {
			var s []string
			for _, c := range list {
				s = append(s, c.Name)
			}
			return strings.Join(s, ",")
		}
		yes, no := true, false
		tests := []struct {
			sort string
			dues *bool
			want string
		}{
			{"", nil, "Asha,bina,chandra,Dev"},
			{"name", nil, "Asha,bina,chandra,Dev"},
			{"-name", nil, "Dev,chandra,bina,Asha"},
			{"balance", nil, "Dev,Asha,bina,chandra"},
			{"-balance", nil, "chandra,bina,Asha,Dev"},    // bina and chandra owe 5.00 each: the later id first
			{"lastPayment", nil, "bina,Dev,chandra,Asha"}, // never paid first; chandra's reversed payment does not count
			{"-lastPayment", nil, "Asha,chandra,Dev,bina"},
			{"-balance", &yes, "chandra,bina"},
			{"name", &no, "Asha,Dev"},
		}
		for _, tt := range tests {
			list, total := must2(svc.Customers.FindCustomers(f.ACtx, domain.CustomerFilter{Sort: tt.sort, HasDues: tt.dues, VendorID: f.VendorB.ID}))(t)
			if got := names(list); got != tt.want || total != len(list) {
				t.Errorf("sort %q dues %v: got %s (total %d), want %s", tt.sort, tt.dues, got, total, tt.want)
			}
		}
		listA, _ := must2(svc.Customers.FindCustomers(ctx, domain.CustomerFilter{VendorID: f.VendorA.ID}))(t)
		for _, c := range listA {
			want := map[int64]string{asha.ID: "2026-11-19", chandra.ID: "2026-11-18", dev.ID: "2026-11-17"}[c.ID]
			got := ""
			if c.LastPaymentAt != nil {
				got = c.LastPaymentAt.Format("2006-01-02")
			}
			if got != want {
				t.Errorf("%s lastPaymentAt = %q, want %q", c.Name, got, want)
			}
		}

		// Pages of one under a sort with ties give every customer once, in order.
		var paged []*domain.Customer
		for off := 0; ; off++ {
			list, total := must2(svc.Customers.FindCustomers(ctx, domain.CustomerFilter{Sort: "-balance", Page: domain.Page{Limit: 1, Offset: off}}))(t)
			if total != 5 {
				t.Fatalf("total = %d, want 5", total)
			}
			if len(list) == 0 {
				break
			}
			paged = append(paged, list...)
		}
		if got := names(paged); got != "Esha,chandra,bina,Asha,Dev" {
			t.Errorf("paged -balance = %s", got)
		}

		_, _, err := svc.Customers.FindCustomers(ctx, domain.CustomerFilter{Sort: "-owed"})
		wantCode(t, err, domain.CodeInvalid, "sort")

		exp := must(svc.Customers.ExportCustomers(ctx, domain.CustomerFilter{Sort: "-balance", HasDues: &yes, Page: domain.Page{Limit: 1}}))(t)
		if got := names(exp.Customers); got != "Esha,chandra,bina" {
			t.Errorf("export = %s, want every debtor whatever the page", got)
		}
		if exp.VendorNames[esha.VendorID] != "Vendor B" || exp.VendorNames[bina.VendorID] != "Vendor A" {
			t.Errorf("export vendor names = %v", exp.VendorNames)
		}
		expA := must(svc.Customers.ExportCustomers(f.ACtx, domain.CustomerFilter{VendorID: f.VendorB.ID}))(t)
		if got := names(expA.Customers); got != "Asha,bina,chandra,Dev" || len(expA.VendorNames) != 1 {
			t.Errorf("vendor A's export = %s, vendors %v", got, expA.VendorNames)
		}
		_, err = svc.Customers.ExportCustomers(f.ACtx, domain.CustomerFilter{Sort: "x"})
		wantCode(t, err, domain.CodeInvalid, "sort")
	})
}
