package realtime

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/rawsocket"
)

// tinyReceiveBuffer dials with a 2 KiB receive buffer, so that a client
// that stops reading fills the server's queue fast.
func tinyReceiveBuffer() *http.Client {
	d := &net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		err := rc.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 2048)
		})
		if err != nil {
			return err
		}
		return serr
	}}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
}

// TestSlowConsumerDropped connects an admin that stops reading next to one
// that reads, then writes payments: the server drops the slow one when its
// bounded send queue overflows (counted in Ops), never stalls the
// broadcasts, and the reading admin receives every event.
func TestSlowConsumerDropped(t *testing.T) {
	t.Parallel()
	// The send queue holds a whole replay (sendQueue): a short replay limit
	// keeps it near the engine's default, so that the slow client is
	// dropped after hundreds of payments rather than thousands.
	l := startLiveHub(t, Options{ReplayLimit: 100})
	// About 40 s under -race alone; far more on a loaded machine.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	healthy, err := l.dial(t, "admin")
	if err != nil {
		t.Fatal(err)
	}
	var got atomic.Int64
	go func() {
		for {
			p, err := healthy.Next(context.Background())
			if err != nil {
				return
			}
			if p.Type == '2' && p.Event == EventPayment {
				got.Add(1)
			}
		}
	}()
	slow, _, err := rawsocket.Dial(ctx, l.url, rawsocket.Options{NoRead: true, HTTPClient: tinyReceiveBuffer()})
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	if _, err := slow.Connect(ctx, map[string]string{"token": l.tok["admin"]}); err != nil {
		t.Fatal(err)
	}
	// From here on the slow client reads nothing.
	ref := strings.Repeat("r", 200) // bigger frames fill the buffers sooner
	written := 0
	for l.hub.Ops(ctx).SlowDropped == 0 {
		if written >= 20000 || ctx.Err() != nil {
			t.Fatalf("%d payments written and the slow consumer is still connected", written)
		}
		// One transaction per 200 payments: the broadcasts are what this
		// test is about, not the commits.
		err := l.fx.Svc.Batch(l.fx.AdminCtx, func(ctx context.Context) error {
			for i := range 200 {
				if _, err := l.fx.Svc.Payments.AddPayment(ctx, domain.PaymentCreate{
					CustomerID: l.custA, AmountCents: 1, Method: domain.PaymentCash, Reference: ref,
					IdempotencyKey: fmt.Sprint("slow-", written+i),
				}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		written += 200
	}
	deadline := time.Now().Add(30 * time.Second)
	for got.Load() < int64(written) {
		if time.Now().After(deadline) {
			t.Fatalf("the reading admin got %d of %d payment events", got.Load(), written)
		}
		time.Sleep(20 * time.Millisecond)
	}
	ops := l.hub.Ops(ctx)
	if ops.Sockets != 1 || ops.SlowDropped < 1 {
		t.Fatalf("after the drop: %d sockets, %d slow consumers dropped; want 1 and >= 1", ops.Sockets, ops.SlowDropped)
	}
	// The drop is a socket error too (the socket_errors alert rule's input).
	if c := l.hub.Counters(); c.SlowDropped != ops.SlowDropped || c.SocketErrors < 1 {
		t.Fatalf("counters: %d dropped, %d socket errors; want %d and at least 1", c.SlowDropped, c.SocketErrors, ops.SlowDropped)
	}
	t.Logf("slow consumer dropped after %d payments; the reading admin got all %d events", written, got.Load())
}
