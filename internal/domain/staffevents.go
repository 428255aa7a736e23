package domain

import "context"

// StaffRecipient is a staff member who may receive an event of the log:
// it is on the member's round (its vendor's customers in its areas, its
// shifts, today and tomorrow). DeliveryIDs is set for deliveries.generated
// only: the generated deliveries on that member's round, the only ones it
// may be told of.
type StaffRecipient struct {
	UserID      int64
	DeliveryIDs []int64
}

// StaffEventService says which staff members an event concerns; the
// real-time layer sends them the event (live and in replays), so its
// answer is the staff members' entitlement to events. Only the system
// (admin) actor may ask.
type StaffEventService interface {
	StaffRecipients(ctx context.Context, ev *Event) ([]StaffRecipient, error)
}
