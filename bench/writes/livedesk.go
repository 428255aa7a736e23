package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/livedesk/livedesk/bench/internal/ldproc"
	"github.com/livedesk/livedesk/bench/internal/restclient"
)

const (
	email    = "bench-admin@livedesk.local"
	password = "bench-admin-password"
	vendor   = "bench-vendor@livedesk.local"
	// jwtSecret is shared by the instances, so that one login serves all.
	jwtSecret = "LIVEDESK_JWT_SECRET=benchmark-secret-benchmark-secret-0123456789"
)

// seeded is what seed made: the admin's user id and the customers' ids.
type seeded struct {
	adminID    int64
	cmin, cmax int64
}

// seed migrates the schema, creates the admin, a vendor and the
// customers (through the API of an instance started for it).
func seed(ctx context.Context, cfg config, sc *schema, logf func(string, ...any)) (*seeded, error) {
	db := sc.URL
	for _, args := range [][]string{
		{"migrate", "--db", db},
		{"user", "create", "--db", db, "--email", email, "--password", password, "--role", "admin", "--name", "Bench Admin"},
		{"user", "create", "--db", db, "--email", vendor, "--password", password, "--role", "vendor", "--name", "Bench Vendor"},
	} {
		if err := ldproc.Run(ctx, cfg.Bin, []string{jwtSecret}, args...); err != nil {
			return nil, err
		}
	}
	insts, err := startInstances(ctx, cfg, sc, 1)
	if err != nil {
		return nil, err
	}
	defer ldproc.StopAll(insts)
	c, err := login(ctx, insts[0].URL)
	if err != nil {
		return nil, err
	}
	var me struct{ ID int64 }
	if _, err := c.Do(ctx, "GET", "/api/me", nil, nil, &me); err != nil {
		return nil, err
	}
	var users struct {
		Items []struct {
			ID    int64
			Email string
		}
	}
	if _, err := c.Do(ctx, "GET", "/api/users?limit=100", nil, nil, &users); err != nil {
		return nil, err
	}
	var vendorID int64
	for _, u := range users.Items {
		if u.Email == vendor {
			vendorID = u.ID
		}
	}
	if vendorID == 0 {
		return nil, fmt.Errorf("vendor %s not in GET /api/users", vendor)
	}
	b := &seeded{adminID: me.ID}
	for i := range cfg.Customers {
		var cu struct{ ID int64 }
		if _, err := c.Do(ctx, "POST", "/api/customers", map[string]any{"name": fmt.Sprintf("Writes Customer %d", i+1), "vendorId": vendorID},
			map[string]string{"Idempotency-Key": fmt.Sprintf("seed-%d", i)}, &cu); err != nil {
			return nil, err
		}
		if b.cmin == 0 {
			b.cmin = cu.ID
		}
		if cu.ID != b.cmin+int64(i) {
			return nil, fmt.Errorf("customer ids are not contiguous (%d after %d)", cu.ID, b.cmin+int64(i)-1)
		}
		b.cmax = cu.ID
	}
	logf("seeded %s: admin %d, customers %d..%d", sc.Name, b.adminID, b.cmin, b.cmax)
	return b, nil
}

func login(ctx context.Context, base string) (*restclient.Client, error) {
	c := &restclient.Client{Base: base, HTTP: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}}
	var tok struct{ Token string }
	if _, err := c.Do(ctx, "POST", "/api/auth/login", map[string]string{"email": email, "password": password}, nil, &tok); err != nil {
		return nil, err
	}
	c.Token = tok.Token
	return c, nil
}

func startInstances(ctx context.Context, cfg config, sc *schema, n int) ([]*ldproc.Proc, error) {
	var out []*ldproc.Proc
	for i := range n {
		p, err := ldproc.Serve(ctx, cfg.Bin, []string{jwtSecret}, os.Stderr, "--addr", "127.0.0.1:0", "--db", sc.URL, "--instance-id", fmt.Sprintf("w%d", i),
			"--log-level", "warn", "--metrics-addr", "", "--max-conns-per-ip", "0", "--max-http-conns-per-ip", "0", "--handshakes-per-ip", "0")
		if err != nil {
			ldproc.StopAll(out)
			return nil, fmt.Errorf("instance %d: %w", i, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// throughLivedesk runs cfg.Writers writers of REST payments, writer i on
// instance i mod n, for cfg.Dur, then checks the log.
func throughLivedesk(ctx context.Context, cfg config, sc *schema, b *seeded, n int) (instRun, error) {
	r := instRun{Instances: n}
	insts, err := startInstances(ctx, cfg, sc, n)
	if err != nil {
		return r, err
	}
	defer func() { ldproc.StopAll(insts) }()
	clients := make([]*restclient.Client, n)
	for i, in := range insts {
		if clients[i], err = login(ctx, in.URL); err != nil {
			return r, err
		}
	}
	var (
		mu      sync.Mutex
		lat     []time.Duration
		ok, bad atomic.Int64
		wg      sync.WaitGroup
	)
	start := time.Now()
	until := start.Add(cfg.Dur)
	for w := range cfg.Writers {
		wg.Go(func() {
			c := clients[w%n]
			var mine []time.Duration
			for k := 0; time.Now().Before(until) && ctx.Err() == nil; k++ {
				cust := b.cmin + int64((w*7919+k)%int(b.cmax-b.cmin+1))
				t0 := time.Now()
				_, err := c.Do(ctx, "POST", "/api/payments", map[string]any{"customerId": cust, "amountCents": 100, "method": "cash"},
					map[string]string{"Idempotency-Key": fmt.Sprintf("w%d-%d", w, k)}, nil)
				if err != nil {
					bad.Add(1)
					continue
				}
				ok.Add(1)
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	r.Count, r.Errors = ok.Load(), bad.Load()
	r.PerSecond = float64(r.Count) / elapsed.Seconds()
	r.P50ms, r.P99ms = pct(lat, 0.50), pct(lat, 0.99)
	ldproc.StopAll(insts)
	insts = nil
	r.SeqGapFree, r.SeqOrdered, r.Events, err = sc.checkLog(ctx)
	return r, err
}

func pct(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	return float64(sorted[int(p*float64(len(sorted)-1))].Microseconds()) / 1000
}
