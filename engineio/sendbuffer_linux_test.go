//go:build linux

package engineio

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/coder/websocket"
)

// A client that stops reading gets what the kernel takes before writes
// block; by default the kernel grows a socket's buffer up to tcp_wmem's
// maximum (4 MB here). Options.SendBuffer bounds it: 50 such clients
// cost 100 MB of kernel memory and its copying otherwise, enough to stall
// the other clients' writes (bench: slow consumers).
func TestSendBufferBoundsWhatAStalledClientHolds(t *testing.T) {
	t.Parallel()
	const msg = 16 << 10
	for _, tc := range []struct {
		name    string
		opt     int
		want    int  // SO_SNDBUF, 0: whatever the kernel chose
		bounded bool // the kernel holds at most about twice what was set
	}{
		{"default", 0, 2 * DefaultSendBuffer, true},
		{"set", 64 << 10, 2 * (64 << 10), true},
		{"left to the kernel", -1, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, Options{SendBuffer: tc.opt, Transports: []string{TransportWebSocket}})
			c := openStalledWS(t, h)
			fd := int(c.ws.fd)
			got, err := syscall.GetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_SNDBUF)
			if err != nil {
				t.Fatal(err)
			}
			if tc.want != 0 && got != tc.want {
				t.Fatalf("SO_SNDBUF = %d, want %d", got, tc.want)
			}
			if tc.want == 0 && got == 2*DefaultSendBuffer {
				t.Fatalf("SO_SNDBUF = %d: set although SendBuffer is negative", got)
			}
			data := bytes.Repeat([]byte("x"), msg)
			for range 256 { // 4 MB, within SendQueue
				if err := c.Send(data, false); err != nil {
					t.Fatal(err)
				}
			}
			// What the kernel took, once the writers have started and
			// then stopped (two samples alike, and not empty).
			queued, last := 0, -1
			for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && (queued == 0 || queued != last); {
				last = queued
				time.Sleep(100 * time.Millisecond)
				if queued, err = outq(fd); err != nil {
					t.Fatal(err)
				}
			}
			// Twice what was set, or for the kernel's own tuning twice the
			// default: it must take more than the default would.
			set := tc.opt
			if set <= 0 {
				set = DefaultSendBuffer
			}
			limit := 2*set + msg
			t.Logf("SO_SNDBUF %d; the kernel holds %d bytes for the client", got, queued)
			if queued == 0 {
				t.Fatal("nothing reached the kernel's send queue within 5 s")
			}
			if tc.bounded && queued > limit {
				t.Errorf("the kernel holds %d bytes for a client that does not read, want at most %d", queued, limit)
			}
			if !tc.bounded && queued <= limit {
				t.Errorf("the kernel holds %d bytes: with its own tuning it should take more than %d (the check cannot tell)", queued, limit)
			}
		})
	}
}

// openStalledWS opens a WebSocket-only session whose client reads its
// open packet and then nothing, with a small receive buffer (as a phone
// on a bad network), and returns the server's side.
func openStalledWS(t *testing.T, h *harness) *Conn {
	t.Helper()
	dialer := &net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		if err := rc.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
		}); err != nil {
			return err
		}
		return serr
	}}
	client := &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext}}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, h.wsURL(""), &websocket.DialOptions{HTTPClient: client})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ws.CloseNow() })
	_, open := readWS(t, ws)
	var hs handshake
	if !strings.HasPrefix(open, "0") || json.Unmarshal([]byte(open[1:]), &hs) != nil {
		t.Fatalf("open packet: got %q", open)
	}
	return h.nextConn()
}

// outq returns how many bytes the socket's send queue holds (SIOCOUTQ).
func outq(fd int) (int, error) {
	var n int32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), syscall.TIOCOUTQ, uintptr(unsafe.Pointer(&n))); errno != 0 {
		return 0, errno
	}
	return int(n), nil
}
