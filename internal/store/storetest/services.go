package storetest

import (
	"context"
	"testing"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"golang.org/x/crypto/bcrypt"
)

// Services returns services over a fresh database of the given kind, with
// the cheapest bcrypt cost unless opts sets one.
func Services(t testing.TB, kind string, opts service.Options) *service.Services {
	t.Helper()
	if opts.PasswordCost == 0 {
		opts.PasswordCost = bcrypt.MinCost
	}
	return service.New(Open(t, kind), opts)
}

// Fixture is a small business for tests: an admin and two vendors, each
// with a context carrying its actor.
type Fixture struct {
	Svc                     *service.Services
	Admin, VendorA, VendorB *domain.User
	AdminCtx, ACtx, BCtx    context.Context
}

// Password is the password of the fixture's users.
const Password = "correct horse battery"

// NewFixture creates the fixture's users through the services, as the
// system actor.
func NewFixture(t testing.TB, svc *service.Services) *Fixture {
	t.Helper()
	sys := domain.WithActor(context.Background(), domain.SystemActor())
	mk := func(email, name string, role domain.Role) *domain.User {
		u, err := svc.Users.CreateUser(sys, domain.UserCreate{Email: email, Name: name, Role: role, Password: Password})
		if err != nil {
			t.Fatalf("storetest: failed to create %s: %v", email, err)
		}
		return u
	}
	f := &Fixture{Svc: svc}
	f.Admin = mk("admin@example.com", "Ada Admin", domain.RoleAdmin)
	f.VendorA = mk("a@example.com", "Vendor A", domain.RoleVendor)
	f.VendorB = mk("b@example.com", "Vendor B", domain.RoleVendor)
	f.AdminCtx = domain.WithActor(context.Background(), f.Admin.Actor())
	f.ACtx = domain.WithActor(context.Background(), f.VendorA.Actor())
	f.BCtx = domain.WithActor(context.Background(), f.VendorB.Actor())
	return f
}
