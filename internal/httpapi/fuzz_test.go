package httpapi

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/livedesk/livedesk/internal/domain"
)

// FuzzRequestBodies feeds arbitrary bytes to the decoder of every JSON
// request body the API accepts: it must never panic, and must answer either
// success or a client error (INVALID naming what it can, or
// PAYLOAD_TOO_LARGE), never anything a client could mistake for a server
// fault.
func FuzzRequestBodies(f *testing.F) {
	for _, seed := range []string{
		`{"email":"a@b.c","password":"x"}`,
		`{"refreshToken":"x"}`,
		`{"name":"Asha","phone":"+91 98450 12345","vendorId":2}`,
		`{"status":"paused","vendorId":null}`,
		`{"customerId":1,"scheduledFor":"2026-01-01","items":"Milk","quantity":2,"amountCents":4500}`,
		`{"status":"delivered","idempotencyKey":"k"}`,
		`{"customerId":1,"amountCents":100,"method":"upi","idempotencyKey":"k"}`,
		`{"email":"v@x.y","role":"vendor","password":"longenough"}`,
		`{"amountCents":1e400}`,
		`{"quantity":-0.0}`,
		`{"name":"\ud800"}`,
		`{"a":` + strings.Repeat("[", 5000),
		`{"name":"x","name":"y"}`,
		"\xff\xfe{}",
		`null`,
		`{}` + "\n",
	} {
		f.Add([]byte(seed))
	}
	targets := []func() any{
		func() any { return &struct{ Email, Password string }{} },
		func() any { return &domain.CustomerCreate{} },
		func() any { return &domain.CustomerUpdate{} },
		func() any { return &domain.DeliveryCreate{} },
		func() any { return &domain.DeliveryUpdate{} },
		func() any { return &domain.PaymentCreate{} },
		func() any { return &domain.UserCreate{} },
		func() any { return &domain.UserUpdate{} },
	}
	s := newServer(Deps{Options: Options{BodyLimit: 4096}})
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, target := range targets {
			rec := httptest.NewRecorder()
			err := s.decode(rec, httptest.NewRequest("POST", "/", strings.NewReader(string(body))), target())
			switch code := domain.ErrorCode(err); code {
			case "", domain.CodeInvalid, domain.CodeTooLarge:
			default:
				t.Fatalf("decode(%q) = %v (code %s), want success, INVALID or PAYLOAD_TOO_LARGE", body, err, code)
			}
		}
	})
}
