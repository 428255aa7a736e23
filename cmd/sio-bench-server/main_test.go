package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestRun starts the server on a free port and checks the benchmark
// contract's HTTP side: trigger, stats, gc, and the Socket.IO handshake.
func TestRun(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-port", "0"}, func(string) string { return "" }, pw, io.Discard)
		pw.Close()
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("no listening line: %v", err)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	m := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("listening line = %q", line)
	}
	base := m[1]
	hc := &http.Client{Timeout: 5 * time.Second}

	tests := []struct {
		name, method, path, body string
		want                     []string // substrings of the answer
	}{
		{"trigger", http.MethodPost, "/trigger", `{"seq":7,"t0":"123"}`, []string{`"seq":7`, `"broadcastNs":`}},
		{"trigger with padding", http.MethodPost, "/trigger", `{"seq":8,"t0":"123","pad":100}`, []string{`"seq":8`}},
		{"stats", http.MethodGet, "/stats", "", []string{`"clients":0`, `"rssBytes":`, `"heapBytes":`, `"pid":`}},
		{"gc", http.MethodPost, "/gc", "", []string{`"ok":true`}},
		{"engine.io handshake", http.MethodGet, "/socket.io/?EIO=4&transport=polling", "", []string{`"sid":`, `"pingInterval":25000`, `"upgrades":["websocket"]`}},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, base+tt.path, strings.NewReader(tt.body))
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d, want 200 (%s)", tt.name, resp.StatusCode, b)
		}
		for _, w := range tt.want {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s: answer %s lacks %s", tt.name, b, w)
			}
		}
	}
}

func TestPayloadSize(t *testing.T) {
	t.Parallel()
	// The contract asks for a ~300-byte payload.
	p := statsPayload{Seq: 123456, T0: "1764000000000000000", At: "2026-11-25T10:00:00.000Z", Stats: payloadStats{
		Customers: 12873, ActiveVendors: 412, DeliveriesToday: 3921, DeliveriesPending: 287,
		PaymentsTodayCents: 918273645, OutstandingCents: 127364512, OverdueCustomers: 93,
		AvgDeliveryMinutes: 41.5, Note: payloadNote,
	}}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(b); n < 270 || n > 330 {
		t.Errorf("payload is %d bytes, want about 300: %s", n, b)
	}
}
