package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/livedesk/livedesk/bench/internal/restclient"
)

// appConfig sizes the application scenario against livedesk serve.
type appConfig struct {
	WSURL      string
	Email      string
	Password   string
	N          int
	Conc       int
	PerProcess int
	Customers  int
	Rate       float64 // payments/s
	Dur        time.Duration
	// Vendor, when set, owns the customers paid and its dashboards join
	// the admin's (alternately); Outsider's dashboards (every
	// OutsiderEvery-th) belong to another vendor and must receive none of
	// the payments: room filtering under load.
	Vendor, Outsider [2]string // e-mail, password
	OutsiderEvery    int
	// PprofDir, when set, receives the server's CPU profile while the
	// payments are posted, from pprof at PprofURL.
	PprofDir, PprofURL string
}

// appResult is what the application scenario measured.
type appResult struct {
	Clients          int                `json:"clients"`
	Payments         int                `json:"payments"`
	Rate             float64            `json:"rate"`
	ConnectRate      float64            `json:"connectRate"`
	CompletionP50Ms  float64            `json:"completionP50Ms"` // POST -> payment:added at every client
	CompletionP99Ms  float64            `json:"completionP99Ms"`
	MsgP50Ms         float64            `json:"msgP50Ms"`
	MsgP99Ms         float64            `json:"msgP99Ms"`
	PostP50Ms        float64            `json:"postP50Ms"` // POST /api/payments response time
	PostP99Ms        float64            `json:"postP99Ms"`
	ReadP50Ms        float64            `json:"readP50Ms"` // GET /api/stats meanwhile
	ReadP99Ms        float64            `json:"readP99Ms"`
	Lost             int64              `json:"lost"`
	Dups             int64              `json:"dups"`
	Leaked           int64              `json:"leaked"` // payment:added received by another vendor's dashboards
	Outsiders        int                `json:"outsiders"`
	Disconnects      int64              `json:"disconnects"`
	ServerCPUPct     float64            `json:"serverCpuPct"`
	LoadgenCPUPct    float64            `json:"loadgenCpuPct"`
	ServerRSSBytes   int64              `json:"serverRssBytes"`
	Metrics          map[string]float64 `json:"metrics"`
	PostErrors       int                `json:"postErrors"`
	FirstPostErr     string             `json:"firstPostErr,omitempty"`
	ConnectHandshake float64            `json:"handshakeP99Ms"`
}

// api is a small client of the Livedesk REST API.
type api struct{ restclient.Client }

// login returns a token of the user.
func (a *api) login(ctx context.Context, email, password string) (string, error) {
	var login struct {
		Token string `json:"token"`
	}
	if _, err := a.Do(ctx, http.MethodPost, "/api/auth/login", map[string]string{"email": email, "password": password}, nil, &login); err != nil {
		return "", err
	}
	return login.Token, nil
}

// setup logs in and returns the ids of fresh customers of a vendor (cfg's
// Vendor when set).
func (a *api) setup(ctx context.Context, cfg appConfig) ([]int64, error) {
	tok, err := a.login(ctx, cfg.Email, cfg.Password)
	if err != nil {
		return nil, err
	}
	a.Token = tok
	if cfg.Vendor[0] != "" {
		v := &api{restclient.Client{Base: a.Base, HTTP: a.HTTP}}
		if v.Token, err = v.login(ctx, cfg.Vendor[0], cfg.Vendor[1]); err != nil {
			return nil, err
		}
		var me struct {
			ID int64 `json:"id"`
		}
		if _, err := v.Do(ctx, http.MethodGet, "/api/me", nil, nil, &me); err != nil {
			return nil, err
		}
		return a.customers(ctx, cfg, me.ID)
	}
	var users struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	if _, err := a.Do(ctx, http.MethodGet, "/api/users?role=vendor&limit=1", nil, nil, &users); err != nil {
		return nil, err
	}
	var vendorID int64
	if len(users.Items) > 0 {
		vendorID = users.Items[0].ID
	} else {
		var u struct {
			ID int64 `json:"id"`
		}
		email := "bench-vendor-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "@livedesk.local"
		if _, err := a.Do(ctx, http.MethodPost, "/api/users", map[string]string{"email": email, "name": "Bench Vendor", "role": "vendor", "password": "bench-vendor-password"}, nil, &u); err != nil {
			return nil, err
		}
		vendorID = u.ID
	}
	return a.customers(ctx, cfg, vendorID)
}

// customers creates cfg.Customers customers of the vendor.
func (a *api) customers(ctx context.Context, cfg appConfig, vendorID int64) ([]int64, error) {
	var ids []int64
	for i := range cfg.Customers {
		var cu struct {
			ID int64 `json:"id"`
		}
		body := map[string]any{"name": fmt.Sprintf("Bench Customer %d", i+1), "vendorId": vendorID}
		if _, err := a.Do(ctx, http.MethodPost, "/api/customers", body, nil, &cu); err != nil {
			return nil, err
		}
		ids = append(ids, cu.ID)
	}
	return ids, nil
}

func (c *coordinator) runApp(ctx context.Context, cfg appConfig, stderr io.Writer) (*appResult, error) {
	a := &api{restclient.Client{Base: c.base, HTTP: &http.Client{Timeout: 30 * time.Second}}}
	customers, err := a.setup(ctx, cfg)
	if err != nil {
		return nil, err
	}
	fc := farmConfig{URL: cfg.WSURL, Token: a.Token, Event: "payment:added", App: true}
	if cfg.Vendor[0] != "" {
		vt, err := a.login(ctx, cfg.Vendor[0], cfg.Vendor[1])
		if err != nil {
			return nil, err
		}
		fc.Tokens = []string{a.Token, vt}
	}
	if cfg.Outsider[0] != "" && cfg.OutsiderEvery > 0 {
		ot, err := a.login(ctx, cfg.Outsider[0], cfg.Outsider[1])
		if err != nil {
			return nil, err
		}
		fc.Outsider, fc.OutsiderEvery = ot, cfg.OutsiderEvery
	}
	c.pool = &pool{cfg: fc, perProcess: cfg.PerProcess, stderr: stderr}
	defer c.pool.close()
	res := &appResult{Rate: cfg.Rate, Metrics: map[string]float64{}}
	rate, hs, err := c.connect(ctx, cfg.N, cfg.Conc, false)
	if err != nil {
		return nil, fmt.Errorf("failed to connect %d dashboards: %w", cfg.N, err)
	}
	res.ConnectRate, res.ConnectHandshake = rate, ms(hs.Quantile(0.99))
	c.logf("app: %d authenticated dashboards connected at %.0f/s", cfg.N, rate)
	time.Sleep(500 * time.Millisecond)

	count := max(1, int(cfg.Rate*cfg.Dur.Seconds()))
	base, expected, err := c.phase(count)
	if err != nil {
		return nil, err
	}
	res.Clients, res.Payments = int(expected), count
	var srvCPU *cpuMeter
	if c.pid > 0 {
		srvCPU = startCPU(c.pid)
	}
	lgCPU := startCPU(c.loadgenPIDs()...)
	var prof *profiler
	if cfg.PprofDir != "" {
		// The payments' seconds but the last, which drains.
		prof = c.startProfile(ctx, cfg.PprofURL, cfg.PprofDir, max(time.Second, cfg.Dur-time.Second))
	}

	// Reads while broadcasting: GET /api/stats ten times a second.
	reads := NewHistogram()
	stopReads := make(chan struct{})
	var readWG sync.WaitGroup
	readWG.Add(1)
	go func() {
		defer readWG.Done()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stopReads:
				return
			case <-t.C:
			}
			s := time.Now()
			if _, err := a.Do(ctx, http.MethodGet, "/api/stats", nil, nil, nil); err == nil {
				reads.Record(time.Since(s).Nanoseconds())
			}
		}
	}()

	t0s := make([]int64, count)
	posts := NewHistogram()
	start := time.Now()
	for i := range count {
		if wait := time.Until(start.Add(time.Duration(float64(i) / cfg.Rate * float64(time.Second)))); wait > 0 {
			time.Sleep(wait)
		}
		seq := base + int64(i)
		t0 := time.Now().UnixNano()
		t0s[i] = t0
		body := map[string]any{
			"customerId": customers[i%len(customers)], "amountCents": 100 + i, "method": "cash",
			"reference": paymentReference(seq, t0),
		}
		_, err := a.Do(ctx, http.MethodPost, "/api/payments", body, map[string]string{"Idempotency-Key": "bench-" + strconv.FormatInt(t0, 36)}, nil)
		posts.Record(time.Now().UnixNano() - t0)
		if err != nil {
			res.PostErrors++
			if res.FirstPostErr == "" {
				res.FirstPostErr = err.Error()
			}
		}
	}
	c.waitSeq(base+int64(count)-1, expected, 10*time.Second)
	for i := range count {
		if !c.waitSeq(base+int64(i), expected, 0) {
			c.waitSeq(base+int64(i), expected, 2*time.Second)
			break
		}
	}
	close(stopReads)
	readWG.Wait()
	if srvCPU != nil {
		res.ServerCPUPct, _ = srvCPU.stop()
		res.ServerRSSBytes, _ = procRSS(c.pid)
	}
	res.LoadgenCPUPct, _ = lgCPU.stop()
	if prof != nil {
		if err := prof.finish(ctx); err != nil {
			return nil, err
		}
	}
	m, err := c.collect()
	if err != nil {
		return nil, err
	}
	var comp []float64
	for i, t0 := range t0s {
		s := m.Seqs[i]
		res.Lost += expected - s.Count
		if s.Count == expected {
			comp = append(comp, float64(s.LastNs-t0))
		}
	}
	res.CompletionP50Ms = msf(Percentile(comp, 0.5))
	res.CompletionP99Ms = msf(Percentile(comp, 0.99))
	res.MsgP50Ms = ms(m.Latency.Quantile(0.5))
	res.MsgP99Ms = ms(m.Latency.Quantile(0.99))
	res.PostP50Ms = ms(posts.Quantile(0.5))
	res.PostP99Ms = ms(posts.Quantile(0.99))
	res.ReadP50Ms = ms(reads.Quantile(0.5))
	res.ReadP99Ms = ms(reads.Quantile(0.99))
	res.Dups = m.Dups
	res.Leaked = m.Leaked
	if cfg.Outsider[0] != "" && cfg.OutsiderEvery > 0 {
		res.Outsiders = cfg.N / cfg.OutsiderEvery
	}
	res.Disconnects = m.Disconnects
	for k, v := range map[string]float64{
		"app_payment_p50_ms": res.CompletionP50Ms, "app_payment_p99_ms": res.CompletionP99Ms,
		"app_post_p99_ms": res.PostP99Ms, "app_read_p99_ms": res.ReadP99Ms,
		"app_lost": float64(res.Lost), "app_dups": float64(res.Dups), "app_leaked": float64(res.Leaked), "app_outsiders": float64(res.Outsiders), "app_disconnects": float64(res.Disconnects),
		"app_clients": float64(res.Clients), "app_rate": res.Rate, "app_connect_rate": res.ConnectRate,
		"app_server_cpu_pct": res.ServerCPUPct, "app_server_rss_mb": float64(res.ServerRSSBytes) / (1 << 20), "app_loadgen_cpu_pct": res.LoadgenCPUPct,
	} {
		res.Metrics[k] = v
	}
	c.logf("app: %d payments at %.0f/s to %d entitled dashboards (+%d of another vendor): payment:added at all p50 %.1f ms p99 %.1f ms, POST p99 %.1f ms, GET p99 %.1f ms, lost %d dup %d leaked %d disc %d, post errors %d, server cpu %.0f%% rss %.0f MB, loadgen cpu %.0f%%",
		count, cfg.Rate, res.Clients, res.Outsiders, res.CompletionP50Ms, res.CompletionP99Ms, res.PostP99Ms, res.ReadP99Ms, res.Lost, res.Dups, res.Leaked, res.Disconnects, res.PostErrors,
		res.ServerCPUPct, float64(res.ServerRSSBytes)/(1<<20), res.LoadgenCPUPct)
	if res.PostErrors > 0 {
		return res, fmt.Errorf("%d payments failed: %s", res.PostErrors, res.FirstPostErr)
	}
	return res, nil
}
