package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/auth"
	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// fuzzRoute is a route that takes a JSON body.
type fuzzRoute struct{ method, path string }

// FuzzHandlers sends arbitrary bodies to every route of the API that reads
// a JSON body, through the whole handler (middleware, decoding, validation,
// services, a real SQLite database), as an admin and as a vendor. Whatever
// the body: never a 5xx, never a panic (the recoverer would turn one into a
// 500), and every 4xx is a JSON error body with a code.
func FuzzHandlers(f *testing.F) {
	seeds := []struct {
		route uint8
		body  string
	}{
		{0, `{"email":"admin@example.com","password":"correct horse battery"}`},
		{0, `{"email":"' OR '1'='1","password":"' OR '1'='1"}`},
		{1, `{"refreshToken":"x"}`},
		{1, ``},
		{2, `{"name":"Asha","phone":"+91 98450 12345","email":"a@b.c","address":"12 MG Road","vendorId":{vendorA}}`},
		{2, `{"name":"Robert'); DROP TABLE customers;--","phone":"1","vendorId":{vendorA}}`},
		{2, `{"name":"\ud800\udc00\u0000","phone":"\u202e"}`},
		{3, `{"status":"paused","vendorId":null}`},
		{3, `{"balanceCents":5}`},
		{4, `{"customerId":{custA},"scheduledFor":"2026-01-01","items":"Milk","quantity":2,"amountCents":4500}`},
		{4, `{"customerId":{custA},"scheduledFor":"2026-02-30","quantity":-1,"amountCents":-1}`},
		{5, `{"status":"delivered","idempotencyKey":"k"}`},
		{5, `{"status":"out_for_delivery","note":"%' OR 1=1 --"}`},
		{6, `{"customerId":{custA},"amountCents":100,"method":"upi","idempotencyKey":"k"}`},
		{6, `{"customerId":{custA},"amountCents":9223372036854775807,"method":"cash"}`},
		{6, `{"customerId":{custA},"amountCents":1e400,"method":"cash"}`},
		{7, `{"email":"v@x.y","name":"V","role":"vendor","password":"longenough"}`},
		{7, `{"email":"v@x.y","role":"root","password":"x"}`},
		{8, `{"status":"suspended"}`},
		{8, `{"role":"admin","password":"another-long-one"}`},
		{9, `{"a":` + string(bytes.Repeat([]byte("["), 10000))},
		{9, "\xff\xfe{}"},
		{9, `null`},
	}
	for _, s := range seeds {
		f.Add(s.route, s.body)
	}

	svc := storetest.Services(f, "sqlite", service.Options{})
	fx := storetest.NewFixture(f, svc)
	sys := domain.WithActor(context.Background(), domain.SystemActor())
	victim, err := svc.Users.CreateUser(sys, domain.UserCreate{Email: "victim@example.com", Name: "Victim", Role: domain.RoleVendor, Password: storetest.Password})
	if err != nil {
		f.Fatal(err)
	}
	cust, err := svc.Customers.CreateCustomer(sys, domain.CustomerCreate{Name: "C", Phone: "+91 98450 00001", VendorID: fx.VendorA.ID})
	if err != nil {
		f.Fatal(err)
	}
	del, err := svc.Deliveries.CreateDelivery(sys, domain.DeliveryCreate{CustomerID: cust.ID, ScheduledFor: time.Now().UTC().Format(time.DateOnly), Items: "Milk", Quantity: 1, AmountCents: 100})
	if err != nil {
		f.Fatal(err)
	}
	tokens := auth.NewTokens(apiSecret, time.Hour, nil)
	h := NewServer(Deps{
		Users: svc.Users, Customers: svc.Customers, Deliveries: svc.Deliveries, Payments: svc.Payments,
		Events: svc.Events, Stats: svc.Stats, Sessions: svc.Sessions, Tokens: tokens,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Options: Options{
			LoginPerIP:      auth.NewLimiter(1e9, time.Nanosecond, nil),
			LoginPerAccount: auth.NewLimiter(1e9, time.Nanosecond, nil),
		},
	})
	var toks []string
	for _, u := range []*domain.User{fx.Admin, fx.VendorA} {
		g, err := svc.Sessions.StartSession(context.Background(), u.ID, domain.SessionMeta{})
		if err != nil {
			f.Fatal(err)
		}
		tok, _, err := tokens.Issue(u, g.Session.ID)
		if err != nil {
			f.Fatal(err)
		}
		toks = append(toks, tok)
	}
	routes := []fuzzRoute{
		{"POST", "/api/auth/login"},
		{"POST", "/api/auth/refresh"},
		{"POST", "/api/customers"},
		{"PATCH", fmt.Sprintf("/api/customers/%d", cust.ID)},
		{"POST", "/api/deliveries"},
		{"PATCH", fmt.Sprintf("/api/deliveries/%d", del.ID)},
		{"POST", "/api/payments"},
		{"POST", "/api/users"},
		{"PATCH", fmt.Sprintf("/api/users/%d", victim.ID)},
	}
	vars := map[string]string{"{vendorA}": fmt.Sprint(fx.VendorA.ID), "{custA}": fmt.Sprint(cust.ID)}
	f.Fuzz(func(t *testing.T, route uint8, body string) {
		for k, v := range vars {
			body = stringsReplace(body, k, v)
		}
		r := routes[int(route)%len(routes)]
		for _, tok := range toks {
			req := httptest.NewRequest(r.method, r.path, bytes.NewReader([]byte(body)))
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("%s %s %q = %d: %s", r.method, r.path, body, rec.Code, rec.Body.Bytes())
			}
			var res struct {
				Error *struct {
					Code string `json:"code"`
				} `json:"error"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
				t.Fatalf("%s %s %q = %d, body not JSON: %s", r.method, r.path, body, rec.Code, rec.Body.Bytes())
			}
			if rec.Code >= 400 && (res.Error == nil || res.Error.Code == "") {
				t.Fatalf("%s %s %q = %d without an error code: %s", r.method, r.path, body, rec.Code, rec.Body.Bytes())
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Fatalf("%s %s %q: Content-Type %q", r.method, r.path, body, ct)
			}
		}
	})
}

func stringsReplace(s, old, new string) string {
	return strings.ReplaceAll(s, old, new)
}
