package main

import (
	"testing"
)

func TestParseFrame(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in        string
		kind      frameKind
		nsp       string
		ackID     int64
		event     string
		data      string
		wantError bool
	}{
		{in: `0{"sid":"abc","pingInterval":25000}`, kind: kindOpen, ackID: -1, data: `{"sid":"abc","pingInterval":25000}`},
		{in: `1`, kind: kindClose, ackID: -1},
		{in: `2`, kind: kindPing, ackID: -1},
		{in: `6`, kind: kindNoop, ackID: -1},
		{in: `40{"sid":"x"}`, kind: kindConnect, nsp: "/", ackID: -1, data: `{"sid":"x"}`},
		{in: `40/admin,{"sid":"x"}`, kind: kindConnect, nsp: "/admin", ackID: -1, data: `{"sid":"x"}`},
		{in: `41`, kind: kindDisconnect, nsp: "/", ackID: -1},
		{in: `42["stats:updated",{"seq":7}]`, kind: kindEvent, nsp: "/", ackID: -1, event: "stats:updated", data: `["stats:updated",{"seq":7}]`},
		{in: `4212["bench:ping","x"]`, kind: kindEvent, nsp: "/", ackID: 12, event: "bench:ping", data: `["bench:ping","x"]`},
		{in: `42/admin,3["a\"b",1]`, kind: kindEvent, nsp: "/admin", ackID: 3, event: `a"b`, data: `["a\"b",1]`},
		{in: `4317["1234"]`, kind: kindAck, nsp: "/", ackID: 17, data: `["1234"]`},
		{in: `44{"message":"no"}`, kind: kindConnectError, nsp: "/", ackID: -1, data: `{"message":"no"}`},
		{in: `451-["up",{"_placeholder":true,"num":0}]`, kind: kindOther, nsp: "/", ackID: -1},
		{in: `461-/admin,4["x"]`, kind: kindOther, nsp: "/admin", ackID: 4},
		{in: ``, wantError: true},
		{in: `9`, wantError: true},
		{in: `4`, wantError: true},
		{in: `42{"not":"an array"}`, wantError: true},
		{in: `43["no id"]`, wantError: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			f, err := parseFrame([]byte(tt.in))
			if tt.wantError {
				if err == nil {
					t.Fatalf("parseFrame(%q) = %+v, want an error", tt.in, f)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseFrame(%q): %v", tt.in, err)
			}
			if f.kind != tt.kind || f.nsp != tt.nsp || f.ackID != tt.ackID || string(f.event) != tt.event {
				t.Errorf("parseFrame(%q) = kind %d nsp %q id %d event %q, want kind %d nsp %q id %d event %q",
					tt.in, f.kind, f.nsp, f.ackID, f.event, tt.kind, tt.nsp, tt.ackID, tt.event)
			}
			if tt.data != "" && string(f.data) != tt.data {
				t.Errorf("parseFrame(%q) data = %q, want %q", tt.in, f.data, tt.data)
			}
		})
	}
}

func TestEncoders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		got, want string
	}{
		{string(appendConnect(nil, "")), `40`},
		{string(appendConnect(nil, `ey"J`)), `40{"token":"ey\"J"}`},
		{string(appendEvent(nil, "bench:ping", 5, []byte(`"123"`))), `425["bench:ping","123"]`},
		{string(appendEvent(nil, "hello", -1, nil)), `42["hello"]`},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("encoded %q, want %q", tt.got, tt.want)
		}
	}
	// What we encode, our parser reads back.
	f, err := parseFrame(appendEvent(nil, "bench:ping", 9, []byte(`{"a":1}`)))
	if err != nil || f.kind != kindEvent || f.ackID != 9 || string(f.event) != "bench:ping" {
		t.Errorf("round trip = %+v, %v", f, err)
	}
}

func TestKeys(t *testing.T) {
	t.Parallel()
	payload := []byte(`["stats:updated",{"seq":42,"t0":"1700000000123456789","stats":{"customers":12873},"at":"2026-11-25T10:00:00.000Z"}]`)
	seq, t0, ok := benchKey(payload)
	if !ok || seq != 42 || t0 != 1700000000123456789 {
		t.Errorf("benchKey = %d, %d, %v; want 42, 1700000000123456789, true", seq, t0, ok)
	}
	if _, _, ok := benchKey([]byte(`["stats:updated",{"seq":1}]`)); ok {
		t.Error("benchKey without t0 succeeded")
	}
	ref := paymentReference(7, 1700000000000000001)
	app := []byte(`["payment:added",{"seq":913,"at":"x","payment":{"id":88,"reference":"` + ref + `","amountCents":100},"customer":{"id":1}},"913-0"]`)
	seq, t0, ok = appKey(app)
	if !ok || seq != 7 || t0 != 1700000000000000001 {
		t.Errorf("appKey = %d, %d, %v; want 7, 1700000000000000001, true", seq, t0, ok)
	}
	for _, bad := range []string{`{"reference":"UPI-1"}`, `{"reference":"bench-x-1"}`, `{"reference":"bench-1"}`, `{}`} {
		if _, _, ok := appKey([]byte(bad)); ok {
			t.Errorf("appKey(%s) succeeded", bad)
		}
	}
	if n, ok := fieldInt([]byte(`{"a": -12}`), "a"); !ok || n != -12 {
		t.Errorf("fieldInt with a space and a sign = %d, %v", n, ok)
	}
}
