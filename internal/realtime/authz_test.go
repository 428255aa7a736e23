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
var commands = []string{CmdPing, CmdStats, CmdDelivery, CmdPayment, CmdAuthRefresh}

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
	wrongKey, _, _ := auth.NewTokens([]byte("another-secret-another-secret-!!!!"), time.Hour, nil).Issue(l.fx.Admin)
	expired, _, _ := auth.NewTokens(liveSecret, time.Minute, func() time.Time { return time.Now().Add(-time.Hour) }).Issue(l.fx.Admin)
	l.tok["wrongKey"], l.tok["expired"] = wrongKey, expired
	l.tok["algNone"] = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + good[1] + "."
	for _, tt := range []struct{ who, code string }{
		{"", CodeAuthRequired},
		{"suspended", CodeTokenInvalid},
		{"wrongKey", CodeTokenInvalid},
		{"algNone", CodeTokenInvalid},
		{"expired", CodeTokenExpired},
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
	socks := map[string]*rawsocket.Client{"admin": admin, "vendorA": vendorA}
	ids := map[string]string{
		"custA": fmt.Sprint(l.custA), "custB": fmt.Sprint(l.custB),
		"delA": fmt.Sprint(l.delA), "delB": fmt.Sprint(l.delB),
		"adminTok": l.tok["admin"], "vendorATok": l.tok["vendorA"], "vendorBTok": l.tok["vendorB"],
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
		// payment:add: the same rules, plus a required idempotency key.
		{"vendorA", CmdPayment, `{"customerId":{custB},"amountCents":100,"method":"cash","idempotencyKey":"p1"}`, domain.CodeNotFound, "customerId"},
		{"vendorA", CmdPayment, `{"customerId":{custA},"amountCents":100,"method":"cash","idempotencyKey":"p2"}`, "", ""},
		{"admin", CmdPayment, `{"customerId":{custB},"amountCents":100,"method":"upi","idempotencyKey":"p3"}`, "", ""},
		{"admin", CmdPayment, `{"customerId":{custB},"amountCents":100,"method":"upi"}`, domain.CodeInvalid, "idempotencyKey"},
		{"admin", CmdPayment, `{"customerId":{custB},"amountCents":-5,"method":"upi","idempotencyKey":"p4"}`, domain.CodeInvalid, "amountCents"},
		{"admin", CmdPayment, `{"customerId":{custB},"amountCents":5,"method":"upi","idempotencyKey":"p5","role":"admin"}`, domain.CodeInvalid, "role"},
		// auth:refresh: only with a valid token of the same user.
		{"vendorA", CmdAuthRefresh, `{"token":"{vendorATok}"}`, "", ""},
		{"vendorA", CmdAuthRefresh, `{"token":"{vendorBTok}"}`, CodeTokenInvalid, ""},
		{"vendorA", CmdAuthRefresh, `{"token":"{adminTok}"}`, CodeTokenInvalid, ""},
		{"admin", CmdAuthRefresh, `{"token":"not.a.jwt"}`, CodeTokenInvalid, ""},
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
	for _, who := range []string{"admin", "vendorA"} {
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
}
