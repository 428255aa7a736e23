package service_test

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

func pushSub(t *testing.T, endpoint string) domain.PushSubscriptionInput {
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.RawURLEncoding.EncodeToString
	return domain.PushSubscriptionInput{Endpoint: endpoint, Keys: domain.PushSubscriptionKeys{P256dh: b64(k.PublicKey().Bytes()), Auth: b64(make([]byte, 16))}}
}

// claimed claims once and describes the messages as "endpoint: title".
func claimed(t *testing.T, svc *service.Services) []string {
	t.Helper()
	c, err := svc.Push.ClaimPushes(domain.WithActor(context.Background(), domain.SystemActor()), 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range c.Messages {
		out = append(out, fmt.Sprintf("%s: %s", m.Endpoint, m.Notification.Title))
	}
	sort.Strings(out)
	return out
}

// TestPushRoundChanges: a staff member is told of today's changes to its
// round (a new delivery, a cancelled stop, a pause with its cancelled
// stop in one message) and of nothing elsewhere (another area, tomorrow);
// the cursor is shared (a second claim gets nothing); turned off, nothing.
// Only admins and the system may claim.
func TestPushRoundChanges(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			clk := &clock{}
			clk.Set(time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC))
			svc := storetest.Services(t, kind, service.Options{Now: clk.Now, Location: time.UTC})
			f := storetest.NewFixture(t, svc)
			a := f.ACtx
			area1 := must(svc.Areas.CreateArea(a, domain.AreaCreate{Name: "Area 1"}))(t)
			area2 := must(svc.Areas.CreateArea(a, domain.AreaCreate{Name: "Area 2"}))(t)
			c1 := must(svc.Customers.CreateCustomer(a, domain.CustomerCreate{Name: "Asha", Phone: "+91 98450 11111", AreaID: area1.ID}))(t)
			c2 := must(svc.Customers.CreateCustomer(a, domain.CustomerCreate{Name: "Bala", Phone: "+91 98450 22222", AreaID: area2.ID}))(t)
			staff := must(svc.Users.CreateUser(a, domain.UserCreate{Email: "priya@example.com", Name: "Priya", Role: domain.RoleStaff,
				Password: storetest.Password, AreaIDs: []int64{area1.ID}}))(t)
			sctx := domain.WithActor(context.Background(), staff.Actor())
			must(svc.Push.AddPushSubscription(sctx, pushSub(t, "https://push.example.com/priya")))(t)
			must(svc.Push.AddPushSubscription(f.AdminCtx, pushSub(t, "https://push.example.com/boss")))(t)
			if _, err := svc.Push.ClaimPushes(a, 100); domain.ErrorCode(err) != domain.CodeForbidden {
				t.Fatalf("a vendor claims: %v", err)
			}
			if got := claimed(t, svc); len(got) != 0 { // places the cursor
				t.Fatalf("first claim = %v", got)
			}
			del := func(c *domain.Customer, day string) *domain.Delivery {
				return must(svc.Deliveries.CreateDelivery(a, domain.DeliveryCreate{CustomerID: c.ID, ScheduledFor: day, Items: "Milk 1L", Quantity: 1, AmountCents: 4500}))(t)
			}
			d1 := del(c1, "2026-12-01")
			del(c2, "2026-12-01")
			del(c1, "2026-12-02")
			if got, want := fmt.Sprint(claimed(t, svc)), "[https://push.example.com/priya: New delivery today]"; got != want {
				t.Fatalf("after three deliveries: %s, want %s", got, want)
			}
			if got := claimed(t, svc); len(got) != 0 {
				t.Fatalf("a second claim got %v", got)
			}
			cancelled := domain.DeliveryCancelled
			must(svc.Deliveries.UpdateDelivery(a, d1.ID, domain.DeliveryUpdate{Status: &cancelled}))(t)
			if got, want := fmt.Sprint(claimed(t, svc)), "[https://push.example.com/priya: Stop cancelled today]"; got != want {
				t.Fatalf("after a cancellation: %s, want %s", got, want)
			}
			// A pause covering today cancels today's generated stop: one message.
			p := must(svc.Products.CreateProduct(a, domain.ProductCreate{Name: "Milk", Unit: "litre", PriceCents: 5000}))(t)
			sub := must(svc.Subscriptions.CreateSubscription(a, domain.SubscriptionCreate{CustomerID: c1.ID, ProductID: p.ID, Quantity: 1,
				Frequency: domain.FrequencyDaily, Shift: domain.ShiftMorning, StartsOn: "2026-12-01"}))(t)
			must(svc.Rounds.GenerateDeliveries(f.AdminCtx, domain.GenerateRequest{Date: "2026-12-01"}))(t)
			claimed(t, svc)
			must(svc.Subscriptions.AddPause(a, sub.ID, domain.PauseCreate{From: "2026-12-01", To: "2026-12-03"}))(t)
			got := claimed(t, svc)
			if len(got) != 1 || got[0] != "https://push.example.com/priya: 2 updates: Paused today" && got[0] != "https://push.example.com/priya: 2 updates: Stop cancelled today" {
				t.Fatalf("after a pause: %v, want one merged message to the staff member", got)
			}
			// Turned off: nothing.
			must(svc.Push.UpdateNotificationPrefs(sctx, domain.NotificationPrefsUpdate{Kinds: map[domain.PushKind]bool{domain.PushRoundChanges: false}}))(t)
			del(c1, "2026-12-01")
			if got := claimed(t, svc); len(got) != 0 {
				t.Fatalf("turned off, got %v", got)
			}
		})
	}
}

// TestClaimPushesOnce: instances claiming the same range at once (here
// four goroutines, as four instances would) send each notification once:
// the cursor moves by compare-and-swap.
func TestClaimPushesOnce(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			svc := storetest.Services(t, kind, service.Options{})
			f := storetest.NewFixture(t, svc)
			must(svc.Push.AddPushSubscription(f.AdminCtx, pushSub(t, "https://push.example.com/boss")))(t)
			claimed(t, svc) // places the cursor
			c := must(svc.Customers.CreateCustomer(f.ACtx, domain.CustomerCreate{Name: "Asha", Phone: "+91 98450 11111"}))(t)
			for i := range 3 {
				ctx, _ := domain.WithIdempotency(f.ACtx, fmt.Sprintf("big-%d", i))
				must(svc.Payments.AddPayment(ctx, domain.PaymentCreate{CustomerID: c.ID, AmountCents: 6_000_000 + int64(i), Method: domain.PaymentCash}))(t)
			}
			got := make(chan int, 4)
			for range 4 {
				go func() {
					c, err := svc.Push.ClaimPushes(domain.WithActor(context.Background(), domain.SystemActor()), 100)
					if err != nil {
						t.Error(err)
						c = &domain.PushClaim{}
					}
					got <- len(c.Messages)
				}()
			}
			total := 0
			for range 4 {
				total += <-got
			}
			if total += len(claimed(t, svc)); total != 3 {
				t.Fatalf("3 large payments gave %d notifications over four claimers, want 3", total)
			}
		})
	}
}
