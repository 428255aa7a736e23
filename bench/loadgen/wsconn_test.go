package main

import (
	"bytes"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/gobwas/ws"
)

// serverFrame frames payload as a server does (unmasked), with gobwas/ws.
func serverFrame(t *testing.T, fin bool, op ws.OpCode, payload []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	f := ws.NewFrame(op, fin, payload)
	if err := ws.WriteFrame(&b, f); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestMessagesParsesEveryFrameSize: text messages of 7-bit, 16-bit and
// 64-bit lengths, split anywhere, fragmented, with control frames between
// fragments, come out whole and in order; what is incomplete waits.
func TestMessagesParsesEveryFrameSize(t *testing.T) {
	long := strings.Repeat("x", 70000)
	mid := strings.Repeat("y", 300)
	var stream []byte
	stream = append(stream, serverFrame(t, true, ws.OpText, []byte("42[\"a\"]"))...)
	stream = append(stream, serverFrame(t, true, ws.OpText, []byte(mid))...)
	stream = append(stream, serverFrame(t, true, ws.OpBinary, []byte{1, 2, 3})...) // not text: skipped
	stream = append(stream, serverFrame(t, false, ws.OpText, []byte("frag"))...)
	stream = append(stream, serverFrame(t, true, ws.OpPong, nil)...) // control between fragments
	stream = append(stream, serverFrame(t, true, ws.OpContinuation, []byte("ment"))...)
	stream = append(stream, serverFrame(t, true, ws.OpText, []byte(long))...)
	want := []string{`42["a"]`, mid, "fragment", long}

	for _, step := range []int{1, 7, 1000, len(stream)} {
		w := &wsConn{fd: -1}
		var got []string
		for i := 0; i < len(stream); i += step {
			w.buf = append(w.buf, stream[i:min(i+step, len(stream))]...)
			if err := w.messages(func(m []byte) error { got = append(got, string(m)); return nil }); err != nil {
				t.Fatalf("step %d: %v", step, err)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("step %d: got %d messages, want %d", step, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("step %d: message %d is %.20q…, want %.20q…", step, i, got[i], want[i])
			}
		}
		if len(w.buf) != 0 {
			t.Fatalf("step %d: %d bytes left over", step, len(w.buf))
		}
	}
}

// TestMessagesStopsAtCloseAndOversize: a close frame and a frame over the
// limit end the connection's reading with an error.
func TestMessagesStopsAtCloseAndOversize(t *testing.T) {
	w := &wsConn{fd: -1, buf: serverFrame(t, true, ws.OpClose, ws.NewCloseFrameBody(ws.StatusNormalClosure, ""))}
	if err := w.messages(func([]byte) error { return nil }); err != errClosedByServer {
		t.Fatalf("close frame: %v, want errClosedByServer", err)
	}
	w = &wsConn{fd: -1, buf: []byte{0x81, 127, 0, 0, 0, 0, 0x10, 0, 0, 0}}
	if err := w.messages(func([]byte) error { return nil }); err == nil {
		t.Fatal("a 256 MB frame was accepted")
	}
}

// TestWriteTextIsAMaskedClientFrame: what the load generator writes is a
// frame a server reads (masked, the right length), at each length size.
func TestWriteTextIsAMaskedClientFrame(t *testing.T) {
	for _, n := range []int{0, 5, 125, 126, 65535, 65536} {
		a, b := net.Pipe()
		w := &wsConn{nc: a, fd: -1}
		payload := bytes.Repeat([]byte{'z'}, n)
		done := make(chan error, 1)
		go func() { done <- w.writeText(payload) }()
		h, err := ws.ReadHeader(b)
		if err != nil {
			t.Fatalf("%d bytes: %v", n, err)
		}
		if !h.Masked || h.OpCode != ws.OpText || !h.Fin || h.Length != int64(n) {
			t.Fatalf("%d bytes: header %+v", n, h)
		}
		got := make([]byte, h.Length)
		if _, err := io.ReadFull(b, got); err != nil {
			t.Fatal(err)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		ws.Cipher(got, h.Mask, 0)
		if !bytes.Equal(got, payload) {
			t.Fatalf("%d bytes: payload differs after unmasking", n)
		}
		a.Close()
		b.Close()
	}
}
