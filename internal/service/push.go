package service

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

// maxPushDevices is how many subscriptions one user keeps: a new one past
// it replaces the oldest (a browser reinstalled again and again).
const maxPushDevices = 20

// maxEndpointLen bounds a push endpoint (the push services' are ~200-500).
const maxEndpointLen = 2048

// PushPublicKey returns the VAPID public key, creating the pair once.
func (s *service) PushPublicKey(ctx context.Context) (string, error) {
	if _, err := roundActor(ctx); err != nil {
		return "", err
	}
	pub, _, err := s.vapidKeys(ctx)
	return pub, err
}

// VAPIDKeys returns the key pair for signing (system actor only).
func (s *service) VAPIDKeys(ctx context.Context) (string, string, error) {
	if _, err := adminActor(ctx, "read the VAPID private key"); err != nil {
		return "", "", err
	}
	return s.vapidKeys(ctx)
}

// vapidKeys reads the stored pair, or creates it: the first instance to
// insert wins and every instance then reads the same row.
func (s *service) vapidKeys(ctx context.Context) (pub, priv string, err error) {
	read := func(tx *store.Tx) error {
		err := tx.QueryRow(ctx, `SELECT public_key, private_key FROM push_keys WHERE id = 1`).Scan(&pub, &priv)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	}
	if err := s.read(ctx, read); err != nil {
		return "", "", fmt.Errorf("failed to read the VAPID key: %w", err)
	}
	if pub != "" {
		return pub, priv, nil
	}
	key, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return "", "", fmt.Errorf("failed to generate the VAPID key: %w", err)
	}
	b64 := base64.RawURLEncoding.EncodeToString
	err = s.write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO push_keys (id, public_key, private_key, created_at) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
			b64(key.PublicKey().Bytes()), b64(key.Bytes()), micros(s.now())); err != nil {
			return err
		}
		return read(tx)
	})
	if err != nil {
		return "", "", fmt.Errorf("failed to store the VAPID key: %w", err)
	}
	return pub, priv, nil
}

// decodeB64URL decodes base64url with or without padding.
func decodeB64URL(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// checkPushSubscription validates a browser subscription: the endpoint
// (and where it leads: Options.PushEndpointCheck) and its keys.
func (s *service) checkPushSubscription(ctx context.Context, in *domain.PushSubscriptionInput) error {
	if in.Endpoint == "" {
		return domain.Invalid("endpoint", "endpoint is required")
	}
	if len(in.Endpoint) > maxEndpointLen {
		return domain.Invalid("endpoint", "endpoint is longer than %d characters", maxEndpointLen)
	}
	u, err := url.Parse(in.Endpoint)
	if err != nil || u.Host == "" || u.User != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return domain.Invalid("endpoint", "endpoint must be an https URL of a push service")
	}
	check := s.opts.PushEndpointCheck
	if check == nil {
		check = httpsOnly
	}
	if err := check(ctx, in.Endpoint); err != nil {
		return domain.Invalid("endpoint", "%s", err.Error())
	}
	p, err := decodeB64URL(in.Keys.P256dh)
	if err == nil {
		_, err = ecdh.P256().NewPublicKey(p)
	}
	if err != nil {
		return domain.Invalid("keys.p256dh", "keys.p256dh must be a P-256 public key (uncompressed, base64url)")
	}
	if a, err := decodeB64URL(in.Keys.Auth); err != nil || len(a) != 16 {
		return domain.Invalid("keys.auth", "keys.auth must be a 16-byte secret (base64url)")
	}
	return nil
}

// httpsOnly is the endpoint check without a configured one.
func httpsOnly(_ context.Context, endpoint string) error {
	if !strings.HasPrefix(endpoint, "https://") {
		return errors.New("push endpoints must use https")
	}
	return nil
}

// AddPushSubscription stores a subscription of the calling user.
func (s *service) AddPushSubscription(ctx context.Context, in domain.PushSubscriptionInput) (*domain.PushSubscription, error) {
	a, err := roundActor(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.checkPushSubscription(ctx, &in); err != nil {
		return nil, err
	}
	var out domain.PushSubscription
	err = s.writeOnce(ctx, "push.subscribe", in, &out, func(tx *store.Tx) error {
		now := s.now()
		var subs int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM push_subscriptions`).Scan(&subs); err != nil {
			return fmt.Errorf("failed to count push subscriptions: %w", err)
		}
		if subs == 0 {
			// The first subscription: the notifier skipped the log while
			// nobody could be told; it starts from here, not from history.
			last, err := tx.LastEventSeq(ctx)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE push_cursor SET seq = ? WHERE id = 1 AND seq < ?`, last, last); err != nil {
				return fmt.Errorf("failed to move the push cursor: %w", err)
			}
		}
		// Another user's row of this endpoint is this browser's old login.
		if _, err := tx.Exec(ctx, `INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, created_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth, created_at = excluded.created_at`,
			a.UserID, in.Endpoint, in.Keys.P256dh, in.Keys.Auth, micros(now)); err != nil {
			return fmt.Errorf("failed to store the push subscription: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM push_subscriptions WHERE user_id = ? AND id NOT IN
			(SELECT id FROM push_subscriptions WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ?)`, a.UserID, a.UserID, maxPushDevices); err != nil {
			return fmt.Errorf("failed to prune push subscriptions: %w", err)
		}
		var created int64
		if err := tx.QueryRow(ctx, `SELECT id, created_at FROM push_subscriptions WHERE endpoint = ?`, in.Endpoint).Scan(&out.ID, &created); err != nil {
			return fmt.Errorf("failed to read the push subscription: %w", err)
		}
		out.Endpoint, out.CreatedAt = in.Endpoint, fromMicros(created)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// RemovePushSubscription removes the caller's subscription of endpoint.
func (s *service) RemovePushSubscription(ctx context.Context, endpoint string) error {
	a, err := roundActor(ctx)
	if err != nil {
		return err
	}
	if endpoint == "" {
		return domain.Invalid("endpoint", "endpoint is required")
	}
	var done struct{}
	return s.writeOnce(ctx, "push.unsubscribe", endpoint, &done, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM push_subscriptions WHERE endpoint = ? AND user_id = ?`, endpoint, a.UserID)
		return err
	})
}

// DropPushSubscription removes a subscription the push service forgot.
func (s *service) DropPushSubscription(ctx context.Context, id int64) error {
	if _, err := adminActor(ctx, "drop push subscriptions"); err != nil {
		return err
	}
	return s.write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM push_subscriptions WHERE id = ?`, id)
		return err
	})
}

// NotificationPrefs returns the caller's choices.
func (s *service) NotificationPrefs(ctx context.Context) (*domain.NotificationPrefs, error) {
	a, err := roundActor(ctx)
	if err != nil {
		return nil, err
	}
	var p *domain.NotificationPrefs
	err = s.read(ctx, func(tx *store.Tx) (err error) {
		p, err = notificationPrefs(ctx, tx, a)
		return err
	})
	return p, err
}

func notificationPrefs(ctx context.Context, tx *store.Tx, a *domain.Actor) (*domain.NotificationPrefs, error) {
	p := &domain.NotificationPrefs{Kinds: map[domain.PushKind]bool{}}
	for _, k := range domain.PushKinds(a.Role) {
		p.Kinds[k] = true
	}
	rows, err := tx.Query(ctx, `SELECT kind, enabled FROM push_prefs WHERE user_id = ?`, a.UserID)
	if err != nil {
		return nil, fmt.Errorf("failed to read notification choices: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var on int
		if err := rows.Scan(&k, &on); err != nil {
			return nil, fmt.Errorf("failed to read notification choices: %w", err)
		}
		if _, ok := p.Kinds[domain.PushKind(k)]; ok {
			p.Kinds[domain.PushKind(k)] = on == 1
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM push_subscriptions WHERE user_id = ?`, a.UserID).Scan(&p.Devices); err != nil {
		return nil, fmt.Errorf("failed to count push subscriptions: %w", err)
	}
	return p, nil
}

// UpdateNotificationPrefs turns the caller's kinds on or off.
func (s *service) UpdateNotificationPrefs(ctx context.Context, in domain.NotificationPrefsUpdate) (*domain.NotificationPrefs, error) {
	a, err := roundActor(ctx)
	if err != nil {
		return nil, err
	}
	if len(in.Kinds) == 0 {
		return nil, domain.Invalid("kinds", "kinds must name at least one kind to turn on or off")
	}
	allowed := domain.PushKinds(a.Role)
	kinds := make([]string, 0, len(in.Kinds))
	for k := range in.Kinds {
		if !slices.Contains(allowed, k) {
			return nil, domain.Invalid("kinds."+string(k), "%q is not a kind of notification you can receive", k)
		}
		kinds = append(kinds, string(k))
	}
	slices.Sort(kinds)
	var out domain.NotificationPrefs
	err = s.writeOnce(ctx, "notifications.update", in, &out, func(tx *store.Tx) error {
		for _, k := range kinds {
			on := 0
			if in.Kinds[domain.PushKind(k)] {
				on = 1
			}
			if _, err := tx.Exec(ctx, `INSERT INTO push_prefs (user_id, kind, enabled) VALUES (?, ?, ?)
				ON CONFLICT (user_id, kind) DO UPDATE SET enabled = excluded.enabled`, a.UserID, k, on); err != nil {
				return fmt.Errorf("failed to store a notification choice: %w", err)
			}
		}
		p, err := notificationPrefs(ctx, tx, a)
		if err != nil {
			return err
		}
		out = *p
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
