package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// pollingSession is an Engine.IO session over long-polling, by hand.
type pollingSession struct {
	t   *testing.T
	url string // with &sid=
	sid string
}

func openPolling(t *testing.T, base string) *pollingSession {
	t.Helper()
	u := base + "/socket.io/?EIO=4&transport=polling"
	body := httpDo(t, "GET", u, "")
	var hs struct {
		SID string `json:"sid"`
	}
	if err := json.Unmarshal([]byte(strings.TrimPrefix(body, "0")), &hs); err != nil || hs.SID == "" {
		t.Fatalf("handshake answer %q", body)
	}
	return &pollingSession{t: t, url: u + "&sid=" + hs.SID, sid: hs.SID}
}

func (p *pollingSession) post(packet string) { p.t.Helper(); httpDo(p.t, "POST", p.url, packet) }
func (p *pollingSession) get() string        { p.t.Helper(); return httpDo(p.t, "GET", p.url, "") }

// httpDo sends a request and returns the body, whatever the status.
func httpDo(t *testing.T, method, url, body string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// TestDebugLogHoldsNoSecrets runs the server at debug level through
// logins, a refresh, sockets over long-polling and WebSocket, commands, a
// malformed packet, and requests refused with credentials in their query
// string: the log names none of the access tokens, the refresh token, the
// Engine.IO session ids (a polling session's only credential) or the
// recovery ids, and no query string.
func TestDebugLogHoldsNoSecrets(t *testing.T) {
	t.Parallel()
	log := &lockedWriter{}
	a := startAppLog(t, log, "--log-level", "debug")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	secrets := map[string]string{"admin token": a.admin.token, "vendor token": a.vendor.token, "other token": a.other.token}

	login := a.admin.must(200, "POST", "/api/auth/login", map[string]any{"email": "boss@app.test", "password": "boss-password"})
	refresh, _ := login["refreshToken"].(string)
	secrets["refresh token"] = refresh
	secrets["login token"], _ = login["token"].(string)
	refreshed := (&client{t: t, base: a.base}).must(200, "POST", "/api/auth/refresh", map[string]any{"refreshToken": refresh})
	secrets["refreshed token"], _ = refreshed["token"].(string)
	a.admin.must(200, "GET", "/api/me?token="+a.admin.token+"&search=x", nil)

	// A socket over long-polling: connect, a command, a clean close.
	p := openPolling(t, a.base)
	secrets["polling sid"] = p.sid
	p.post(`40{"token":"` + a.vendor.token + `"}`)
	if got := p.get(); !strings.HasPrefix(got, "40") {
		t.Fatalf("CONNECT over polling = %q", got)
	}
	p.post(`421["ping"]`)
	for got := ""; !strings.Contains(got, "431["); {
		got = p.get()
	}
	// Requests refused with the session's id and a token in the query.
	httpDo(t, "GET", a.base+"/socket.io/?EIO=3&transport=polling&sid="+p.sid+"&token="+a.vendor.token, "")
	httpDo(t, "GET", a.base+"/socket.io/?EIO=4&transport=carrier-pigeon&sid="+p.sid+"&token="+a.vendor.token, "")
	httpDo(t, "GET", a.base+"/socket.io/?EIO=4&transport=polling&sid="+p.sid+"x&token="+a.vendor.token, "")
	p.post("1")

	// A second polling session closed for a malformed packet.
	bad := openPolling(t, a.base)
	secrets["malformed polling sid"] = bad.sid
	bad.post(`4{{{`)

	// A socket over WebSocket.
	ws := a.socket(a.other.token)
	secrets["websocket sid"] = ws.SID
	if ws.PID != "" {
		secrets["recovery pid"] = ws.PID
	}
	if _, err := ws.CallJSON(ctx, "ping"); err != nil {
		t.Fatal(err)
	}
	ws.Close()

	// The closes are logged asynchronously.
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(log.String(), "engineio: session closed") < 3 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	got := log.String()
	for _, want := range []string{"engineio: session opened", "engineio: session closed", "engineio: request refused", "level=DEBUG"} {
		if !strings.Contains(got, want) {
			t.Fatalf("the debug log has no %q: the test saw nothing\n%s", want, got)
		}
	}
	for name, secret := range secrets {
		if secret == "" {
			t.Fatalf("no %s to look for", name)
		}
		if strings.Contains(got, secret) {
			t.Errorf("the debug log holds the %s", name)
		}
	}
	for _, q := range []string{"EIO=", "token=", "search="} {
		if strings.Contains(got, q) {
			t.Errorf("the debug log holds a query string (%q)", q)
		}
	}
	if t.Failed() {
		fmt.Println(got)
	}
}
