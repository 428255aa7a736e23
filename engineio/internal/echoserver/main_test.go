package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer collects run's output while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRunEchoes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-addr", "127.0.0.1:0"}, &out, io.Discard) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})

	var url string
	for deadline := time.Now().Add(5 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if s, ok := strings.CutPrefix(out.String(), "listening on "); ok {
			url = strings.TrimSpace(s) + "?EIO=4&transport=polling"
		}
	}
	if url == "" {
		t.Fatal("server did not start")
	}
	body := func(res *http.Response, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return string(b)
	}
	open := body(http.Get(url))
	sid := strings.Split(open, `"`)[3]
	if got := body(http.Post(url+"&sid="+sid, "text/plain", strings.NewReader("4echo"))); got != "ok" {
		t.Fatalf("POST = %q", got)
	}
	if got := body(http.Get(url + "&sid=" + sid)); got != "4echo" {
		t.Errorf("GET = %q, want 4echo", got)
	}
}
