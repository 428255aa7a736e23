package realtime

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
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
	// vendor A's area worked by its staff member (tok["staff"]), where
	// custA lives; custA2 and delA2 are in vendor A's other area.
	areaA, custA2, delA2 int64
	svc                  *service.Services
}

// sessionOf returns the session id of a token.
func (l *liveHub) sessionOf(tb testing.TB, token string) string {
	tb.Helper()
	c, err := l.tokens.VerifyIgnoringExpiry(token)
	if err != nil {
		tb.Fatalf("sessionOf: %v", err)
	}
	return c.SessionID
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
	return startLiveHubOn(tb, "sqlite", opts, logger)
}

// startLiveHubOn is startLiveHubLog on the given database kind.
func startLiveHubOn(tb testing.TB, kind string, opts Options, logger *slog.Logger) *liveHub {
	tb.Helper()
	var h *Hub
	svc := storetest.Services(tb, kind, service.Options{OnCommit: func(seq int64) {
		if h != nil {
			h.Notify(seq)
		}
	}})
	fx := storetest.NewFixture(tb, svc)
	tokens := auth.NewTokens(liveSecret, time.Hour, nil)
	h = New(Deps{Users: svc.Users, Deliveries: svc.Deliveries, Payments: svc.Payments, Events: svc.Events,
		Stats: svc.Stats, Security: svc.Security, Rounds: svc.Rounds, StaffEvents: svc.StaffEvents, Alerts: svc.Alerts, Tokens: tokens, AuthSessions: svc.Sessions, Logger: logger, Options: opts})
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
	l := &liveHub{url: srv.URL, hub: h, fx: fx, tokens: tokens, tok: map[string]string{}, svc: svc}
	sys := domain.WithActor(context.Background(), domain.SystemActor())
	sus, err := svc.Users.CreateUser(sys, domain.UserCreate{Email: "s@example.com", Name: "Suspended", Role: domain.RoleVendor, Password: storetest.Password})
	if err != nil {
		tb.Fatal(err)
	}
	// The token is issued while the user is active, then the user is
	// suspended: the stolen-but-revoked case.
	area, err := svc.Areas.CreateArea(sys, domain.AreaCreate{VendorID: fx.VendorA.ID, Name: "Area 1"})
	if err != nil {
		tb.Fatal(err)
	}
	area2, err := svc.Areas.CreateArea(sys, domain.AreaCreate{VendorID: fx.VendorA.ID, Name: "Area 2"})
	if err != nil {
		tb.Fatal(err)
	}
	l.areaA = area.ID
	staff, err := svc.Users.CreateUser(sys, domain.UserCreate{Email: "staff@example.com", Name: "Priya Staff", Role: domain.RoleStaff,
		Password: storetest.Password, VendorID: fx.VendorA.ID, AreaIDs: []int64{area.ID}})
	if err != nil {
		tb.Fatal(err)
	}
	for who, u := range map[string]*domain.User{"admin": fx.Admin, "vendorA": fx.VendorA, "vendorB": fx.VendorB, "suspended": sus, "staff": staff} {
		g, err := svc.Sessions.StartSession(context.Background(), u.ID, domain.SessionMeta{})
		if err != nil {
			tb.Fatal(err)
		}
		tok, _, err := tokens.Issue(u, g.Session.ID)
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
		area      int64
		cust, del *int64
	}{{fx.VendorA, area.ID, &l.custA, &l.delA}, {fx.VendorB, 0, &l.custB, &l.delB}, {fx.VendorA, area2.ID, &l.custA2, &l.delA2}} {
		c, err := svc.Customers.CreateCustomer(sys, domain.CustomerCreate{Name: "Customer of " + v.vendor.Name, Phone: "+91 98450 00001", VendorID: v.vendor.ID, AreaID: v.area})
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

// mustDial is dial failing tb when who's connection is refused.
func (l *liveHub) mustDial(tb testing.TB, who string) *rawsocket.Client {
	tb.Helper()
	c, err := l.dial(tb, who)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// resume connects a socket to the hub at url as who, resuming session pid
// from offset; the socket closes when tb ends.
func (l *liveHub) resume(ctx context.Context, tb testing.TB, url, who, pid, offset string) *rawsocket.Client {
	tb.Helper()
	c, _, err := rawsocket.Dial(ctx, url, rawsocket.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(c.Close)
	if _, err := c.Connect(ctx, map[string]string{"token": l.tok[who], "pid": pid, "offset": offset}); err != nil {
		tb.Fatalf("resume as %s: %v", who, err)
	}
	return c
}

// eachLiveHub runs test in a parallel subtest per database kind, each on
// its own hub started with opts.
func eachLiveHub(t *testing.T, opts Options, test func(t *testing.T, l *liveHub)) {
	t.Helper()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			test(t, startLiveHubOn(t, kind, opts, nil))
		})
	}
}

// largePaymentAlerts sets the large-payment rule's threshold to 1000 cents
// and returns the event log's epoch and last seq: the point to resume from
// to be replayed what follows.
func (l *liveHub) largePaymentAlerts(tb testing.TB) (epoch string, before int64) {
	tb.Helper()
	svc := l.fx.Svc
	if _, err := svc.Alerts.UpdateAlertRules(l.fx.AdminCtx, []byte(`{"large_payment":{"thresholdCents":1000}}`)); err != nil {
		tb.Fatal(err)
	}
	before, err := svc.Events.LastSeq(l.fx.AdminCtx)
	if err != nil {
		tb.Fatal(err)
	}
	epoch, err = svc.Events.Epoch(l.fx.AdminCtx)
	if err != nil {
		tb.Fatal(err)
	}
	return epoch, before
}

// forgetfulTwin starts a second hub on l's database that kept no session
// (a client's offset is all it has to resume from) and returns its URL.
func (l *liveHub) forgetfulTwin(ctx context.Context, tb testing.TB) string {
	tb.Helper()
	d := l.hub.deps
	d.Sessions = NewDurableSessions(noSessions{}, time.Minute)
	d.Options = Options{}
	other := New(d)
	if err := other.Start(ctx); err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(other.Handler())
	tb.Cleanup(srv.Close)
	return srv.URL
}

// nothingAboutUntil reads a vendor's packets until its own
// delivery:updated arrives (the sentinel, made after every change of
// entity), failing on any event of entity on the way (entity + ":..." or
// one naming "entity":entity).
func nothingAboutUntil(t *testing.T, ctx context.Context, c *rawsocket.Client, entity string) {
	t.Helper()
	for {
		p, err := c.Next(ctx)
		if err != nil {
			t.Fatalf("waiting for the sentinel delivery:updated: %v", err)
		}
		if strings.HasPrefix(p.Event, entity+":") || strings.Contains(string(p.Args), `"entity":"`+entity+`"`) {
			t.Fatalf("a vendor received %s %s", p.Event, p.Args)
		}
		if p.Event == EventDelivery {
			return
		}
	}
}

// nextOffset waits for c's next activity:updated and returns the offset
// it carries as its last argument.
func nextOffset(ctx context.Context, tb testing.TB, c *rawsocket.Client) string {
	tb.Helper()
	got, err := c.NextEvent(ctx, EventActivity)
	if err != nil {
		tb.Fatal(err)
	}
	var args []json.RawMessage
	var offset string
	if err := json.Unmarshal(got.Args, &args); err != nil || json.Unmarshal(args[len(args)-1], &offset) != nil {
		tb.Fatalf("no offset in %s", got.Args)
	}
	return offset
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
