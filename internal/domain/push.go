package domain

import (
	"context"
	"time"
)

// PushKind is a kind of Web Push notification a user may turn on or off.
type PushKind string

const (
	// Admins: a payment above the large_payment alert's threshold, a
	// failure_rate alert raised, and any other critical alert raised.
	PushLargePayment     PushKind = "large_payment"
	PushFailedDeliveries PushKind = "failed_deliveries"
	PushAlerts           PushKind = "alerts"
	// Staff: today's round changed (a new delivery, a pause, a cancelled
	// stop).
	PushRoundChanges PushKind = "round_changes"
)

// PushKinds returns the kinds a role may receive (vendors: none yet).
func PushKinds(r Role) []PushKind {
	switch r {
	case RoleAdmin:
		return []PushKind{PushLargePayment, PushFailedDeliveries, PushAlerts}
	case RoleStaff:
		return []PushKind{PushRoundChanges}
	}
	return []PushKind{}
}

// PushSubscriptionKeys are a browser subscription's keys, base64url: its
// P-256 public key (uncompressed point) and its 16-byte auth secret.
type PushSubscriptionKeys struct {
	P256dh string `json:"p256dh"`
	Auth   string `json:"auth"`
}

// PushSubscriptionInput is a browser's PushSubscription.toJSON().
type PushSubscriptionInput struct {
	Endpoint string               `json:"endpoint"`
	Keys     PushSubscriptionKeys `json:"keys"`
	// ExpirationTime is what browsers send (null); it is not used.
	ExpirationTime *float64 `json:"expirationTime,omitempty"`
}

// PushSubscription is a stored subscription of the calling user.
type PushSubscription struct {
	ID        int64     `json:"id"`
	Endpoint  string    `json:"endpoint"`
	CreatedAt time.Time `json:"createdAt"`
}

// NotificationPrefs are a user's choices: every kind its role may receive,
// on or off, and how many devices are subscribed.
type NotificationPrefs struct {
	Kinds   map[PushKind]bool `json:"kinds"`
	Devices int               `json:"devices"`
}

// NotificationPrefsUpdate turns kinds on or off (others unchanged).
type NotificationPrefsUpdate struct {
	Kinds map[PushKind]bool `json:"kinds"`
}

// PushNotification is what the service worker receives (decrypted) and
// shows: title and body for the system notification, url to open on a
// click, tag to replace an earlier one of the same subject.
type PushNotification struct {
	Kind  PushKind `json:"kind"`
	Title string   `json:"title"`
	Body  string   `json:"body"`
	URL   string   `json:"url"`
	Tag   string   `json:"tag"`
	Seq   int64    `json:"seq"` // the event that caused it
}

// PushMessage is one notification to send to one subscription.
type PushMessage struct {
	SubscriptionID int64
	UserID         int64
	Endpoint       string
	Keys           PushSubscriptionKeys
	Notification   PushNotification
}

// PushClaim is what one ClaimPushes took from the event log.
type PushClaim struct {
	Messages []*PushMessage
	// Skipped counts the messages not made because their user turned that
	// kind off: one per subscription, as each would have been one message.
	Skipped int
	// More says further events may be waiting.
	More bool
}

// PushService keeps the server's VAPID key, the users' subscriptions and
// choices, and turns the event log into notifications.
type PushService interface {
	// PushPublicKey returns the VAPID public key (base64url), creating the
	// key pair once; any signed-in user may read it.
	PushPublicKey(ctx context.Context) (string, error)
	// AddPushSubscription stores a subscription of the calling user; the
	// same endpoint again replaces the earlier one (idempotent).
	AddPushSubscription(ctx context.Context, in PushSubscriptionInput) (*PushSubscription, error)
	// RemovePushSubscription removes the calling user's subscription of
	// that endpoint (nothing when there is none).
	RemovePushSubscription(ctx context.Context, endpoint string) error
	NotificationPrefs(ctx context.Context) (*NotificationPrefs, error)
	UpdateNotificationPrefs(ctx context.Context, in NotificationPrefsUpdate) (*NotificationPrefs, error)

	// The sender's calls (system actor only).
	VAPIDKeys(ctx context.Context) (public, private string, err error)
	// ClaimPushes turns up to limit events after the shared cursor into
	// messages and moves the cursor past them; an instance that lost the
	// race gets none.
	ClaimPushes(ctx context.Context, limit int) (*PushClaim, error)
	// DropPushSubscription removes a subscription the push service no
	// longer knows (404/410).
	DropPushSubscription(ctx context.Context, id int64) error
}
