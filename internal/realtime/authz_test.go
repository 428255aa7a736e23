package realtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/auth"
	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/rawsocket"
)

// commands is every client → server event the hub answers.
var commands = []string{CmdPing, CmdStats, CmdDelivery, CmdPayment, CmdAuthRefresh, CmdBulkStatus, CmdAlertAck}

// TestSocketAuthorisationSweep is the socket counterpart of the REST sweep:
// every command as an admin, a vendor, a suspended user and no user (and
// with forged tokens), over real sockets, with the exact outcome of each.
// The scenarios run in order on one database: delivery states carry over.
func TestSocketAuthorisationSweep(t *testing.T) {
	t.Parallel()
	l := startLiveHub(t, Options{CommandRate: 1000})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	// Who cannot connect at all, and why.
	good := strings.Split(l.tok["admin"], ".")
	sid := l.sessionOf(t, l.tok["admin"])
	wrongKey, _, _ := auth.NewTokens([]byte("another-secret-another-secret-!!!!"), time.Hour, nil).Issue(l.fx.Admin, sid)
	expired, _, _ := auth.NewTokens(liveSecret, time.Minute, func() time.Time { return time.Now().Add(-time.Hour) }).Issue(l.fx.Admin, sid)
	l.tok["wrongKey"], l.tok["expired"] = wrongKey, expired
	// A token of a session that has ended (a logout on another device).
	ended, err := l.svc.Sessions.StartSession(ctx, l.fx.VendorB.ID, domain.SessionMeta{})
	if err != nil {
		t.Fatal(err)
	}
	l.tok["ended"], _, _ = l.tokens.Issue(l.fx.VendorB, ended.Session.ID)
	if err := l.svc.Sessions.EndSession(ctx, ended.Session.ID, l.fx.VendorB.ID, domain.SessionLogout); err != nil {
		t.Fatal(err)
	}
	l.tok["algNone"] = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + good[1] + "."
	for _, tt := range []struct{ who, code string }{
		{"", CodeAuthRequired},
		{"suspended", CodeTokenInvalid},
		{"wrongKey", CodeTokenInvalid},
		{"algNone", CodeTokenInvalid},
		{"expired", CodeTokenExpired},
		{"ended", CodeSessionRevoked},
	} {
		c, err := l.dial(t, tt.who)
		var ce *rawsocket.ConnectError
		if !errors.As(err, &ce) || ce.Code() != tt.code {
			t.Errorf("connect as %q: %v, want connect_error %s", tt.who, err, tt.code)
			continue
		}
		// A refused socket's commands reach no handler: no ack, ever.
		cctx, ccancel := context.WithTimeout(ctx, 400*time.Millisecond)
		answered := make(chan string, len(commands))
		var wg sync.WaitGroup
		for _, cmd := range commands {
			wg.Go(func() {
				if a, err := call(cctx, c, cmd, json.RawMessage(`{}`)); err == nil {
					answered <- fmt.Sprintf("%s: %v", cmd, a)
				}
			})
		}
		wg.Wait()
		ccancel()
		close(answered)
		for a := range answered {
			t.Errorf("a command as refused %q was answered: %s", tt.who, a)
		}
	}

	admin, err := l.dial(t, "admin")
	if err != nil {
		t.Fatalf("admin connect: %v", err)
	}
	vendorA, err := l.dial(t, "vendorA")
	if err != nil {
		t.Fatalf("vendor connect: %v", err)
	}
	vendorB, err := l.dial(t, "vendorB")
	if err != nil {
		t.Fatalf("vendor B connect: %v", err)
	}
	staff, err := l.dial(t, "staff")
	if err != nil {
		t.Fatalf("staff connect: %v", err)
	}
	socks := map[string]*rawsocket.Client{"admin": admin, "vendorA": vendorA, "vendorB": vendorB, "staff": staff}
	ids := map[string]string{
		"custA": fmt.Sprint(l.custA), "custB": fmt.Sprint(l.custB),
		"delA": fmt.Sprint(l.delA), "delB": fmt.Sprint(l.delB),
		"custA2": fmt.Sprint(l.custA2), "delA2": fmt.Sprint(l.delA2), "staffTok": l.tok["staff"],
		"adminTok": l.tok["admin"], "vendorATok": l.tok["vendorA"], "vendorBTok": l.tok["vendorB"],
	}
	// vendorA's token of a session that has ended (a logout elsewhere).
	endedA, err := l.svc.Sessions.StartSession(ctx, l.fx.VendorA.ID, domain.SessionMeta{})
	if err != nil {
		t.Fatal(err)
	}
	ids["vendorAEndedTok"], _, _ = l.tokens.Issue(l.fx.VendorA, endedA.Session.ID)
	if err := l.svc.Sessions.EndSession(ctx, endedA.Session.ID, l.fx.VendorA.ID, domain.SessionLogout); err != nil {
		t.Fatal(err)
	}
	expand := func(s string) string {
		for k, v := range ids {
			s = strings.ReplaceAll(s, "{"+k+"}", v)
		}
		return s
	}
	tests := []struct {
		who, cmd, arg string
		wantCode      string // "" = ok
		wantField     string
	}{
		{"admin", CmdPing, ``, "", ""},
		{"vendorA", CmdPing, ``, "", ""},
		{"admin", CmdStats, ``, "", ""},
		{"vendorA", CmdStats, ``, "", ""},
		// alert:ack: admins only.
		{"vendorA", CmdAlertAck, `{"id":1}`, domain.CodeForbidden, ""},
		{"admin", CmdAlertAck, `{"id":999999}`, domain.CodeNotFound, ""},
		{"admin", CmdAlertAck, `{"id":0}`, domain.CodeInvalid, "id"},
		{"admin", CmdAlertAck, `{"id":1,"bogus":1}`, domain.CodeInvalid, "bogus"},
		// delivery:update: a vendor only on its own deliveries; another
		// vendor's is NOT_FOUND, exactly as over REST.
		{"vendorA", CmdDelivery, `{"id":{delB},"status":"out_for_delivery"}`, domain.CodeNotFound, ""},
		{"vendorA", CmdDelivery, `{"id":{delA},"status":"out_for_delivery","idempotencyKey":"a1"}`, "", ""},
		{"vendorA", CmdDelivery, `{"id":{delA},"status":"out_for_delivery","idempotencyKey":"a1"}`, "", ""}, // retried: same result
		{"admin", CmdDelivery, `{"id":{delB},"status":"out_for_delivery"}`, "", ""},
		{"admin", CmdDelivery, `{"id":{delA},"status":"scheduled"}`, domain.CodeInvalidTransition, "status"},
		{"admin", CmdDelivery, `{"id":999999,"status":"delivered"}`, domain.CodeNotFound, ""},
		{"vendorA", CmdDelivery, `{"id":{delA}}`, domain.CodeInvalid, "status"},
		{"vendorA", CmdDelivery, `{"id":0,"status":"delivered"}`, domain.CodeInvalid, "id"},
		{"vendorA", CmdDelivery, ``, domain.CodeInvalid, ""},
		{"vendorA", CmdDelivery, `{"id":{delA},"status":"skipped"}`, domain.CodeInvalid, "reason"},
		// deliveries:status: another vendor's ids are refused per id (the
		// ack is ok, the result says NOT_FOUND); the input rules as REST.
		{"vendorA", CmdBulkStatus, `{"ids":[{delB}],"status":"delivered"}`, "", ""},
		{"vendorA", CmdBulkStatus, `{"ids":[],"status":"delivered"}`, domain.CodeInvalid, "ids"},
		{"admin", CmdBulkStatus, `{"ids":[{delA}],"status":"failed"}`, domain.CodeInvalid, "reason"},
		{"admin", CmdBulkStatus, `{"ids":[{delA}],"status":"delivered","bogus":1}`, domain.CodeInvalid, "bogus"},
		{"vendorA", CmdBulkStatus, ``, domain.CodeInvalid, ""},
		// payment:add: the same rules, plus a required idempotency key.
		{"vendorA", CmdPayment, `{"customerId":{custB},"amountCents":100,"method":"cash","idempotencyKey":"p1"}`, domain.CodeNotFound, "customerId"},
		{"vendorA", CmdPayment, `{"customerId":{custA},"amountCents":100,"method":"cash","idempotencyKey":"p2"}`, "", ""},
		{"admin", CmdPayment, `{"customerId":{custB},"amountCents":100,"method":"upi","idempotencyKey":"p3"}`, "", ""},
		{"admin", CmdPayment, `{"customerId":{custB},"amountCents":100,"method":"upi"}`, domain.CodeIdempotencyKeyRequired, "idempotencyKey"},
		{"vendorB", CmdPayment, `{"customerId":{custB},"amountCents":100,"method":"cash","idempotencyKey":"p2"}`, "", ""}, // A's key, B's own payment: keys are per user
		{"vendorA", CmdPayment, `{"customerId":{custA},"amountCents":101,"method":"cash","idempotencyKey":"p2"}`, domain.CodeIdempotencyKeyReused, "idempotencyKey"},
		{"vendorA", CmdPayment, `{"customerId":{custA},"amountCents":100,"method":"cash","idempotencyKey":"ключ"}`, domain.CodeInvalid, "idempotencyKey"},
		{"admin", CmdPayment, `{"customerId":{custB},"amountCents":-5,"method":"upi","idempotencyKey":"p4"}`, domain.CodeInvalid, "amountCents"},
		{"admin", CmdPayment, `{"customerId":{custB},"amountCents":5,"method":"upi","idempotencyKey":"p5","role":"admin"}`, domain.CodeInvalid, "role"},
		// auth:refresh: only with a valid token of the same user.
		{"vendorA", CmdAuthRefresh, `{"token":"{vendorATok}"}`, "", ""},
		{"vendorA", CmdAuthRefresh, `{"token":"{vendorBTok}"}`, CodeTokenInvalid, ""},
		{"vendorA", CmdAuthRefresh, `{"token":"{adminTok}"}`, CodeTokenInvalid, ""},
		{"admin", CmdAuthRefresh, `{"token":"not.a.jwt"}`, CodeTokenInvalid, ""},
		{"vendorA", CmdAuthRefresh, `{"token":"{vendorAEndedTok}"}`, CodeSessionRevoked, ""},
		// Staff (vendor A, custA's area): their round only, nothing else.
		{"staff", CmdPing, ``, "", ""},
		{"staff", CmdStats, ``, domain.CodeForbidden, ""},
		{"staff", CmdDelivery, `{"id":{delB},"status":"delivered"}`, domain.CodeForbidden, ""},
		{"staff", CmdDelivery, `{"id":{delA2},"status":"delivered"}`, domain.CodeForbidden, ""},
		{"staff", CmdDelivery, `{"id":{delA},"status":"delivered","note":"gate code 1234"}`, domain.CodeForbidden, "note"},
		{"staff", CmdDelivery, `{"id":{delA},"status":"cancelled"}`, domain.CodeForbidden, "status"},
		{"staff", CmdDelivery, `{"id":{delA},"status":"failed"}`, domain.CodeInvalid, "reason"},
		{"staff", CmdDelivery, `{"id":{delA},"status":"delivered","idempotencyKey":"s1"}`, "", ""},
		{"staff", CmdBulkStatus, `{"ids":[{delB},{delA2}],"status":"delivered"}`, "", ""}, // ack ok, each id FORBIDDEN
		{"staff", CmdPayment, `{"customerId":{custA},"amountCents":100,"method":"upi","idempotencyKey":"s2"}`, "", ""},
		{"staff", CmdPayment, `{"customerId":{custA},"amountCents":100,"method":"card","idempotencyKey":"s3"}`, domain.CodeForbidden, "method"},
		{"staff", CmdPayment, `{"customerId":{custA2},"amountCents":100,"method":"cash","idempotencyKey":"s4"}`, domain.CodeForbidden, "customerId"},
		{"staff", CmdPayment, `{"customerId":{custB},"amountCents":100,"method":"cash","idempotencyKey":"s5"}`, domain.CodeForbidden, "customerId"},
		{"staff", CmdAuthRefresh, `{"token":"{staffTok}"}`, "", ""},
		{"staff", CmdAuthRefresh, `{"token":"{vendorATok}"}`, CodeTokenInvalid, ""},
	}
	for i, tt := range tests {
		var arg json.RawMessage
		if tt.arg != "" {
			arg = json.RawMessage(expand(tt.arg))
		}
		a, err := call(ctx, socks[tt.who], tt.cmd, arg)
		if err != nil {
			t.Fatalf("#%d %s %s: %v", i, tt.who, tt.cmd, err)
		}
		switch {
		case tt.wantCode == "" && !a.OK:
			t.Errorf("#%d %s %s %s = %v, want ok", i, tt.who, tt.cmd, tt.arg, a)
		case tt.wantCode != "" && (a.OK || a.Error == nil || a.Error.Code != tt.wantCode || a.Error.Field != tt.wantField):
			t.Errorf("#%d %s %s %s = %v, want error %s (field %q)", i, tt.who, tt.cmd, tt.arg, a, tt.wantCode, tt.wantField)
		}
	}

	// An event the hub does not serve (an admin REST action, say) is
	// never answered, and the socket stays usable.
	for _, who := range []string{"admin", "vendorA", "staff"} {
		cctx, ccancel := context.WithTimeout(ctx, 300*time.Millisecond)
		a, err := call(cctx, socks[who], "users:delete", json.RawMessage(`{"id":1}`))
		ccancel()
		if err == nil {
			t.Errorf("users:delete as %s answered %v", who, a)
		}
		if a, err := call(ctx, socks[who], CmdPing, nil); err != nil || !a.OK {
			t.Errorf("ping as %s after an unknown event: %v %v", who, a, err)
		}
	}
	// Security events (issue 18) reach admins only: a new account is one.
	if _, err := l.svc.Users.CreateUser(l.fx.AdminCtx, domain.UserCreate{Email: "sweep@example.com", Name: "Sweep", Role: domain.RoleVendor, Password: "sweep-password-1"}); err != nil {
		t.Fatal(err)
	}
	if p, err := admin.NextEvent(ctx, EventSecurity); err != nil || !strings.Contains(string(p.Args), `"user_created"`) {
		t.Errorf("admin: security:event = %v, %v", p.Args, err)
	}
	// So do alerts: a payment above the threshold raises one.
	if _, err := l.svc.Alerts.UpdateAlertRules(l.fx.AdminCtx, []byte(`{"large_payment":{"thresholdCents":1000}}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := l.svc.Payments.AddPayment(l.fx.AdminCtx, domain.PaymentCreate{CustomerID: l.custA, AmountCents: 900000, Method: domain.PaymentCash, IdempotencyKey: "sweep-big"}); err != nil {
		t.Fatal(err)
	}
	if err := l.svc.EvaluateAlerts(ctx); err != nil {
		t.Fatal(err)
	}
	if p, err := admin.NextEvent(ctx, EventAlertRaised); err != nil || !strings.Contains(string(p.Args), `"large_payment"`) {
		t.Errorf("admin: alert:raised = %v, %v", p.Args, err)
	}
	for _, who := range []string{"vendorA", "vendorB", "staff"} {
		cctx, ccancel := context.WithTimeout(ctx, 300*time.Millisecond)
		for {
			p, err := socks[who].Next(cctx)
			if err != nil {
				break
			}
			if p.Event == EventSecurity || strings.HasPrefix(p.Event, "alert:") {
				t.Errorf("%s received %s %s", who, p.Event, p.Args)
			}
		}
		ccancel()
	}
}
