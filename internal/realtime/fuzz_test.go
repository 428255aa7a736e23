package realtime

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/rawsocket"
)

// FuzzCommandArgs sends arbitrary arguments to every socket command of a
// real hub, over a real socket, as an admin and as a vendor: decodeArg and
// each command's own validation and service call must answer every input
// with an acknowledgement that is either {ok: true} or a client error
// (never INTERNAL, never silence), and the socket must stay connected.
// Bytes that are not JSON are sent as a JSON string (the packet decoder has
// its own fuzz target in package socketio).
func FuzzCommandArgs(f *testing.F) {
	for _, seed := range []struct {
		cmd uint8
		arg string
	}{
		{0, `{}`},
		{1, `null`},
		{2, `{"id":1,"status":"delivered","note":"left at the door","idempotencyKey":"k"}`},
		{2, `{"id":-1,"status":"delivered"}`},
		{2, `{"id":9223372036854775807,"status":"cancelled"}`},
		{2, `{"id":1.5,"status":"x"}`},
		{2, `{"id":"1","status":"delivered"}`},
		{2, `{"id":1,"status":"delivered","note":"' OR 1=1; DROP TABLE deliveries; --"}`},
		{3, `{"customerId":1,"amountCents":100,"method":"upi","idempotencyKey":"k1"}`},
		{3, `{"customerId":1,"amountCents":9223372036854775807,"method":"cash","idempotencyKey":"k2"}`},
		{3, `{"customerId":1,"amountCents":1e400,"method":"cash","idempotencyKey":"k3"}`},
		{3, `{"customerId":1,"amountCents":100,"method":"cash","reference":"\u0000\ud800","idempotencyKey":"k4"}`},
		{3, `{"customerId":1,"amountCents":100,"method":"cash","idempotencyKey":"k","idempotencyKey":"k5"}`},
		{3, `[{"customerId":1}]`},
		{3, `{"a":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`},
		{4, `{"token":"eyJhbGciOiJub25lIn0.e30."}`},
		{4, `{"token":123}`},
		{4, "\xff\xfe"},
		{5, `"just a string"`},
		{6, `{"_placeholder":true,"num":0}`},
	} {
		f.Add(seed.cmd, []byte(seed.arg))
	}
	l := startLiveHub(f, Options{CommandRate: 1e6})
	var socks []*rawsocket.Client
	for _, who := range []string{"admin", "vendorA"} {
		c, err := l.dial(f, who)
		if err != nil {
			f.Fatalf("connect %s: %v", who, err)
		}
		// Events the fuzzed writes cause must not fill the client's queue.
		go func() {
			for {
				if _, err := c.Next(context.Background()); err != nil {
					return
				}
			}
		}()
		socks = append(socks, c)
	}
	allowed := map[string]bool{
		domain.CodeInvalid: true, domain.CodeNotFound: true, domain.CodeConflict: true,
		domain.CodeInvalidTransition: true, domain.CodeTooLarge: true, domain.CodeForbidden: true,
		CodeTokenInvalid: true, CodeTokenExpired: true, CodeAuthRequired: true,
		// Client errors of the idempotency rules and the business rules: a
		// fuzzed argument may well break them.
		domain.CodeIdempotencyKeyRequired: true, domain.CodeIdempotencyKeyReused: true, domain.CodeIdempotencyKeyInUse: true,
		domain.CodeCustomerNotActive: true, domain.CodeAlreadyReversed: true,
	}
	f.Fuzz(func(t *testing.T, cmd uint8, arg []byte) {
		name := commands[int(cmd)%len(commands)]
		raw := json.RawMessage(arg)
		if !json.Valid(arg) {
			raw, _ = json.Marshal(string(arg))
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		for i, c := range socks {
			a, err := call(ctx, c, name, raw)
			if err != nil {
				t.Fatalf("socket %d: %s(%s): %v", i, name, raw, err)
			}
			if !a.OK && (a.Error == nil || !allowed[a.Error.Code]) {
				t.Fatalf("socket %d: %s(%s) = %v, want ok or a client error", i, name, raw, a)
			}
		}
	})
}
