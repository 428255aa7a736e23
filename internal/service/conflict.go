package service

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

// statusConflict is the error for a delivery change refused because of the
// delivery's present status: a final status re-sent or moved out of
// (INVALID_TRANSITION), or an expectedStatus that no longer holds
// (CONFLICT). It names the status now and who set it when, from the
// delivery's last event, so that a field app that recorded the change
// offline can say "already marked delivered by Priya at 07:12" instead of
// overwriting it (issue 17).
func (s *service) statusConflict(ctx context.Context, tx *store.Tx, d *domain.Delivery, code string) error {
	cur := &domain.DeliveryState{ID: d.ID, Status: d.Status, ChangedAt: d.UpdatedAt}
	var at int64
	err := tx.QueryRow(ctx, `SELECT actor_id, actor_name, at FROM events
		WHERE entity = ? AND entity_id = ? ORDER BY seq DESC LIMIT 1`, domain.EntityDelivery, d.ID).
		Scan(&cur.ChangedByID, &cur.ChangedBy, &at)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		// A delivery older than the log keeps its own timestamp, no name.
	case err != nil:
		return fmt.Errorf("failed to read the delivery's last change: %w", err)
	default:
		cur.ChangedAt = fromMicros(at)
	}
	msg := fmt.Sprintf("already marked %s", humanStatus(d.Status))
	if cur.ChangedBy != "" {
		msg += " by " + cur.ChangedBy
	}
	msg += " at " + cur.ChangedAt.In(s.loc()).Format("15:04")
	return &domain.Error{Code: code, Field: "status", Message: msg, Current: cur}
}

// humanStatus is a status as a sentence says it.
func humanStatus(st domain.DeliveryStatus) string {
	if st == domain.DeliveryOutForDelivery {
		return "out for delivery"
	}
	return string(st)
}
