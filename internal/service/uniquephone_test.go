package service_test

import (
	"testing"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestUniquePhone: with uniquePhone, a phone another customer of the same
// vendor has (by digits) is a CONFLICT on the field phone; without it, or
// for another vendor, the same phone is accepted (a household shares one).
func TestUniquePhone(t *testing.T) {
	t.Parallel()
	each(t, service.Options{}, func(t *testing.T, f *storetest.Fixture) {
		svc, ctx := f.Svc, f.AdminCtx
		asha := must(svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: "Asha", Phone: "+91 98450 12345", VendorID: f.VendorA.ID}))(t)
		_, err := svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: "Ravi", Phone: "+91 (98450) 12345", VendorID: f.VendorA.ID, UniquePhone: true})
		wantCode(t, err, domain.CodeConflict, "phone")
		// Not asked for: the household's second customer is accepted.
		must(svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: "Ravi", Phone: "+91 (98450) 12345", VendorID: f.VendorA.ID}))(t)
		// Another vendor's customer may have the same phone.
		other := must(svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: "Meena", Phone: "+91 98450 12345", VendorID: f.VendorB.ID, UniquePhone: true}))(t)
		// An empty phone is never a duplicate.
		must(svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: "NoPhone1", VendorID: f.VendorA.ID, UniquePhone: true}))(t)
		must(svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: "NoPhone2", VendorID: f.VendorA.ID, UniquePhone: true}))(t)

		// Update: the check runs only when the phone (or vendor) changes, so
		// Asha keeps the phone she shares with Ravi while renamed...
		name := "Asha Rao"
		must(svc.Customers.UpdateCustomer(ctx, asha.ID, domain.CustomerUpdate{Name: &name, UniquePhone: true}))(t)
		// ...but a new phone that Ravi has is refused, and a free one is not.
		phone := "+91-98450-12345"
		_, err = svc.Customers.UpdateCustomer(ctx, asha.ID, domain.CustomerUpdate{Phone: &phone, UniquePhone: true})
		wantCode(t, err, domain.CodeConflict, "phone")
		phone = "+91 98450 99999"
		must(svc.Customers.UpdateCustomer(ctx, asha.ID, domain.CustomerUpdate{Phone: &phone, UniquePhone: true}))(t)
		_, err = svc.Customers.UpdateCustomer(ctx, other.ID, domain.CustomerUpdate{VendorID: &f.VendorA.ID, UniquePhone: true})
		wantCode(t, err, domain.CodeConflict, "phone")
		got := must(svc.Customers.FindCustomerByID(ctx, other.ID))(t)
		if got.VendorID != f.VendorB.ID {
			t.Fatalf("refused move changed the vendor: got %d, want %d", got.VendorID, f.VendorB.ID)
		}
	})
}
