package service

import (
	"context"
	"fmt"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

// moveCustomer does the rest of a customer's move to c.VendorID, in the
// move's transaction: the customer's open deliveries go with it (final
// ones keep the vendor that delivered, failed or cancelled them: revenue
// belongs to the vendor that delivered), and the old vendor is told the
// customer left with a customer.removed event of its own, which names
// nothing but the customer's id and the name the old vendor already knew.
//
// From then on the old vendor sees nothing of the customer: every read and
// write of a customer, its deliveries, payments and ledger is scoped by the
// customer's current vendor.
func moveCustomer(ctx context.Context, tx *store.Tx, a *domain.Actor, now time.Time, c *domain.Customer, oldVendor int64, oldName string) error {
	if _, err := tx.Exec(ctx, `UPDATE deliveries SET vendor_id = ?, updated_at = ? WHERE customer_id = ? AND status IN ('scheduled', 'out_for_delivery')`,
		c.VendorID, micros(now), c.ID); err != nil {
		return fmt.Errorf("failed to move the customer's open deliveries: %w", err)
	}
	summary := fmt.Sprintf("Customer %s moved to another vendor by %s", oldName, a.Name)
	return appendEvent(ctx, tx, a, now, domain.ActionCustomerRemoved, domain.EntityCustomer, c.ID, oldVendor, summary,
		map[string]any{"customerId": c.ID, "reason": "moved"})
}
