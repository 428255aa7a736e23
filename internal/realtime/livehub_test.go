package realtime

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/auth"
	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/rawsocket"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// liveHub is a hub serving real sockets over HTTP on a real SQLite
// database: an admin, vendors A and B (a customer and a delivery each) and
// a suspended vendor.
type liveHub struct {
	url    string
	hub    *Hub
	fx     *storetest.Fixture
	tokens *auth.Tokens
	tok    map[string]string // access tokens by who
	// customer and delivery ids of vendor A and B
	custA, custB, delA, delB int64
}

var liveSecret = []byte("live-hub-secret-live-hub-secret-!!")

// startLiveHub starts the hub on tb's own database; opts may change the
// command rate and limits.
func startLiveHub(tb testing.TB, opts Options) *liveHub {
	tb.Helper()
	return startLiveHubLog(tb, opts, nil)
}

// startLiveHubLog is startLiveHub with the hub logging to logger.
func startLiveHubLog(tb testing.TB, opts Options, logger *slog.Logger) *liveHub {
	tb.Helper()
	var h *Hub
	svc := storetest.Services(tb, "sqlite", service.Options{OnCommit: func(seq int64) {
		if h != nil {
			h.Notify(seq)
		}
	}})
	fx := storetest.NewFixture(tb, svc)
	tokens := auth.NewTokens(liveSecret, time.Hour, nil)
	h = New(Deps{Users: svc.Users, Deliveries: svc.Deliveries, Payments: svc.Payments, Events: svc.Events,
		Stats: svc.Stats, Tokens: tokens, Logger: logger, Options: opts})
	ctx, cancel := context.WithCancel(context.Background())
	if err := h.Start(ctx); err != nil {
		tb.Fatalf("start hub: %v", err)
	}
	srv := httptest.NewServer(h.Handler())
	tb.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = h.Shutdown(sctx)
		scancel()
		srv.Close()
		cancel()
	})
	l := &liveHub{url: srv.URL, hub: h, fx: fx, tokens: tokens, tok: map[string]string{}}
	sys := domain.WithActor(context.Background(), domain.SystemActor())
	sus, err := svc.Users.CreateUser(sys, domain.UserCreate{Email: "s@example.com", Name: "Suspended", Role: domain.RoleVendor, Password: storetest.Password})
	if err != nil {
		tb.Fatal(err)
	}
	// The token is issued while the user is active, then the user is
	// suspended: the stolen-but-revoked case.
	for who, u := range map[string]*domain.User{"admin": fx.Admin, "vendorA": fx.VendorA, "vendorB": fx.VendorB, "suspended": sus} {
		tok, _, err := tokens.Issue(u)
		if err != nil {
			tb.Fatal(err)
		}
		l.tok[who] = tok
	}
	st := domain.UserSuspended
	if _, err := svc.Users.UpdateUser(sys, sus.ID, domain.UserUpdate{Status: &st}); err != nil {
		tb.Fatal(err)
	}
	for _, v := range []struct {
		vendor    *domain.User
		cust, del *int64
	}{{fx.VendorA, &l.custA, &l.delA}, {fx.VendorB, &l.custB, &l.delB}} {
		c, err := svc.Customers.CreateCustomer(sys, domain.CustomerCreate{Name: "Customer of " + v.vendor.Name, Phone: "+91 98450 00001", VendorID: v.vendor.ID})
		if err != nil {
			tb.Fatal(err)
		}
		d, err := svc.Deliveries.CreateDelivery(sys, domain.DeliveryCreate{CustomerID: c.ID, ScheduledFor: time.Now().UTC().Format(time.DateOnly), Items: "Milk", Quantity: 1, AmountCents: 4500})
		if err != nil {
			tb.Fatal(err)
		}
		*v.cust, *v.del = c.ID, d.ID
	}
	return l
}

// dial connects a socket as who ("" for no token) and returns the client
// and the connect error, if any.
func (l *liveHub) dial(tb testing.TB, who string) (*rawsocket.Client, error) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := rawsocket.Dial(ctx, l.url, rawsocket.Options{})
	if err != nil {
		tb.Fatalf("dial: %v", err)
	}
	tb.Cleanup(c.Close)
	var authObj any = map[string]string{}
	if who != "" {
		authObj = map[string]string{"token": l.tok[who]}
	}
	_, err = c.Connect(ctx, authObj)
	return c, err
}

// ackOf decodes an acknowledgement {ok, data, error}.
type ackOf struct {
	OK    bool            `json:"ok"`
	Data  json.RawMessage `json:"data"`
	Error *domain.Error   `json:"error"`
}

func (a ackOf) String() string {
	if a.OK {
		return "ok " + string(a.Data)
	}
	if a.Error == nil {
		return "error <nil>"
	}
	return fmt.Sprintf("error %s (field %q): %s", a.Error.Code, a.Error.Field, a.Error.Message)
}

// call sends event with one raw argument and decodes its ack.
func call(ctx context.Context, c *rawsocket.Client, event string, arg json.RawMessage) (ackOf, error) {
	var raw json.RawMessage
	var err error
	if arg == nil {
		raw, err = c.Call(ctx, event)
	} else {
		raw, err = c.Call(ctx, event, arg)
	}
	if err != nil {
		return ackOf{}, err
	}
	var a ackOf
	if err := json.Unmarshal(raw, &a); err != nil {
		return ackOf{}, fmt.Errorf("ack %s is not {ok,...}: %w", raw, err)
	}
	return a, nil
}
