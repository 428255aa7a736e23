package realtime

import (
	"context"
	"encoding/json"

	"github.com/livedesk/livedesk/internal/domain"
)

// staffEvents are the events a staff member may be sent, when they concern
// its round: never activity:updated (its payload is the whole log entry),
// customer:updated (contact details beyond the round) or figures.
var staffEvents = map[string]bool{
	EventDelivery: true, EventDeliveryReversed: true, EventPayment: true, EventPaymentReversed: true,
	EventSubscription: true, EventGenerated: true,
}

// staffMessage is an event's message for one staff member.
type staffMessage struct {
	userID int64
	msg    Message
}

// staffMessages returns the messages of ev for the staff members it
// concerns (domain.StaffEventService decides, as of now). Each gets the
// entity's message with its own offset part, so that a replay resumes
// exactly where live delivery stopped; deliveries:generated names only the
// deliveries on that member's round.
func (h *Hub) staffMessages(ctx context.Context, ev *domain.Event, msgs []Message) []staffMessage {
	return h.staffMessagesFor(ctx, ev, msgs, h.staffOnline.Load() > 0)
}

func (h *Hub) staffMessagesFor(ctx context.Context, ev *domain.Event, msgs []Message, anyone bool) []staffMessage {
	if !anyone || h.deps.StaffEvents == nil || ev.VendorID == 0 || len(msgs) == 0 || !staffEvents[msgs[0].Name] {
		return nil
	}
	rs, err := h.deps.StaffEvents.StaffRecipients(domain.WithActor(ctx, domain.SystemActor()), ev)
	if err != nil {
		h.log.Warn("realtime: cannot choose the staff an event concerns; they refetch their round", "seq", ev.Seq, "err", err)
		return nil
	}
	out := make([]staffMessage, 0, len(rs))
	for _, r := range rs {
		m := msgs[0]
		if m.Name == EventGenerated {
			var g GeneratedPayload
			if json.Unmarshal(m.Payload, &g) != nil {
				continue
			}
			g.DeliveryIDs, g.Created = r.DeliveryIDs, len(r.DeliveryIDs)
			b, err := json.Marshal(g)
			if err != nil {
				continue
			}
			m.Payload = b
		}
		out = append(out, staffMessage{userID: r.UserID, msg: m})
	}
	return out
}

// staffReplay returns what a staff socket is replayed of ev: its messages
// for this member, as live delivery would send them now.
func (h *Hub) staffReplay(ctx context.Context, d *socketData, ev *domain.Event) []Message {
	if ev.VendorID == 0 || ev.VendorID != d.VendorID {
		return nil
	}
	msgs, err := Messages(ev)
	if err != nil {
		return nil
	}
	var out []Message
	for _, sm := range h.staffMessagesFor(ctx, ev, msgs, true) {
		if sm.userID == d.UserID {
			out = append(out, sm.msg)
		}
	}
	return out
}
