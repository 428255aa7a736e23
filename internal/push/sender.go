package push

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	webpush "github.com/SherClockHolmes/webpush-go"

	"github.com/livedesk/livedesk/internal/domain"
)

// Options tune a Sender; zero values take the defaults.
type Options struct {
	Workers      int           // concurrent sends (default 4)
	Queue        int           // messages waiting to be sent; more are dropped (default 1024)
	Timeout      time.Duration // one send, connection included (default 10s)
	PollInterval time.Duration // how often the log is read without a wake-up (default 2s)
	// Subject is the VAPID "sub": a mailto: address or https URL the push
	// services may contact about this server (default mailto:push@livedesk.invalid).
	Subject string
	TTL     int // seconds a push service keeps an undelivered message (default 12h)
}

// Counters are the sender's totals since start, in messages (one
// notification to one subscription).
type Counters struct {
	Sent    int64 // accepted by the push service (2xx)
	Failed  int64 // refused otherwise, not answered, or not sendable (scheme, key)
	Dropped int64 // not sent: the sender's queue was full
	Removed int64 // the push service answered 404/410: the subscription was removed
	Skipped int64 // not made: the user turned that kind of notification off
}

// Sender turns the event log into notifications and sends them, apart
// from every request: writes only wake it.
type Sender struct {
	svc   domain.PushService
	guard *Guard
	log   *slog.Logger
	opts  Options
	http  *http.Client
	queue chan *domain.PushMessage
	wake  chan struct{}

	keysMu    sync.Mutex
	pub, priv string

	sent, failed, dropped, removed, skipped atomic.Int64
}

// New returns a sender; Run starts it.
func New(svc domain.PushService, guard *Guard, logger *slog.Logger, opts Options) *Sender {
	if opts.Workers <= 0 {
		opts.Workers = 4
	}
	if opts.Queue <= 0 {
		opts.Queue = 1024
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = 2 * time.Second
	}
	if opts.Subject == "" {
		opts.Subject = "mailto:push@livedesk.invalid"
	}
	if opts.TTL <= 0 {
		opts.TTL = 12 * 3600
	}
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Sender{svc: svc, guard: guard, log: logger, opts: opts, http: guard.Client(opts.Timeout),
		queue: make(chan *domain.PushMessage, opts.Queue), wake: make(chan struct{}, 1)}
}

// Notify wakes the sender after a commit; it never blocks.
func (s *Sender) Notify() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Counters returns the totals.
func (s *Sender) Counters() Counters {
	return Counters{Sent: s.sent.Load(), Failed: s.failed.Load(), Dropped: s.dropped.Load(), Removed: s.removed.Load(), Skipped: s.skipped.Load()}
}

// Start reads the log once (the very first start of a database places
// the shared cursor at its end, so that no history is sent and nothing
// committed after Start is missed), then runs the sender until ctx ends;
// done is closed when it has stopped.
func (s *Sender) Start(ctx context.Context) (done <-chan struct{}) {
	s.claim(domain.WithActor(ctx, domain.SystemActor()))
	ch := make(chan struct{})
	go func() {
		defer close(ch)
		s.Run(ctx)
	}()
	return ch
}

// Run claims and sends until ctx ends.
func (s *Sender) Run(ctx context.Context) {
	sys := domain.WithActor(ctx, domain.SystemActor())
	var wg sync.WaitGroup
	for range s.opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case m := <-s.queue:
					s.send(sys, m)
				}
			}
		}()
	}
	defer wg.Wait()
	tick := time.NewTicker(s.opts.PollInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-tick.C:
		}
		s.claim(sys)
		// Under a stream of commits, one read of the log (and one move of
		// the shared cursor, a write) per claimGap, not per commit; the
		// commits meanwhile stay coalesced in wake.
		select {
		case <-ctx.Done():
			return
		case <-time.After(claimGap):
		}
	}
}

// claimGap is the least time between two claims.
const claimGap = 200 * time.Millisecond

// claim turns what is new in the log into queued messages.
func (s *Sender) claim(ctx context.Context) {
	for range 20 { // a backlog is taken in slices; the next tick goes on
		c, err := s.svc.ClaimPushes(ctx, 500)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Warn("push: cannot read the log for notifications; retrying", "err", err)
			}
			return
		}
		s.skipped.Add(int64(c.Skipped))
		for _, m := range c.Messages {
			select {
			case s.queue <- m:
			default:
				s.dropped.Add(1)
				s.log.Warn("push: queue full; notification dropped", "user_id", m.UserID, "kind", m.Notification.Kind)
			}
		}
		if !c.More {
			return
		}
	}
}

func (s *Sender) keys(ctx context.Context) (string, string, error) {
	s.keysMu.Lock()
	defer s.keysMu.Unlock()
	if s.pub == "" {
		pub, priv, err := s.svc.VAPIDKeys(ctx)
		if err != nil {
			return "", "", err
		}
		s.pub, s.priv = pub, priv
	}
	return s.pub, s.priv, nil
}

// send delivers one message; a subscription the push service no longer
// knows (404, 410) is removed.
func (s *Sender) send(ctx context.Context, m *domain.PushMessage) {
	err := s.post(ctx, m)
	var gone *goneError
	switch {
	case err == nil:
		s.sent.Add(1)
	case errors.As(err, &gone):
		s.removed.Add(1)
		if err := s.svc.DropPushSubscription(ctx, m.SubscriptionID); err != nil && ctx.Err() == nil {
			s.log.Warn("push: cannot remove a gone subscription", "subscription", m.SubscriptionID, "err", err)
		}
	default:
		s.failed.Add(1)
		if ctx.Err() == nil {
			s.log.Warn("push: send failed", "subscription", m.SubscriptionID, "host", hostOf(m.Endpoint), "err", err)
		}
	}
}

type goneError struct{ status int }

func (e *goneError) Error() string { return fmt.Sprintf("subscription gone (%d)", e.status) }

func (s *Sender) post(ctx context.Context, m *domain.PushMessage) error {
	// The scheme and the allow-list as they are now (the dialer checks the
	// address): a subscription stored under other settings is not sent.
	if err := s.guard.checkScheme(m.Endpoint); err != nil {
		return err
	}
	pub, priv, err := s.keys(ctx)
	if err != nil {
		return err
	}
	body, err := json.Marshal(m.Notification)
	if err != nil {
		return err
	}
	urgency := webpush.UrgencyNormal
	if m.Notification.Kind == domain.PushAlerts || m.Notification.Kind == domain.PushRoundChanges {
		urgency = webpush.UrgencyHigh
	}
	sctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	resp, err := webpush.SendNotificationWithContext(sctx, body,
		&webpush.Subscription{Endpoint: m.Endpoint, Keys: webpush.Keys{P256dh: m.Keys.P256dh, Auth: m.Keys.Auth}},
		&webpush.Options{HTTPClient: s.http, VAPIDPublicKey: pub, VAPIDPrivateKey: priv, TTL: s.opts.TTL, Urgency: urgency,
			// The library adds "mailto:" to anything but an https URL.
			Subscriber: strings.TrimPrefix(s.opts.Subject, "mailto:")})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return &goneError{resp.StatusCode}
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return fmt.Errorf("push service answered %d", resp.StatusCode)
	}
	return nil
}

// checkScheme refuses a plain-http endpoint of a host not allowed.
func (g *Guard) checkScheme(endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil {
		return err
	}
	if u.Scheme == "https" || (u.Scheme == "http" && g.allowed(u.Hostname())) {
		return nil
	}
	return errors.New("push endpoints must use https")
}

func hostOf(endpoint string) string {
	if u, err := url.Parse(endpoint); err == nil {
		return u.Host
	}
	return ""
}
