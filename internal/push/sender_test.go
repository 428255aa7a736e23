package push

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
)

// fakeLog stands in for the service layer: it hands out messages once and
// records the subscriptions dropped.
type fakeLog struct {
	msgs    []*domain.PushMessage
	dropped chan int64
}

func (f *fakeLog) PushPublicKey(context.Context) (string, error) { return "", nil }
func (f *fakeLog) AddPushSubscription(context.Context, domain.PushSubscriptionInput) (*domain.PushSubscription, error) {
	return nil, nil
}
func (f *fakeLog) RemovePushSubscription(context.Context, string) error { return nil }
func (f *fakeLog) NotificationPrefs(context.Context) (*domain.NotificationPrefs, error) {
	return nil, nil
}
func (f *fakeLog) UpdateNotificationPrefs(context.Context, domain.NotificationPrefsUpdate) (*domain.NotificationPrefs, error) {
	return nil, nil
}

// VAPIDKeys is a fixed, valid P-256 pair.
func (f *fakeLog) VAPIDKeys(context.Context) (string, string, error) {
	return "BDd3_hVL9fZi9Ybo2UUzA284WG5FZR30_95YeZJsiApwXKpNcF1rRPF3foIiBHXRdJI2Qhumhf6_LFTeZaNndIo",
		"xKZKYRNdFFn8iQIF2MH54KTfUHwH105zBdzMR7SI3xI", nil
}

func (f *fakeLog) ClaimPushes(context.Context, int) (*domain.PushClaim, error) {
	m := f.msgs
	f.msgs = nil
	return &domain.PushClaim{Messages: m}, nil
}

func (f *fakeLog) DropPushSubscription(_ context.Context, id int64) error {
	f.dropped <- id
	return nil
}

// TestSenderBoundedAndTimed: a push service that never answers holds no
// more than the workers, each for the send timeout; past the queue,
// messages are dropped (counted), never waited for; a 410 drops its
// subscription.
func TestSenderBoundedAndTimed(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path == "/gone" {
			w.WriteHeader(http.StatusGone)
			return
		}
		select { // hang until the test ends or the client gives up
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	keys := domain.PushSubscriptionKeys{P256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM", Auth: "tBHItJI5svbpez7KI4CCXg"}
	log := &fakeLog{dropped: make(chan int64, 10)}
	for i := range 10 {
		log.msgs = append(log.msgs, &domain.PushMessage{SubscriptionID: int64(i + 1), Endpoint: srv.URL + "/hang/" + strconv.Itoa(i), Keys: keys})
	}
	log.msgs = append([]*domain.PushMessage{{SubscriptionID: 99, Endpoint: srv.URL + "/gone", Keys: keys}}, log.msgs...)
	s := New(log, NewGuard([]string{"127.0.0.1"}), nil, Options{Workers: 2, Queue: 4, Timeout: 300 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	done := s.Start(ctx) // claims synchronously: must not wait for any send
	if d := time.Since(start); d > 200*time.Millisecond {
		t.Fatalf("Start took %v: a claim waited for the sends", d)
	}
	if c := s.Counters(); c.Dropped != 11-4 {
		t.Fatalf("dropped %d of 11 with a queue of 4, want 7", c.Dropped)
	}
	select {
	case id := <-log.dropped:
		if id != 99 {
			t.Fatalf("dropped subscription %d, want 99 (the 410)", id)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the subscription answered 410 was not dropped")
	}
	deadline := time.Now().Add(5 * time.Second)
	for s.Counters().Failed < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("sends to a hanging push service did not time out: %+v", s.Counters())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if c := s.Counters(); c.Removed != 1 || c.Sent != 0 {
		t.Fatalf("counters %+v, want 1 removed, none sent", c)
	}
	cancel()
	<-done
}
