package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// dashboard is one simulated dashboard: a Socket.IO client over WebSocket
// that keeps its session id and last offset and, when its connection
// drops, reconnects the way socket.io-client does by default (delay 1 s
// doubling to 5 s, ±50% jitter) asking to recover from that offset.
type dashboard struct {
	urls     []string // the instances, in the order this dashboard tries them
	token    string
	hc       *http.Client
	at       atomic.Int64 // index in urls of the instance it uses
	failures *failures    // why sessions ended, when set

	mu     sync.Mutex
	pid    string
	offset string
	got    []uint64 // bitset of payment numbers received
	dups   int64
	lat    []sample // each payment's arrival, first time

	contig    atomic.Int64 // every payment 1..contig received
	connects  atomic.Int64
	downAt    atomic.Int64 // unix ns the connection last dropped (0: up)
	liveAt    atomic.Int64 // unix ns of the last CONNECT answer
	tryAt     atomic.Int64 // unix ns the last connection attempt began
	tookNs    atomic.Int64 // the last successful attempt: dial to CONNECT answer
	recovered atomic.Int64 // CONNECT answers that said the session was recovered
	stopped   atomic.Bool
	ws        atomic.Pointer[websocket.Conn]
}

func newHTTPClient() *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second}
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := d.DialContext(ctx, network, addr)
			if tc, ok := c.(*net.TCPConn); ok && err == nil {
				_ = tc.SetLinger(0) // no TIME_WAIT pile-up on a shared machine
			}
			return c, err
		},
		DisableKeepAlives: true,
	}}
}

// run connects and keeps the dashboard connected until ctx ends; first is
// called after the first CONNECT answer (nil error), or with the last
// error if ctx ends before one. A failed first attempt is retried with the
// backoff, as a browser would.
func (d *dashboard) run(ctx context.Context, first func(error)) {
	attempt := 0
	for ctx.Err() == nil && !d.stopped.Load() {
		err := d.session(ctx, func() {
			attempt = 0
			if first != nil {
				first(nil)
				first = nil
			}
		})
		if ctx.Err() != nil || d.stopped.Load() {
			if first != nil {
				first(err)
			}
			return
		}
		if d.failures != nil {
			d.failures.note(err)
		}
		if len(d.urls) > 1 {
			// As a proxy would: the next attempt goes to the next instance.
			d.at.Store((d.at.Load() + 1) % int64(len(d.urls)))
		}
		if d.downAt.Load() == 0 {
			d.downAt.Store(time.Now().UnixNano())
		}
		delay := min(time.Second<<attempt, 5*time.Second)
		delay = time.Duration(float64(delay) * (0.5 + rand.Float64()))
		attempt = min(attempt+1, 10)
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
	}
}

// connectTimeout is how long a dashboard waits for the answer to its
// CONNECT, as socket.io-client's timeout option.
const connectTimeout = 20 * time.Second

// session is one connection: handshake (with recovery when the dashboard
// has a session), then events until it drops.
func (d *dashboard) session(ctx context.Context, up func()) error {
	d.tryAt.Store(time.Now().UnixNano())
	dctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	ws, _, err := websocket.Dial(dctx, d.urls[d.at.Load()], &websocket.DialOptions{HTTPClient: d.hc})
	cancel()
	if err != nil {
		return err
	}
	ws.SetReadLimit(1 << 20)
	d.ws.Store(ws)
	defer ws.CloseNow()
	// As socket.io-client's timeout option (20 s by default): a connection
	// whose CONNECT is not answered in time is dropped and tried again.
	var answered, timedOut atomic.Bool
	timer := time.AfterFunc(connectTimeout, func() {
		if !answered.Load() {
			timedOut.Store(true)
			ws.CloseNow()
		}
	})
	defer timer.Stop()
	for {
		_, b, err := ws.Read(ctx)
		if err != nil {
			if timedOut.Load() {
				return errors.New("connect timeout")
			}
			return err
		}
		if len(b) == 0 {
			continue
		}
		switch {
		case b[0] == '0': // open: CONNECT with the token, and the session to recover
			d.mu.Lock()
			auth := map[string]string{"token": d.token}
			if d.pid != "" {
				auth["pid"], auth["offset"] = d.pid, d.offset
			}
			d.mu.Unlock()
			a, _ := json.Marshal(auth)
			if err := ws.Write(ctx, websocket.MessageText, append([]byte("40"), a...)); err != nil {
				return err
			}
		case b[0] == '2':
			if err := ws.Write(ctx, websocket.MessageText, []byte("3")); err != nil {
				return err
			}
		case bytes.HasPrefix(b, []byte("40")):
			answered.Store(true)
			var ans struct{ PID string }
			_ = json.Unmarshal(b[2:], &ans)
			d.mu.Lock()
			if d.pid != "" && ans.PID == d.pid {
				d.recovered.Add(1)
			}
			if ans.PID != "" {
				d.pid = ans.PID
			}
			d.mu.Unlock()
			d.connects.Add(1)
			now := time.Now().UnixNano()
			d.liveAt.Store(now)
			d.tookNs.Store(now - d.tryAt.Load())
			d.downAt.Store(0)
			up()
		case bytes.HasPrefix(b, []byte("44")):
			return fmt.Errorf("connect refused: %s", b[2:])
		case bytes.HasPrefix(b, []byte(`42["payment:added",`)):
			d.record(b)
		case bytes.HasPrefix(b, []byte("41")), b[0] == '1':
			return errors.New("disconnected by the server")
		}
	}
}

// record notes a payment:added: its number (from the reference the
// writer gave it) and the offset (the event's last argument).
func (d *dashboard) record(b []byte) {
	i := bytes.Index(b, []byte(`"reference":"bench-`))
	if i < 0 {
		return
	}
	rest := b[i+len(`"reference":"bench-`):]
	j := bytes.IndexByte(rest, '-')
	if j < 0 {
		return
	}
	n, err := strconv.ParseInt(string(rest[:j]), 10, 64)
	if err != nil || n <= 0 {
		return
	}
	now := time.Now().UnixNano()
	var t0 int64
	if k := bytes.IndexByte(rest[j+1:], '"'); k > 0 {
		t0, _ = strconv.ParseInt(string(rest[j+1:j+1+k]), 10, 64)
	}
	var off []byte
	if k := bytes.LastIndex(b, []byte(`,"`)); k >= 0 && bytes.HasSuffix(b, []byte(`"]`)) {
		off = b[k+2 : len(b)-2]
	}
	d.mu.Lock()
	if len(off) > 0 {
		d.offset = string(off)
	}
	w := int(n / 64)
	for len(d.got) <= w {
		d.got = append(d.got, 0)
	}
	bit := uint64(1) << (n % 64)
	if d.got[w]&bit != 0 {
		d.dups++
	} else {
		d.got[w] |= bit
		d.lat = append(d.lat, sample{t0: t0, ns: now - t0})
	}
	c := d.contig.Load()
	for c+1 < int64(len(d.got))*64 && d.got[(c+1)/64]&(1<<((c+1)%64)) != 0 {
		c++
	}
	d.mu.Unlock()
	d.contig.Store(c)
}

// missing counts the payments 1..upto not received, and the duplicates.
func (d *dashboard) missing(upto int64) (lost, dups int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for n := int64(1); n <= upto; n++ {
		w := int(n / 64)
		if w >= len(d.got) || d.got[w]&(1<<(n%64)) == 0 {
			lost++
		}
	}
	return lost, d.dups
}

func (d *dashboard) stop() {
	d.stopped.Store(true)
	if ws := d.ws.Load(); ws != nil {
		ws.CloseNow()
	}
}

// failures counts why sessions ended, by a short class of the error.
type failures struct {
	mu sync.Mutex
	by map[string]int
}

func (f *failures) note(err error) {
	class := "nil"
	if err != nil {
		class = err.Error()
		// Keep the kind, drop addresses and ports.
		for _, k := range []string{"connect timeout", "connection refused", "connection reset", "i/o timeout", "deadline exceeded", "EOF", "disconnected by the server", "connect refused", "status code"} {
			if strings.Contains(class, k) {
				class = k
				break
			}
		}
		if len(class) > 80 {
			class = class[:80]
		}
	}
	f.mu.Lock()
	f.by[class]++
	f.mu.Unlock()
}

// sample is a payment's arrival at a dashboard: when it was posted (unix
// ns) and how long it took to arrive.
type sample struct{ t0, ns int64 }

// latencies returns the arrival times of the payments posted in [from, to).
func (d *dashboard) latencies(from, to int64) []time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []time.Duration
	for _, s := range d.lat {
		if s.t0 >= from && s.t0 < to {
			out = append(out, time.Duration(s.ns))
		}
	}
	return out
}
