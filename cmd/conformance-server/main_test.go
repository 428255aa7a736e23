package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestRun starts the server on a free port and checks that both protocol
// paths answer a handshake, then that it stops with its context.
func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	errc := make(chan error, 1)
	go func() { errc <- run(ctx, []string{"-addr", "127.0.0.1:0"}, &out, io.Discard) }()

	var base string
	for deadline := time.Now().Add(5 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if s := out.String(); strings.Contains(s, "listening on ") {
			base = strings.TrimSpace(strings.TrimPrefix(s, "listening on "))
		}
	}
	if base == "" {
		t.Fatal("server did not start")
	}
	for _, path := range []string{"/engine.io/", "/socket.io/"} {
		res, err := http.Get(base + path + "?EIO=4&transport=polling")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !bytes.HasPrefix(body, []byte(`0{"sid":"`)) {
			t.Fatalf("%s handshake: %d %q", path, res.StatusCode, body)
		}
		if !bytes.Contains(body, []byte(`"pingInterval":300`)) {
			t.Fatalf("%s handshake %q lacks pingInterval 300", path, body)
		}
	}
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after cancel")
	}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
