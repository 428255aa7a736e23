package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/livedesk/livedesk/internal/auth"
	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store"
)

var apiSecret = []byte("test-secret-test-secret-test-secret!")

// testAPI is the API on a real database with a few users and records.
type testAPI struct {
	t      *testing.T
	srv    *server
	h      http.Handler
	svc    *service.Services
	tokens *auth.Tokens
	spec   *spec
	logs   *syncBuffer
	vars   map[string]string // placeholders for scenario paths and bodies
	tok    map[string]string // tokens by who
}

func newTestAPI(t *testing.T, db *store.DB, opts Options) *testAPI {
	t.Helper()
	svc := service.New(db, service.Options{PasswordCost: bcrypt.MinCost, ReportsDir: t.TempDir()})
	tokens := auth.NewTokens(apiSecret, 15*time.Minute, nil)
	logs := &syncBuffer{}
	if opts.LoginPerIP == nil {
		opts.LoginPerIP = auth.NewLimiter(1000, time.Millisecond, nil)
	}
	if opts.LoginPerPair == nil {
		opts.LoginPerPair = auth.NewLimiter(1000, time.Millisecond, nil)
	}
	if opts.LoginPerAccount == nil {
		opts.LoginPerAccount = auth.NewLimiter(1000, time.Millisecond, nil)
	}
	s := newServer(Deps{
		Users: svc.Users, Customers: svc.Customers, Deliveries: svc.Deliveries, Payments: svc.Payments,
		Events: svc.Events, Stats: svc.Stats, Reversals: svc.Reversals, Sessions: svc.Sessions, Security: svc.Security, Alerts: svc.Alerts, Settings: svc.Settings, Push: svc.Push, Tokens: tokens,
		Products: svc.Products, Areas: svc.Areas, Subscriptions: svc.Subscriptions, Rounds: svc.Rounds, Statements: svc.Statements, Reports: svc.Reports,
		Logger:  slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Ready:   db.Ping,
		Ops:     func(context.Context) any { return map[string]any{"sockets": 0} },
		Options: opts,
	})
	a := &testAPI{t: t, srv: s, h: s.middleware(s.mux), svc: svc, tokens: tokens, spec: loadSpec(t), logs: logs,
		vars: map[string]string{}, tok: map[string]string{}}
	a.seed()
	return a
}

// seed creates an admin, two vendors, a suspended vendor, a staff member
// of vendor A working its area A (customer A's), and for each vendor a
// customer with one delivery (today, UTC).
func (a *testAPI) seed() {
	t := a.t
	ctx := domain.WithActor(context.Background(), domain.SystemActor())
	mk := func(key, email, name string, role domain.Role) *domain.User {
		u, err := a.svc.Users.CreateUser(ctx, domain.UserCreate{Email: email, Name: name, Role: role, Password: "password-" + key})
		if err != nil {
			t.Fatalf("create user %s: %v", email, err)
		}
		a.vars[key] = fmt.Sprint(u.ID)
		a.tok[key] = a.login(u)
		return u
	}
	mk("admin", "admin@example.com", "Ada Admin", domain.RoleAdmin)
	va := mk("vendorA", "a@example.com", "Vendor A", domain.RoleVendor)
	vb := mk("vendorB", "b@example.com", "Vendor B", domain.RoleVendor)
	sus := mk("suspended", "s@example.com", "Suspended Vendor", domain.RoleVendor)
	st := domain.UserSuspended
	if _, err := a.svc.Users.UpdateUser(ctx, sus.ID, domain.UserUpdate{Status: &st}); err != nil {
		t.Fatalf("suspend: %v", err)
	}
	// Vendor A's first area, worked by vendor A's staff member.
	area, err := a.svc.Areas.CreateArea(ctx, domain.AreaCreate{VendorID: va.ID, Name: "Area 1"})
	if err != nil {
		t.Fatalf("create area: %v", err)
	}
	a.vars["areaA"] = fmt.Sprint(area.ID)
	staff, err := a.svc.Users.CreateUser(ctx, domain.UserCreate{Email: "staff@example.com", Name: "Priya Staff", Role: domain.RoleStaff,
		Password: "password-staff", VendorID: va.ID, AreaIDs: []int64{area.ID}})
	if err != nil {
		t.Fatalf("create staff: %v", err)
	}
	a.vars["staff"] = fmt.Sprint(staff.ID)
	a.tok["staff"] = a.login(staff)
	for key, v := range map[string]*domain.User{"A": va, "B": vb} {
		var areaID int64
		if v == va {
			areaID = area.ID
		}
		c, err := a.svc.Customers.CreateCustomer(ctx, domain.CustomerCreate{Name: "Customer " + key, Phone: "+91 98450 0000" + fmt.Sprint(v.ID%10), VendorID: v.ID, AreaID: areaID})
		if err != nil {
			t.Fatalf("create customer: %v", err)
		}
		a.vars["c"+key] = fmt.Sprint(c.ID)
		d, err := a.svc.Deliveries.CreateDelivery(ctx, domain.DeliveryCreate{CustomerID: c.ID, ScheduledFor: time.Now().UTC().Format(time.DateOnly), Items: "Milk 1L", Quantity: 2, AmountCents: 4500})
		if err != nil {
			t.Fatalf("create delivery: %v", err)
		}
		a.vars["d"+key] = fmt.Sprint(d.ID)
	}
	now := time.Now()
	sid := a.sessionOf(a.tok["vendorA"])
	expired, _, _ := auth.NewTokens(apiSecret, 15*time.Minute, func() time.Time { return now.Add(-time.Hour) }).Issue(va, sid)
	wrongKey, _, _ := auth.NewTokens([]byte("some-other-secret-some-other-secret"), 15*time.Minute, nil).Issue(va, sid)
	a.tok["expired"] = expired
	a.tok["wrongKey"] = wrongKey
	// An unsigned token claiming to be the admin.
	good := strings.Split(a.tok["admin"], ".")
	a.tok["algNone"] = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + good[1] + "."
	a.tok["garbage"] = "not.a.jwt"
	a.vars["adminToken"] = a.tok["admin"]
}

// login starts a session for u, as a login would, and returns its access
// token.
func (a *testAPI) login(u *domain.User) string {
	a.t.Helper()
	g, err := a.svc.Sessions.StartSession(context.Background(), u.ID, domain.SessionMeta{Address: "192.0.2.1"})
	if err != nil {
		a.t.Fatalf("start session for %s: %v", u.Email, err)
	}
	tok, _, err := a.tokens.Issue(u, g.Session.ID)
	if err != nil {
		a.t.Fatal(err)
	}
	return tok
}

// sessionOf returns the session id of a token.
func (a *testAPI) sessionOf(token string) string {
	a.t.Helper()
	c, err := a.tokens.VerifyIgnoringExpiry(token)
	if err != nil {
		a.t.Fatalf("sessionOf: %v", err)
	}
	return c.SessionID
}

// expand replaces {key} placeholders with the seeded ids.
func (a *testAPI) expand(s string) string {
	for k, v := range a.vars {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

// response is a decoded API response.
type response struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

func (r *response) err() (code, field string) {
	e, _ := r.body["error"].(map[string]any)
	code, _ = e["code"].(string)
	field, _ = e["field"].(string)
	return code, field
}

// num reads a number at a dotted path of the body.
func (r *response) num(path string) int64 {
	var v any = r.body
	for _, k := range strings.Split(path, ".") {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	f, _ := v.(float64)
	return int64(f)
}

func (r *response) str(path string) string {
	var v any = r.body
	for _, k := range strings.Split(path, ".") {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	s, _ := v.(string)
	return s
}

func (r *response) items() []any {
	it, _ := r.body["items"].([]any)
	return it
}

// do sends a request as who ("" for no token) and checks that the answer is
// what the OpenAPI document says the route answers.
func (a *testAPI) do(who, method, path, body string, header map[string]string) *response {
	a.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(a.expand(body))
	}
	req := httptest.NewRequest(method, a.expand(path), rd)
	if who != "" {
		tok, ok := a.tok[who]
		if !ok {
			a.t.Fatalf("no token for %q", who)
		}
		tok = a.expand(tok)
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, a.expand(v))
	}
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	res := &response{status: rec.Code, header: rec.Header(), raw: rec.Body.Bytes()}
	if err := json.Unmarshal(res.raw, &res.body); err != nil {
		a.t.Fatalf("%s %s: body is not a JSON object: %v\n%s", method, path, err, res.raw)
	}
	if _, pattern := a.srv.mux.Handler(req); pattern != "" && pattern != "/api/" {
		m, p, _ := strings.Cut(pattern, " ")
		for _, e := range a.spec.checkResponse(m, p, res.status, res.raw) {
			a.t.Errorf("undocumented response: %s\n%s", e, res.raw)
		}
	}
	return res
}

func itoa(n int64) string { return fmt.Sprint(n) }
