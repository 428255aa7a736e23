package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/livedesk/livedesk/bench/internal/restclient"
	"github.com/livedesk/livedesk/internal/rawsocket"
)

// snapshot is the server's state as its /metrics tell it.
type snapshot struct {
	Goroutines float64 `json:"goroutines"`
	HeapLive   float64 `json:"heapLiveBytes"` // marked live by the last GC
	HeapInuse  float64 `json:"heapInuseBytes"`
	FDs        float64 `json:"openFDs"`
	RSS        float64 `json:"rssBytes"`
	Sockets    float64 `json:"sockets"`
	Sessions   float64 `json:"engineSessions"`
	GCs        float64 `json:"gcCycles"`
}

func snap(m map[string]float64) snapshot {
	return snapshot{
		Goroutines: m["go_goroutines"],
		HeapLive:   m["go_gc_heap_live_bytes"],
		HeapInuse:  m["go_memstats_heap_inuse_bytes"],
		FDs:        m["process_open_fds"],
		RSS:        m["process_resident_memory_bytes"],
		Sockets:    m["livedesk_socketio_sockets"],
		Sessions:   m[`livedesk_engineio_sessions{transport="polling"}`] + m[`livedesk_engineio_sessions{transport="websocket"}`],
		GCs:        m["go_gc_duration_seconds_count"],
	}
}

func (s snapshot) String() string {
	return fmt.Sprintf("sockets %.0f, goroutines %.0f, heap live %.1f MiB (in use %.1f MiB), fds %.0f, rss %.1f MiB",
		s.Sockets, s.Goroutines, s.HeapLive/(1<<20), s.HeapInuse/(1<<20), s.FDs, s.RSS/(1<<20))
}

// result is the soak's summary.
type result struct {
	Duration       string   `json:"duration"`
	Clients        int      `json:"clients"`
	Connects       int64    `json:"connects"`
	ConnectErrors  int64    `json:"connectErrors"`
	Recovered      float64  `json:"recoveredConnects"` // the server's count
	ExplicitLeaves int64    `json:"explicitDisconnects"`
	AbruptLeaves   int64    `json:"abruptDisconnects"`
	ServerDrops    int64    `json:"droppedByServer"`
	EventsReceived int64    `json:"eventsReceived"`
	Payments       int64    `json:"payments"`
	WriteErrors    int64    `json:"writeErrors"`
	Baseline       snapshot `json:"baseline"`
	Peak           snapshot `json:"peak"`
	After          snapshot `json:"after"`
	ExitStatus     string   `json:"serverExit"`
	Failures       []string `json:"failures"`
}

// soaker runs the clients and the writer.
type soaker struct {
	cfg    config
	srv    *server
	api    *api
	tokens []string // per client slot: admins first, then vendors round-robin
	custs  []int64  // a customer per vendor
	log    io.Writer
	res    result

	connects, connectErrors, explicit, abrupt, drops, events atomic.Int64
	payments, writeErrors                                    atomic.Int64
}

func soak(ctx context.Context, cfg config, log io.Writer) (*result, error) {
	srv, err := startServer(ctx, cfg.Bin)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "soak: server at %s; %d clients for %v\n", srv.url, cfg.Clients, cfg.Duration)
	s := &soaker{cfg: cfg, srv: srv, log: log, api: &api{Client: restclient.Client{Base: srv.url, HTTP: &http.Client{Timeout: 30 * time.Second}}, Metrics: srv.metrics}}
	s.res.Clients, s.res.Duration = cfg.Clients, cfg.Duration.String()
	err = s.run(ctx)
	r := &s.res
	if serr := srv.stop(30 * time.Second); serr != nil {
		r.ExitStatus = serr.Error()
		r.Failures = append(r.Failures, "server exit after SIGTERM: "+serr.Error())
	} else {
		r.ExitStatus = "0"
	}
	if err != nil {
		r.Failures = append(r.Failures, err.Error())
	}
	if len(r.Failures) > 0 {
		return r, fmt.Errorf("soak failed: %v", r.Failures)
	}
	fmt.Fprintln(log, "soak: passed")
	return r, nil
}

func (s *soaker) run(ctx context.Context) error {
	if err := s.setup(ctx); err != nil {
		return err
	}
	// Warm-up: a round of clients and writes, so that the baseline has the
	// caches and pools a serving process keeps anyway.
	fmt.Fprintln(s.log, "soak: warm-up")
	s.churn(ctx, min(100, s.cfg.Clients), 10*time.Second, 2*time.Second, 5*time.Second, 0)
	base, err := s.quiesce(ctx, nil)
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	s.res.Baseline, s.res.Peak = base, base
	var recoveredBefore float64
	if m, err := s.api.metrics(ctx); err == nil {
		recoveredBefore = m[`livedesk_socketio_connects_total{recovered="true"}`]
	}
	fmt.Fprintf(s.log, "soak: baseline: %s\n", base)
	s.connects.Store(0)
	s.connectErrors.Store(0)
	s.explicit.Store(0)
	s.abrupt.Store(0)
	s.drops.Store(0)
	s.events.Store(0)

	// The soak proper, with progress every 30 s.
	pctx, stopProgress := context.WithCancel(ctx)
	var pw sync.WaitGroup
	pw.Go(func() { s.progress(pctx, min(30*time.Second, s.cfg.Duration/6)) })
	s.churn(ctx, s.cfg.Clients, s.cfg.Duration, s.cfg.MinLife, s.cfg.MaxLife, s.cfg.Ramp)
	stopProgress()
	pw.Wait()

	r := &s.res
	r.Connects, r.ConnectErrors = s.connects.Load(), s.connectErrors.Load()
	r.ExplicitLeaves, r.AbruptLeaves, r.ServerDrops = s.explicit.Load(), s.abrupt.Load(), s.drops.Load()
	r.EventsReceived, r.Payments, r.WriteErrors = s.events.Load(), s.payments.Load(), s.writeErrors.Load()
	if m, err := s.api.metrics(ctx); err == nil {
		r.Recovered = m[`livedesk_socketio_connects_total{recovered="true"}`] - recoveredBefore
	}
	fmt.Fprintf(s.log, "soak: %d connects (%d errors, %.0f recovered), %d explicit and %d abrupt leaves, %d dropped by the server, %d events, %d payments (%d errors)\n",
		r.Connects, r.ConnectErrors, r.Recovered, r.ExplicitLeaves, r.AbruptLeaves, r.ServerDrops, r.EventsReceived, r.Payments, r.WriteErrors)

	after, err := s.quiesce(ctx, &base)
	r.After = after
	fmt.Fprintf(s.log, "soak: after:    %s\n", after)
	if err != nil {
		r.Failures = append(r.Failures, err.Error())
	}
	if r.WriteErrors > 0 {
		r.Failures = append(r.Failures, fmt.Sprintf("%d writes failed", r.WriteErrors))
	}
	// A few connects may fail on a loaded machine (handshake timeouts);
	// more than 1% is a problem.
	if r.ConnectErrors*100 > r.Connects {
		r.Failures = append(r.Failures, fmt.Sprintf("%d of %d connects failed", r.ConnectErrors, r.Connects))
	}
	return nil
}

// setup logs in, creates the vendors, a customer each, and the tokens.
func (s *soaker) setup(ctx context.Context) error {
	tok, _, err := s.api.login(ctx, adminEmail, adminPassword)
	if err != nil {
		return err
	}
	s.api.Token = tok
	var vendorTokens []string
	for i := range s.cfg.Vendors {
		email, pw := fmt.Sprintf("vendor%d@soak.test", i), "vendor-password"
		var u struct {
			ID int64 `json:"id"`
		}
		if _, err := s.api.do(ctx, "POST", "/api/users", map[string]any{"email": email, "name": fmt.Sprintf("Vendor %d", i), "role": "vendor", "password": pw}, &u); err != nil {
			return err
		}
		var c struct {
			ID int64 `json:"id"`
		}
		if _, err := s.api.do(ctx, "POST", "/api/customers", map[string]any{"name": fmt.Sprintf("Customer %d", i), "phone": "+91 98450 12345", "vendorId": u.ID}, &c); err != nil {
			return err
		}
		s.custs = append(s.custs, c.ID)
		vt, _, err := (&api{Client: restclient.Client{Base: s.api.Base, HTTP: s.api.HTTP}}).login(ctx, email, pw)
		if err != nil {
			return err
		}
		vendorTokens = append(vendorTokens, vt)
	}
	for i := range s.cfg.Clients {
		if i < s.cfg.Admins {
			s.tokens = append(s.tokens, tok)
		} else {
			s.tokens = append(s.tokens, vendorTokens[i%len(vendorTokens)])
		}
	}
	return nil
}

// churn runs n clients and the writer for d.
func (s *soaker) churn(ctx context.Context, n int, d, minLife, maxLife, ramp time.Duration) {
	cctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { s.client(cctx, i, minLife, maxLife, time.Duration(int64(ramp)*int64(i)/int64(n))) })
	}
	wg.Go(func() { s.writer(cctx) })
	wg.Wait()
}

// client connects, listens for a while, leaves (abruptly, so that it may
// recover, or explicitly), pauses and comes back, until ctx ends.
func (s *soaker) client(ctx context.Context, i int, minLife, maxLife, delay time.Duration) {
	rng := rand.New(rand.NewPCG(uint64(i), uint64(time.Now().UnixNano())))
	if !sleep(ctx, delay) {
		return
	}
	var pid, offset string
	for ctx.Err() == nil {
		auth := map[string]string{"token": s.tokens[i]}
		if pid != "" && offset != "" {
			auth["pid"], auth["offset"] = pid, offset
		}
		dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		c, _, err := rawsocket.Dial(dctx, s.api.Base, rawsocket.Options{Queue: 256})
		if err == nil {
			_, err = c.Connect(dctx, auth)
			if err != nil {
				c.Close()
			}
		}
		cancel()
		if err != nil {
			if ctx.Err() == nil {
				s.connectErrors.Add(1)
			}
			sleep(ctx, time.Second)
			continue
		}
		s.connects.Add(1)
		pid = c.PID
		life := minLife + time.Duration(rng.Int64N(int64(maxLife-minLife)+1))
		lctx, lcancel := context.WithTimeout(ctx, life)
		for {
			p, err := c.Next(lctx)
			if err != nil {
				if lctx.Err() == nil {
					s.drops.Add(1) // the server closed the connection
				}
				break
			}
			if p.Type == '2' {
				s.events.Add(1)
				var args []json.RawMessage
				if json.Unmarshal(p.Args, &args) == nil && len(args) > 0 {
					var off string
					if json.Unmarshal(args[len(args)-1], &off) == nil {
						offset = off
					}
				}
			}
		}
		lcancel()
		if rng.IntN(10) < 3 {
			// An explicit disconnect: the next connection starts afresh.
			sctx, scancel := context.WithTimeout(context.Background(), 2*time.Second)
			_ = c.Send(sctx, "41")
			scancel()
			pid, offset = "", ""
			s.explicit.Add(1)
		} else {
			s.abrupt.Add(1)
		}
		c.Close()
		sleep(ctx, time.Duration(rng.Int64N(int64(2*time.Second))))
	}
}

// writer posts payments at the configured rate, spread over the vendors.
func (s *soaker) writer(ctx context.Context) {
	if s.cfg.WriteRate <= 0 {
		return
	}
	tick := time.NewTicker(time.Duration(float64(time.Second) / s.cfg.WriteRate))
	defer tick.Stop()
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		key := fmt.Sprintf("soak-%d-%d", time.Now().UnixNano(), n)
		_, err := s.api.do(ctx, "POST", "/api/payments", map[string]any{"customerId": s.custs[n%len(s.custs)], "amountCents": 100, "method": "cash", "idempotencyKey": key}, nil)
		switch {
		case err == nil:
			s.payments.Add(1)
		case ctx.Err() == nil && !errors.Is(err, context.DeadlineExceeded):
			s.writeErrors.Add(1)
			fmt.Fprintf(s.log, "soak: write failed: %v\n", err)
		}
	}
}

// progress prints the server's state every interval and keeps the peak.
func (s *soaker) progress(ctx context.Context, interval time.Duration) {
	start := time.Now()
	for sleep(ctx, interval) {
		m, err := s.api.metrics(ctx)
		if err != nil {
			continue
		}
		cur := snap(m)
		p := &s.res.Peak
		p.Goroutines, p.HeapLive, p.HeapInuse = max(p.Goroutines, cur.Goroutines), max(p.HeapLive, cur.HeapLive), max(p.HeapInuse, cur.HeapInuse)
		p.FDs, p.RSS, p.Sockets, p.Sessions = max(p.FDs, cur.FDs), max(p.RSS, cur.RSS), max(p.Sockets, cur.Sockets), max(p.Sessions, cur.Sessions)
		fmt.Fprintf(s.log, "soak: %4.0fs %s; %d connects, %d payments\n", time.Since(start).Seconds(), cur, s.connects.Load(), s.payments.Load())
	}
}

// quiesce waits until no socket is left and a GC has run since, then
// returns the server's state. With a baseline it waits (bounded) for the
// state to come back within the slack of it, and reports what did not.
func (s *soaker) quiesce(ctx context.Context, base *snapshot) (snapshot, error) {
	deadline := time.Now().Add(3 * time.Minute) // the runtime forces a GC every 2 minutes
	var gcAtIdle float64 = -1
	var cur snapshot
	for {
		m, err := s.api.metrics(ctx)
		if err != nil {
			return cur, err
		}
		cur = snap(m)
		idle := cur.Sockets == 0 && cur.Sessions == 0
		if idle && gcAtIdle < 0 {
			gcAtIdle = cur.GCs
		}
		if idle && cur.GCs > gcAtIdle {
			if base == nil {
				return cur, nil
			}
			var bad []string
			if cur.Goroutines > base.Goroutines+float64(s.cfg.GoroutineOK) {
				bad = append(bad, fmt.Sprintf("goroutines %.0f > baseline %.0f + %d", cur.Goroutines, base.Goroutines, s.cfg.GoroutineOK))
			}
			if cur.FDs > base.FDs+float64(s.cfg.FDOK) {
				bad = append(bad, fmt.Sprintf("open fds %.0f > baseline %.0f + %d", cur.FDs, base.FDs, s.cfg.FDOK))
			}
			if cur.HeapLive > base.HeapLive+s.cfg.HeapOK {
				bad = append(bad, fmt.Sprintf("live heap %.1f MiB > baseline %.1f MiB + %.0f MiB", cur.HeapLive/(1<<20), base.HeapLive/(1<<20), s.cfg.HeapOK/(1<<20)))
			}
			if len(bad) == 0 {
				return cur, nil
			}
			if time.Now().After(deadline) {
				return cur, fmt.Errorf("not back to baseline: %v", bad)
			}
		}
		if time.Now().After(deadline) {
			return cur, fmt.Errorf("server not idle or no GC within 3 minutes: %s", cur)
		}
		if !sleep(ctx, 2*time.Second) {
			return cur, ctx.Err()
		}
	}
}

// sleep waits d or until ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
