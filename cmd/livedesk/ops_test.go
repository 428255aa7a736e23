package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// scrape reads /metrics (url, on the metrics listener) into a map from
// series (name{labels}) to value.
func scrape(t *testing.T, url string) map[string]float64 {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics = %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	m := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("bad metrics line %q", line)
		}
		m[line[:i]] = v
	}
	return m
}

// TestMetricsAndOps checks that /metrics counts what happened (a socket, a
// command, API requests, database transactions, the Go runtime) and that
// the admin-only /api/ops shows the live figures.
func TestMetricsAndOps(t *testing.T) {
	t.Parallel()
	a := startApp(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s := a.socket(a.admin.token)
	if _, err := s.CallJSON(ctx, "ping"); err != nil {
		t.Fatal(err)
	}
	if err := s.Emit(ctx, "no:such:command", 1); err != nil {
		t.Fatal(err)
	}
	a.admin.must(201, "POST", "/api/payments", map[string]any{"customerId": a.custA, "amountCents": 100, "method": "cash", "idempotencyKey": "m1"})
	if _, err := s.NextEvent(ctx, "payment:added"); err != nil {
		t.Fatalf("payment:added: %v", err)
	}
	a.vendor.must(404, "GET", "/api/customers/999999", nil)

	// The figures are on --metrics-addr only: the public port answers 404
	// (not the dashboard's page) for /metrics and anything below it.
	for _, path := range []string{"/metrics", "/metrics/", "/metrics?x=1"} {
		resp, err := http.Get(a.base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound || strings.Contains(string(body), "livedesk_") {
			t.Fatalf("GET %s on the public port = %d %.80q, want 404 without metrics", path, resp.StatusCode, body)
		}
	}
	m := scrape(t, a.metrics)
	for _, want := range []struct {
		series string
		min    float64
	}{
		{`livedesk_engineio_sessions{transport="websocket"}`, 1},
		{`livedesk_engineio_handshakes_total{transport="websocket"}`, 1},
		{`livedesk_socketio_sockets`, 1},
		{`livedesk_socketio_connects_total{recovered="false"}`, 1},
		{`livedesk_socketio_events_received_total{event="ping"}`, 1},
		{`livedesk_socketio_events_sent_total{event="payment:added"}`, 1},
		{`livedesk_socketio_broadcast_fanout_seconds_count{event="payment:added"}`, 1},
		{`livedesk_http_request_duration_seconds_count{route="POST /api/payments",status="201"}`, 1},
		{`livedesk_http_request_duration_seconds_count{route="GET /api/customers/{id}",status="404"}`, 1},
		{`livedesk_db_transaction_duration_seconds_count{kind="write"}`, 1},
		{`livedesk_db_transaction_duration_seconds_count{kind="read"}`, 1},
		{`livedesk_realtime_events_published_total`, 1},
		{`livedesk_realtime_recovery_attempts_total`, 0},
		{`livedesk_engineio_send_queue_drops_total`, 0},
		{`go_goroutines`, 1},
		{`process_open_fds`, 1},
	} {
		v, ok := m[want.series]
		if !ok || v < want.min {
			t.Errorf("metric %s = %v (present %v), want >= %v", want.series, v, ok, want.min)
		}
	}
	// A client-chosen event name never becomes a label.
	for k := range m {
		if strings.Contains(k, "no:such:command") {
			t.Errorf("client event name leaked into a label: %s", k)
		}
	}

	// The live operations view: admins only.
	a.vendor.must(403, "GET", "/api/ops", nil)
	ops := a.admin.must(200, "GET", "/api/ops", nil)
	for _, k := range []string{"sockets", "adminsOnline", "connectedTotal", "recoveryAttempts", "recoverySuccesses", "replayedMessages", "eventsPublished", "rateLimited", "eventsPerSecond", "slowConsumersDropped"} {
		if _, ok := ops[k]; !ok {
			t.Errorf("/api/ops has no %q: %v", k, ops)
		}
	}
	if rate, _ := ops["eventsPerSecond"].(float64); rate <= 0 {
		t.Errorf("/api/ops eventsPerSecond = %v after a payment, want > 0", ops["eventsPerSecond"])
	}
	if num(ops, "sockets") != 1 {
		t.Errorf("/api/ops sockets = %d, want 1", num(ops, "sockets"))
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get(a.base + p)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var v map[string]string
		if resp.StatusCode != 200 || json.Unmarshal(body, &v) != nil {
			t.Errorf("GET %s = %d %s", p, resp.StatusCode, body)
		}
	}
}
