package engineio

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

func TestHandshake(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		opts         Options
		ws           bool
		wantUpgrades []string
	}{
		{"polling", Options{}, false, []string{"websocket"}},
		{"polling without upgrades", Options{DisableUpgrades: true}, false, []string{}},
		{"polling only", Options{Transports: []string{"polling"}}, false, []string{}},
		{"websocket", Options{}, true, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.opts.PingInterval = 300 * time.Millisecond
			tt.opts.PingTimeout = 200 * time.Millisecond
			h := newHarness(t, tt.opts)
			var body string
			if tt.ws {
				ws := h.dial(h.wsURL(""), nil)
				_, body = readWS(t, ws)
			} else {
				var status int
				status, body = h.get("")
				if status != 200 {
					t.Fatalf("status = %d, want 200", status)
				}
			}
			if body[0] != '0' {
				t.Fatalf("body = %q, want an open packet", body)
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(body[1:]), &got); err != nil {
				t.Fatal(err)
			}
			if len(got) != 5 {
				t.Errorf("keys = %v, want exactly sid, upgrades, pingInterval, pingTimeout, maxPayload", got)
			}
			if sid, _ := got["sid"].(string); len(sid) != 20 {
				t.Errorf("sid = %v, want 20 characters", got["sid"])
			}
			ups, _ := json.Marshal(got["upgrades"])
			want, _ := json.Marshal(tt.wantUpgrades)
			if string(ups) != string(want) {
				t.Errorf("upgrades = %s, want %s", ups, want)
			}
			if got["pingInterval"] != 300.0 || got["pingTimeout"] != 200.0 || got["maxPayload"] != 1e6 {
				t.Errorf("timings = %v", got)
			}
			c := h.nextConn()
			if h.srv.Count() != 1 {
				t.Errorf("Count() = %d, want 1", h.srv.Count())
			}
			wantTransport := "polling"
			if tt.ws {
				wantTransport = "websocket"
			}
			if c.Transport() != wantTransport {
				t.Errorf("Transport() = %q, want %q", c.Transport(), wantTransport)
			}
		})
	}
}

func TestErrorAnswers(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{
		Transports: []string{"polling", "websocket"},
		AllowRequest: func(r *http.Request) error {
			if r.Header.Get("X-Deny") != "" {
				return errors.New("denied")
			}
			return nil
		},
	})
	sid, _ := h.openPolling()
	base := h.url
	tests := []struct {
		name       string
		method     string
		query      string
		header     http.Header
		wantStatus int
		wantCode   ErrorCode
	}{
		{"missing transport", "GET", "?EIO=4", nil, 400, CodeUnknownTransport},
		{"unknown transport", "GET", "?EIO=4&transport=abc", nil, 400, CodeUnknownTransport},
		{"unknown sid", "GET", "?EIO=4&transport=polling&sid=nope", nil, 400, CodeUnknownSID},
		{"unknown sid on POST", "POST", "?EIO=4&transport=polling&sid=nope", nil, 400, CodeUnknownSID},
		{"POST handshake", "POST", "?EIO=4&transport=polling", nil, 400, CodeBadHandshakeMethod},
		{"PUT handshake", "PUT", "?EIO=4&transport=polling", nil, 400, CodeBadHandshakeMethod},
		{"PUT on a session", "PUT", "?EIO=4&transport=polling&sid=" + sid, nil, 400, CodeBadRequest},
		{"websocket without upgrade", "GET", "?EIO=4&transport=websocket", nil, 400, CodeBadRequest},
		{"refused by AllowRequest", "GET", "?EIO=4&transport=polling", http.Header{"X-Deny": {"1"}}, 403, CodeForbidden},
		{"EIO=3", "GET", "?EIO=3&transport=polling", nil, 400, CodeUnsupportedVersion},
		{"missing EIO", "GET", "?transport=polling", nil, 400, CodeUnsupportedVersion},
		{"EIO=abc", "GET", "?EIO=abc&transport=polling", nil, 400, CodeUnsupportedVersion},
		{"EIO=5", "GET", "?EIO=5&transport=polling", nil, 400, CodeUnsupportedVersion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, hdr := h.do(tt.method, base+tt.query, "", tt.header)
			if status != tt.wantStatus {
				t.Errorf("status = %d, want %d", status, tt.wantStatus)
			}
			want := `{"code":` + string(rune('0'+tt.wantCode)) + `,"message":"` + tt.wantCode.Message() + `"}`
			if body != want {
				t.Errorf("body = %s, want %s", body, want)
			}
			if ct := hdr.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
		})
	}
}

func TestWebSocketHandshakeRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	tests := []struct {
		name   string
		query  string
		header http.Header
		status int
	}{
		{"missing EIO", "?transport=websocket", nil, 400},
		{"EIO=3", "?EIO=3&transport=websocket", nil, 400},
		{"missing transport", "?EIO=4", nil, 400},
		{"unknown sid", "?EIO=4&transport=websocket&sid=nope", nil, 400},
		{"cross-site origin", "?EIO=4&transport=websocket", http.Header{"Origin": {"https://evil.example"}}, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := strings.Replace(h.url, "http", "ws", 1) + tt.query
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			_, res, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: tt.header})
			if err == nil {
				t.Fatal("dial succeeded, want refusal")
			}
			if res == nil || res.StatusCode != tt.status {
				t.Fatalf("response = %v, want status %d", res, tt.status)
			}
		})
	}
}

func TestTransportsOption(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{Transports: []string{"websocket"}})
	if status, body := h.get(""); status != 400 || !strings.Contains(body, `"code":0`) {
		t.Errorf("polling handshake = %d %s, want 400 code 0", status, body)
	}
	h.openWS()
}

func TestUpgradeOptions(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{DisableUpgrades: true})
	sid, _ := h.openPolling()
	ws := h.dial(h.wsURL(sid), nil)
	if err := waitWSClosed(t, ws); websocket.CloseStatus(err) != websocket.StatusPolicyViolation {
		t.Errorf("close = %v, want policy violation", err)
	}
	// The polling session is unharmed.
	if status, body := h.post(sid, "4still here"); status != 200 || body != "ok" {
		t.Fatalf("POST = %d %q", status, body)
	}
	if status, body := h.get(sid); status != 200 || body != "4still here" {
		t.Errorf("GET = %d %q, want 200 4still here", status, body)
	}
}

func TestConnRequest(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	_, _, _ = h.do("GET", h.pollURL("")+"&token=abc", "", http.Header{"X-Client": {"test"}})
	c := h.nextConn()
	r := c.Request()
	if got := r.URL.Query().Get("token"); got != "abc" {
		t.Errorf("query token = %q, want abc", got)
	}
	if got := r.Header.Get("X-Client"); got != "test" {
		t.Errorf("header = %q, want test", got)
	}
	if r.RemoteAddr == "" {
		t.Error("RemoteAddr is empty")
	}
	if r.Body != http.NoBody {
		t.Error("Body should be http.NoBody")
	}
}

func TestOptionsDefaults(t *testing.T) {
	t.Parallel()
	o := NewServer(Options{}).opts
	checks := []struct {
		name      string
		got, want any
	}{
		{"PingInterval", o.PingInterval, 25 * time.Second},
		{"PingTimeout", o.PingTimeout, 20 * time.Second},
		{"UpgradeTimeout", o.UpgradeTimeout, 10 * time.Second},
		{"MaxPayload", o.MaxPayload, int64(1_000_000)},
		{"Transports", strings.Join(o.Transports, ","), "polling,websocket"},
		{"SendQueue", o.SendQueue, 1024},
		{"Logger set", o.Logger != nil, true},
		{"CheckOrigin set", o.CheckOrigin != nil, true},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}
