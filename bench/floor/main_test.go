package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
)

// TestFloorSpeaksTheContract: the floor answers a client as bench/loadgen
// drives it: open packet, CONNECT answered, broadcast received once,
// bench:ping acknowledged with its argument.
func TestFloorSpeaksTheContract(t *testing.T) {
	f := &floor{conns: map[*conn]struct{}{}}
	srv := httptest.NewServer(f.routes())
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	nc, br, _, err := ws.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/socket.io/?EIO=4&transport=websocket")
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	_ = nc.SetDeadline(time.Now().Add(10 * time.Second))
	// Frames that came with the handshake's answer are in br.
	var r io.Reader = nc
	if br != nil {
		r = io.MultiReader(br, nc)
	}
	rw := struct {
		io.Reader
		io.Writer
	}{r, nc}
	read := func() string {
		t.Helper()
		b, err := wsutil.ReadServerText(rw)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if got := read(); !strings.HasPrefix(got, `0{"sid":"floor`) {
		t.Fatalf("open packet %q", got)
	}
	if err := wsutil.WriteClientText(nc, []byte("40")); err != nil {
		t.Fatal(err)
	}
	if got := read(); !strings.HasPrefix(got, `40{"sid":"floor`) {
		t.Fatalf("CONNECT answer %q", got)
	}
	resp, err := http.Post(srv.URL+"/trigger", "application/json", strings.NewReader(`{"seq":7,"t0":"1"}`))
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	_, _ = body.ReadFrom(resp.Body)
	resp.Body.Close()
	if !strings.HasPrefix(body.String(), `{"seq":7,"broadcastNs":`) {
		t.Fatalf("trigger answered %q", body.String())
	}
	if got := read(); !strings.HasPrefix(got, `42["stats:updated",{`) || !strings.Contains(got, `"seq":7`) {
		t.Fatalf("broadcast %q", got)
	}
	if err := wsutil.WriteClientText(nc, []byte(`4212["bench:ping",{"n":5}]`)); err != nil {
		t.Fatal(err)
	}
	if got := read(); got != `4312[{"n":5}]` {
		t.Fatalf("ack %q, want %q", got, `4312[{"n":5}]`)
	}
}
