package main

import (
	"context"
	"fmt"
	"time"
)

// benchConfig sizes the benchmark scenarios.
type benchConfig struct {
	N           int           // main population (the 10k)
	NSmall      int           // small fan-out (1k)
	NMax        int           // optional larger population (20k), 0 skips
	K           int           // broadcasts per fan-out
	KSmall      int           // broadcasts of the small fan-out (0: K)
	Probes      int           // clients sending bench:ping during the main fan-out
	Gap         time.Duration // pause between fan-out broadcasts
	Conc        int           // handshakes in flight while connecting
	Rates       []float64     // throughput ladder, broadcasts/s
	StepDur     time.Duration // duration of each throughput step
	Healthy     int           // healthy clients of the slow-consumer scenario
	Slow        int           // clients that never read
	SlowRate    float64       // broadcasts/s of the slow-consumer scenario
	SlowDur     time.Duration // its duration with slow clients
	SlowBaseDur time.Duration // and without
	SlowPad     int           // payload padding of the slow-consumer scenario, bytes
	PprofDir    string        // where to save the server's profiles, "" for none
	SkipSlow    bool
	SkipThroug  bool
}

// benchResult is everything one run against one server measured.
type benchResult struct {
	Server        string             `json:"server"`
	Metrics       map[string]float64 `json:"metrics"`
	ConnectRate   float64            `json:"connectRate"`
	HandshakeP99  float64            `json:"handshakeP99Ms"`
	RSSBaseline   int64              `json:"rssBaselineBytes"`
	RSSIdle       int64              `json:"rssIdleBytes"`
	RSSAfterLoad  int64              `json:"rssAfterLoadBytes"`
	Fanout        *fanoutResult      `json:"fanout,omitempty"`
	FanoutSmall   *fanoutResult      `json:"fanoutSmall,omitempty"`
	FanoutMax     *fanoutResult      `json:"fanoutMax,omitempty"`
	Throughput    *throughputResult  `json:"throughput,omitempty"`
	SlowConsumers *slowResult        `json:"slowConsumers,omitempty"`
}

// slowResult compares healthy clients' latency with and without clients
// that never read.
type slowResult struct {
	Healthy       int         `json:"healthy"`
	Slow          int         `json:"slow"`
	Base          *stepResult `json:"base"`
	WithSlow      *stepResult `json:"withSlow"`
	P99Ratio      float64     `json:"p99Ratio"`
	SlowDropped   int         `json:"slowDropped"`
	RSSGrowthMB   float64     `json:"rssGrowthMB"`
	ClientsBefore int         `json:"clientsBefore"`
	ClientsAfter  int         `json:"clientsAfter"`
}

func (c *coordinator) runBench(ctx context.Context, cfg benchConfig) (*benchResult, error) {
	res := &benchResult{Metrics: map[string]float64{}}
	met := res.Metrics
	var err error
	if res.RSSBaseline, err = c.settledRSS(ctx); err != nil {
		return nil, fmt.Errorf("failed to read server RSS: %w", err)
	}

	// Connection rate and memory per idle connection.
	srvCPU, lgCPU := startCPU(c.pid), startCPU(c.loadgenPIDs()...)
	rate, hs, err := c.connect(ctx, cfg.N, cfg.Conc, false)
	if err != nil {
		return nil, fmt.Errorf("failed to connect %d clients: %w", cfg.N, err)
	}
	res.ConnectRate, res.HandshakeP99 = rate, ms(hs.Quantile(0.99))
	met["connect_rate"] = rate
	met["connect_server_cpu_pct"], _ = srvCPU.stop()
	// The workers spawned during connect are not in lgCPU's list: count
	// them from their start.
	met["connect_loadgen_cpu_pct"], _ = lgCPU.stop()
	for _, pid := range c.pool.pids() {
		if d, err := procCPU(pid); err == nil {
			met["connect_loadgen_cpu_pct"] += 100 * d.Seconds() / time.Since(srvCPU.start).Seconds()
		}
	}
	c.logf("connected %d clients at %.0f handshakes/s (handshake p99 %.1f ms), server cpu %.0f%% loadgen cpu %.0f%%",
		cfg.N, rate, res.HandshakeP99, met["connect_server_cpu_pct"], met["connect_loadgen_cpu_pct"])
	if got, err := c.waitClients(ctx, cfg.N, 15*time.Second); err != nil || got != cfg.N {
		return nil, fmt.Errorf("server counts %d clients, want %d (%v)", got, cfg.N, err)
	}
	time.Sleep(time.Second)
	if res.RSSIdle, err = c.settledRSS(ctx); err != nil {
		return nil, err
	}
	met["mem_idle_kb_per_conn"] = float64(res.RSSIdle-res.RSSBaseline) / float64(cfg.N) / 1024
	c.logf("RSS %.1f MB idle with %d clients (baseline %.1f MB): %.2f kB per connection",
		float64(res.RSSIdle)/1e6, cfg.N, float64(res.RSSBaseline)/1e6, met["mem_idle_kb_per_conn"])

	// Fan-out at N, with acks measured meanwhile.
	var prof *profiler
	if cfg.PprofDir != "" {
		prof = c.startProfile(ctx, "", cfg.PprofDir, 10*time.Second)
	}
	fo, err := c.fanout(ctx, cfg.K, cfg.Probes, cfg.Gap)
	if err != nil {
		return nil, fmt.Errorf("fan-out: %w", err)
	}
	if prof != nil {
		if err := prof.finish(ctx); err != nil {
			return nil, fmt.Errorf("failed to profile the server: %w", err)
		}
	}
	res.Fanout = &fo
	met["fanout_p50_ms"] = fo.CompletionP50Ms
	met["fanout_p99_ms"] = fo.CompletionP99Ms
	met["fanout_first_p50_ms"] = fo.FirstP50Ms
	met["fanout_msg_p50_ms"] = fo.MsgP50Ms
	met["fanout_msg_p99_ms"] = fo.MsgP99Ms
	met["ack_p99_ms"] = fo.AckP99Ms
	met["trigger_p99_ms"] = fo.TriggerP99Ms
	met["broadcast_call_p99_ms"] = fo.BroadcastCallP99
	met["server_cpu_ms_per_broadcast"] = fo.ServerCPUMsPerB
	met["fanout_loadgen_cpu_pct"] = fo.LoadgenCPUPct
	lost, dups, disc := fo.Lost, fo.Dups, fo.Disconnects

	if !cfg.SkipThroug {
		tp, err := c.throughput(ctx, cfg.Rates, cfg.StepDur)
		if err != nil {
			return nil, fmt.Errorf("throughput: %w", err)
		}
		res.Throughput = &tp
		met["throughput_msgs_s"] = tp.MaxMsgs
		met["throughput_achieved_msgs_s"] = tp.MaxAchieved
		for _, st := range tp.Steps {
			if st.Kept {
				met["throughput_server_cpu_pct"] = st.ServerCPUPct
				met["throughput_loadgen_cpu_pct"] = st.LoadgenCPUPct
				// Losses on the failing step are the measure, not an error.
				lost += st.Lost
			}
			disc = max(disc, st.Disconnects)
		}
	}
	time.Sleep(500 * time.Millisecond)
	if res.RSSAfterLoad, err = c.settledRSS(ctx); err != nil {
		return nil, err
	}
	met["rss_after_load_ratio"] = float64(res.RSSAfterLoad) / float64(res.RSSIdle)
	c.logf("RSS %.1f MB after the load: %.2fx idle", float64(res.RSSAfterLoad)/1e6, met["rss_after_load_ratio"])

	if cfg.NMax > cfg.N {
		more := cfg.NMax - cfg.N
		if _, _, err := c.connect(ctx, more, cfg.Conc, false); err != nil {
			return nil, fmt.Errorf("failed to grow to %d clients: %w", cfg.NMax, err)
		}
		if got, _ := c.waitClients(ctx, cfg.NMax, 15*time.Second); got != cfg.NMax {
			return nil, fmt.Errorf("server counts %d clients, want %d", got, cfg.NMax)
		}
		fm, err := c.fanout(ctx, max(cfg.K/4, 3), cfg.Probes, cfg.Gap)
		if err != nil {
			return nil, fmt.Errorf("fan-out at %d: %w", cfg.NMax, err)
		}
		res.FanoutMax = &fm
		met["fanout_max_p50_ms"] = fm.CompletionP50Ms
		met["fanout_max_p99_ms"] = fm.CompletionP99Ms
		met["fanout_max_clients"] = float64(fm.Clients)
		met["trigger_p99_ms"] = max(met["trigger_p99_ms"], fm.TriggerP99Ms)
		lost, dups, disc = lost+fm.Lost, dups+fm.Dups, max(disc, fm.Disconnects)
		if err := c.closeHealthy(more); err != nil {
			return nil, err
		}
	}

	// Fan-out to the small population.
	if err := c.closeHealthy(cfg.N - cfg.NSmall); err != nil {
		return nil, err
	}
	if got, _ := c.waitClients(ctx, cfg.NSmall, 20*time.Second); got != cfg.NSmall {
		return nil, fmt.Errorf("server counts %d clients after closing, want %d", got, cfg.NSmall)
	}
	kSmall := cfg.K
	if cfg.KSmall > 0 {
		kSmall = cfg.KSmall
	}
	fs, err := c.fanout(ctx, kSmall, 0, cfg.Gap)
	if err != nil {
		return nil, fmt.Errorf("small fan-out: %w", err)
	}
	res.FanoutSmall = &fs
	met["fanout_small_p50_ms"] = fs.CompletionP50Ms
	met["fanout_small_p99_ms"] = fs.CompletionP99Ms
	met["trigger_p99_ms"] = max(met["trigger_p99_ms"], fs.TriggerP99Ms)
	lost, dups, disc = lost+fs.Lost, dups+fs.Dups, max(disc, fs.Disconnects)

	if !cfg.SkipSlow {
		sr, err := c.slowConsumers(ctx, cfg)
		if err != nil {
			return nil, fmt.Errorf("slow consumers: %w", err)
		}
		res.SlowConsumers = sr
		met["slow_healthy_p99_ratio"] = sr.P99Ratio
		met["slow_healthy_p99_base_ms"] = sr.Base.MsgP99Ms
		met["slow_healthy_p99_ms"] = sr.WithSlow.MsgP99Ms
		met["slow_dropped"] = float64(sr.SlowDropped)
		met["slow_rss_growth_mb"] = sr.RSSGrowthMB
		lost += sr.Base.Lost + sr.WithSlow.Lost
		dups += sr.Base.Dups + sr.WithSlow.Dups
		disc = max(disc, sr.WithSlow.Disconnects)
	}
	met["lost"] = float64(lost)
	met["dups"] = float64(dups)
	met["disconnects"] = float64(disc)
	return res, nil
}

func (c *coordinator) slowConsumers(ctx context.Context, cfg benchConfig) (*slowResult, error) {
	res := &slowResult{Healthy: cfg.Healthy, Slow: cfg.Slow}
	if err := c.closeHealthy(c.pool.total() - cfg.Healthy); err != nil {
		return nil, err
	}
	if got, _ := c.waitClients(ctx, cfg.Healthy, 20*time.Second); got != cfg.Healthy {
		return nil, fmt.Errorf("server counts %d clients, want %d", got, cfg.Healthy)
	}
	// Large payloads: a client that never reads lets the kernel buffer up
	// to tcp_wmem's maximum (4 MB here) before the server sees anything.
	c.pad = cfg.SlowPad
	defer func() { c.pad = 0 }()
	base, err := c.rateStep(ctx, cfg.SlowRate, cfg.SlowBaseDur, 5*time.Second)
	if err != nil {
		return nil, err
	}
	res.Base = &base
	rssBefore, err := c.settledRSS(ctx)
	if err != nil {
		return nil, err
	}
	if _, _, err := c.connect(ctx, cfg.Slow, cfg.Slow, true); err != nil {
		return nil, fmt.Errorf("failed to connect slow clients: %w", err)
	}
	s, err := c.stats(ctx)
	if err != nil {
		return nil, err
	}
	res.ClientsBefore = s.Clients
	with, err := c.rateStep(ctx, cfg.SlowRate, cfg.SlowDur, 5*time.Second)
	if err != nil {
		return nil, err
	}
	res.WithSlow = &with
	time.Sleep(time.Second)
	if s, err = c.stats(ctx); err != nil {
		return nil, err
	}
	res.ClientsAfter = s.Clients
	res.SlowDropped = max(0, res.ClientsBefore-res.ClientsAfter)
	rssAfter, err := c.settledRSS(ctx)
	if err != nil {
		return nil, err
	}
	res.RSSGrowthMB = float64(rssAfter-rssBefore) / 1e6
	if base.MsgP99Ms > 0 {
		res.P99Ratio = with.MsgP99Ms / base.MsgP99Ms
	}
	c.logf("slow consumers (payload +%d B): healthy p99 %.1f -> %.1f ms (%.2fx), %d of %d slow dropped, RSS +%.1f MB",
		cfg.SlowPad, base.MsgP99Ms, with.MsgP99Ms, res.P99Ratio, res.SlowDropped, cfg.Slow, res.RSSGrowthMB)
	if _, err := c.pool.workers[0].call(request{Op: "close", Slow: true}); err != nil {
		return nil, err
	}
	return res, nil
}
