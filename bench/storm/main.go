// Command storm measures a reconnect storm (issue 20 §2): N dashboards
// connected to one `livedesk serve`, payments written throughout, then
// SIGTERM and a new process on the same address. Every dashboard
// reconnects with socket.io-client's default backoff and asks to recover
// from its last offset. It reports how long after the new process
// listened 99% and 100% of them were live again and caught up (had every
// payment committed before), events lost and duplicated over the whole
// run, and the new process's CPU, database reads and replayed messages
// during the storm. Output: JSON on stdout (or -out) and a summary on
// stderr.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/livedesk/livedesk/bench/internal/ldproc"
	"github.com/livedesk/livedesk/bench/internal/restclient"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "storm:", err)
		os.Exit(1)
	}
}

// result is the storm's output.
type result struct {
	Dashboards     int            `json:"dashboards"`
	Database       string         `json:"database"`
	Rate           float64        `json:"paymentsPerSecond"`
	ConnectSeconds float64        `json:"firstConnectSeconds"` // connecting all N the first time
	DownSeconds    float64        `json:"downSeconds"`         // SIGTERM -> new process listening (one instance)
	Back99Seconds  float64        `json:"back99Seconds"`       // new process listening (or the kill) -> 99% live and caught up
	Back100Seconds float64        `json:"back100Seconds"`      // ... 100% (or -1: not all within the timeout)
	NotBack        int            `json:"notBack"`
	SessionEnds    map[string]int `json:"sessionEnds"`        // why connections ended or failed, by kind
	Connected50    float64        `json:"connected50Seconds"` // new process listening -> connected again (median), whatever the replay
	Connected99    float64        `json:"connected99Seconds"`
	Handshake50    float64        `json:"reconnectHandshake50Seconds"` // the successful attempt alone: dial to CONNECT answer
	Handshake99    float64        `json:"reconnectHandshake99Seconds"`
	Recovered      int64          `json:"recoveredSessions"` // CONNECT answers naming the old session
	Payments       int64          `json:"payments"`
	Lost           int64          `json:"lost"` // payments missing at dashboards connected at the end
	// Unreached dashboards were not connected at the end (still in their
	// backoff after the timeout); Pending is the payments they had not
	// received then, which their next connection's replay brings.
	Unreached       int     `json:"unreached"`
	Pending         int64   `json:"pending"`
	Dups            int64   `json:"duplicated"`
	ServerCPUPct    float64 `json:"serverCpuPctDuringStorm"` // of one core
	DBReads         float64 `json:"dbReadTransactions"`      // the new process's (or the survivors') during the storm
	ReplayAttempts  float64 `json:"recoveryAttempts"`
	ReplaySuccesses float64 `json:"recoverySuccesses"`
	Replayed        float64 `json:"replayedMessages"`
	LogReads        float64 `json:"replayLogReads"`    // the replays' reads of the event log
	StatsReads      float64 `json:"initialStatsReads"` // reads of the figures sent to new sockets
	Instances       int     `json:"instances"`
	Watched         int     `json:"watched"` // dashboards that had to come back: all, or the killed instance's
	// LiveP99BeforeMs and LiveP99DuringMs (cluster mode): payment to
	// payment:added p99 at the dashboards that stayed connected, for
	// payments posted before the kill and during the storm: whether the
	// handshakes starved live traffic.
	LiveP99BeforeMs float64 `json:"liveP99BeforeMs,omitempty"`
	LiveP99DuringMs float64 `json:"liveP99DuringMs,omitempty"`
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("storm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	bin := fs.String("livedesk", "bin/livedesk", "the livedesk binary")
	n := fs.Int("n", 10000, "dashboards")
	rate := fs.Float64("rate", 10, "payments per second, throughout")
	db := fs.String("db", "", "database URL (default: a fresh SQLite file; a postgres:// URL gets a fresh schema)")
	conc := fs.Int("conc", 200, "handshakes in flight while first connecting")
	warm := fs.Duration("warm", 3*time.Second, "payments before the restart")
	timeout := fs.Duration("timeout", 60*time.Second, "longest wait for every dashboard to be back")
	out := fs.String("out", "", "write the JSON result here instead of stdout")
	connectWait := fs.Duration("connect-wait", 3*time.Minute, "longest wait for the first connection of every dashboard")
	stopWait := fs.Duration("stop-wait", 30*time.Second, "longest wait for the old process to exit after SIGTERM")
	instances := fs.Int("instances", 1, "1: SIGTERM and a new process; 3 (PostgreSQL): SIGKILL one instance, its dashboards move to the others")
	if err := fs.Parse(args); err != nil {
		return err
	}
	logf := func(format string, a ...any) { fmt.Fprintf(stderr, "storm: "+format+"\n", a...) }
	dir, err := os.MkdirTemp("", "livedesk-storm-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	dbURL, dropDB, err := database(ctx, *db, dir)
	if err != nil {
		return err
	}
	defer dropDB()
	env := []string{"LIVEDESK_JWT_SECRET=storm-secret-storm-secret-storm-secret-0123456789"}
	const email, password = "storm-admin@livedesk.local", "storm-admin-password"
	for _, a := range [][]string{
		{"migrate", "--db", dbURL},
		{"user", "create", "--db", dbURL, "--email", email, "--password", password, "--role", "admin", "--name", "Storm Admin"},
		{"user", "create", "--db", dbURL, "--email", "storm-vendor@livedesk.local", "--password", password, "--role", "vendor", "--name", "Storm Vendor"},
	} {
		if err := ldproc.Run(ctx, *bin, env, a...); err != nil {
			return err
		}
	}
	if *instances != 1 && !strings.HasPrefix(dbURL, "postgres") {
		return errors.New("-instances > 1 needs -db postgres://…")
	}
	addrs := make([]string, *instances)
	for i := range addrs {
		if addrs[i], err = ldproc.FreeAddr(); err != nil {
			return err
		}
	}
	addr := addrs[0]
	serveAt := func(addr string) (*ldproc.Proc, string, error) {
		maddr, err := ldproc.FreeAddr()
		if err != nil {
			return nil, "", err
		}
		p, err := ldproc.Serve(ctx, *bin, env, stderr, "--addr", addr, "--db", dbURL, "--log-level", "warn", "--shutdown-grace", "5s",
			"--metrics-addr", maddr, "--max-conns-per-ip", "0", "--max-http-conns-per-ip", "0", "--handshakes-per-ip", "0")
		return p, "http://" + maddr + "/metrics", err
	}
	serve := func() (*ldproc.Proc, string, error) { return serveAt(addr) }
	srv, _, err := serve()
	if err != nil {
		return err
	}
	defer func() { srv.Stop() }()
	others := make([]*ldproc.Proc, 0, len(addrs)-1) // the instances that stay up (cluster mode)
	var otherMetrics []string
	defer func() { ldproc.StopAll(others) }()
	for _, a := range addrs[1:] {
		p, m, err := serveAt(a)
		if err != nil {
			return err
		}
		others, otherMetrics = append(others, p), append(otherMetrics, m)
	}
	api := &restclient.Client{Base: srv.URL, HTTP: &http.Client{Timeout: 10 * time.Second}}
	var tok struct{ Token string }
	if _, err := api.Do(ctx, "POST", "/api/auth/login", map[string]string{"email": email, "password": password}, nil, &tok); err != nil {
		return err
	}
	api.Token = tok.Token
	custs, err := customers(ctx, api, 20)
	if err != nil {
		return err
	}

	res := result{Instances: *instances, Dashboards: *n, Database: strings.SplitN(dbURL, ":", 2)[0], Rate: *rate}
	logf("connecting %d dashboards to %s", *n, srv.URL)
	dctx, stopDash := context.WithCancel(ctx)
	defer stopDash()
	var wsURLs []string
	for _, a := range addrs {
		wsURLs = append(wsURLs, "ws://"+a+"/socket.io/?EIO=4&transport=websocket")
	}
	dash := make([]*dashboard, *n)
	hc := newHTTPClient()
	fails := &failures{by: map[string]int{}}
	var connErr atomic.Pointer[error] // the first connection that failed, if any (errors of any type)
	var wg sync.WaitGroup
	sem := make(chan struct{}, *conc)
	start := time.Now()
	connectBy := time.NewTimer(*connectWait)
	defer connectBy.Stop()
	launched := 0
launch:
	for i := range dash {
		d := &dashboard{urls: wsURLs, token: tok.Token, hc: hc, failures: fails}
		d.at.Store(int64(i % len(wsURLs)))
		select {
		case sem <- struct{}{}:
		case <-connectBy.C:
			break launch
		case <-ctx.Done():
			break launch
		}
		dash[i] = d
		launched++
		wg.Add(1)
		go d.run(dctx, func(err error) {
			if err != nil {
				connErr.CompareAndSwap(nil, &err)
			}
			<-sem
			wg.Done()
		})
	}
	// Bounded: a storm that cannot even connect says so, rather than
	// being killed by the harness with nothing to show.
	notConnected := func() error {
		up := 0
		for _, d := range dash[:launched] {
			if d.connects.Load() > 0 {
				up++
			}
		}
		fails.mu.Lock()
		by := maps.Clone(fails.by)
		fails.mu.Unlock()
		return fmt.Errorf("only %d of %d dashboards connected within %s (the first connection; %d not even started; connections ended: %v)", up, *n, *connectWait, *n-launched, by)
	}
	if launched < len(dash) {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted while connecting the dashboards: %w", ctx.Err())
		}
		return notConnected()
	}
	all := make(chan struct{})
	go func() { wg.Wait(); close(all) }()
	select {
	case <-all:
	case <-connectBy.C:
		return notConnected()
	case <-ctx.Done():
		return fmt.Errorf("interrupted while connecting the dashboards: %w", ctx.Err())
	}
	if p := connErr.Load(); p != nil {
		err := *p
		return fmt.Errorf("a dashboard could not connect: %w", err)
	}
	res.ConnectSeconds = time.Since(start).Seconds()
	logf("%d dashboards connected in %.1f s", *n, res.ConnectSeconds)

	if len(others) > 0 {
		api.Base = others[0].URL // the writer is not on the instance killed
	}
	w := &writer{api: api, customers: custs, rate: *rate}
	wctx, stopWriter := context.WithCancel(ctx)
	wdone := make(chan struct{})
	go func() { w.run(wctx); close(wdone) }()
	time.Sleep(*warm)

	var (
		t0         time.Time
		watched    = dash
		metricURLs []string
		pids       []int
	)
	if len(others) == 0 {
		logf("SIGTERM after %d payments; starting a new process on %s", w.acked.Load(), addr)
		killed := time.Now()
		srv.Signal(syscall.SIGTERM)
		select {
		case <-srv.Done():
		case <-time.After(*stopWait):
			stopWriter()
			return fmt.Errorf("the old process did not exit within %s of SIGTERM (its shutdown grace is 5 s)", *stopWait)
		}
		var metricsURL string
		srv, metricsURL, err = serve()
		if err != nil {
			stopWriter()
			return fmt.Errorf("restart: %w", err)
		}
		t0 = time.Now()
		res.DownSeconds = t0.Sub(killed).Seconds()
		metricURLs, pids = []string{metricsURL}, []int{srv.PID()}
	} else {
		logf("SIGKILL of the instance on %s after %d payments; its dashboards move to the %d others", addr, w.acked.Load(), len(others))
		srv.Signal(syscall.SIGKILL)
		t0 = time.Now()
		<-srv.Done()
		watched = nil
		for i, d := range dash {
			if i%len(wsURLs) == 0 {
				watched = append(watched, d)
			}
		}
		metricURLs = otherMetrics
		for _, p := range others {
			pids = append(pids, p.PID())
		}
	}
	warmFrom := t0.Add(-*warm).UnixNano()
	var before [6]float64 // the survivors' figures before the storm (a new process starts at 0)
	if len(others) > 0 {
		before = sumMetrics(metricURLs, logf)
	}
	target := w.acked.Load()
	var cpu0 float64
	for _, pid := range pids {
		cpu0 += procCPU(pid)
	}
	logf("waiting for %d dashboards to be live with payments 1..%d", len(watched), target)

	backs := watch(watched, t0, target, *timeout)
	var conns, tooks []time.Duration
	for _, d := range watched {
		if at := d.liveAt.Load(); at >= t0.UnixNano() {
			conns = append(conns, time.Duration(at-t0.UnixNano()))
			tooks = append(tooks, time.Duration(d.tookNs.Load()))
		}
	}
	slices.Sort(tooks)
	if len(tooks) > 0 {
		res.Handshake50, res.Handshake99 = tooks[len(tooks)/2].Seconds(), tooks[min(len(tooks)-1, int(0.99*float64(len(tooks))))].Seconds()
	}
	slices.Sort(conns)
	if len(conns) > 0 {
		res.Connected50, res.Connected99 = conns[len(conns)/2].Seconds(), conns[min(len(conns)-1, int(0.99*float64(len(conns))))].Seconds()
	}
	var cpu1 float64
	for _, pid := range pids {
		cpu1 += procCPU(pid)
	}
	stormEnd := time.Now()
	slices.Sort(backs)
	res.NotBack = len(watched) - len(backs)
	res.Watched = len(watched)
	if len(backs) > 0 {
		res.Back99Seconds = backs[min(len(backs)-1, int(0.99*float64(len(watched))))].Seconds()
		if res.NotBack > int(0.01*float64(len(watched))) {
			res.Back99Seconds = -1
		}
		res.Back100Seconds = backs[len(backs)-1].Seconds()
	}
	if res.NotBack > 0 {
		res.Back100Seconds = -1
	}
	res.ServerCPUPct = 100 * (cpu1 - cpu0) / stormEnd.Sub(t0).Seconds()
	if len(others) > 0 {
		var pre, during []time.Duration
		for i, d := range dash {
			if i%len(wsURLs) != 0 {
				pre = append(pre, d.latencies(warmFrom, t0.UnixNano())...)
				during = append(during, d.latencies(t0.UnixNano(), stormEnd.UnixNano())...)
			}
		}
		res.LiveP99BeforeMs, res.LiveP99DuringMs = p99ms(pre), p99ms(during)
		logf("live payment:added p99 at the dashboards that stayed: %.1f ms before the kill, %.1f ms during the storm", res.LiveP99BeforeMs, res.LiveP99DuringMs)
	}
	after := sumMetrics(metricURLs, logf)
	for i := range after {
		after[i] -= before[i]
	}
	res.DBReads, res.ReplayAttempts, res.ReplaySuccesses, res.Replayed, res.LogReads, res.StatsReads = after[0], after[1], after[2], after[3], after[4], after[5]

	// A little more traffic after the storm, then everything must have
	// arrived exactly once.
	time.Sleep(2 * time.Second)
	stopWriter()
	<-wdone
	res.Payments = w.acked.Load()
	deadline := time.Now().Add(10 * time.Second)
	for _, d := range dash {
		for d.contig.Load() < res.Payments && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		lost, dups := d.missing(res.Payments)
		if d.downAt.Load() != 0 || d.liveAt.Load() == 0 {
			res.Unreached++
			res.Pending += lost
		} else {
			res.Lost += lost
		}
		res.Dups += dups
		res.Recovered += d.recovered.Load()
	}
	fails.mu.Lock()
	res.SessionEnds = maps.Clone(fails.by)
	fails.mu.Unlock()
	logf("sessions ended: %v", res.SessionEnds)
	stopDash()
	for _, d := range dash {
		d.stop()
	}
	logf("reconnect handshakes: median %.3f s, 99%% %.3f s; connected again: median %.2f s, 99%% %.2f s; back: 99%% after %.2f s, 100%% after %.2f s (%d not back); %d payments, lost %d, duplicated %d; %d dashboards not connected at the end (%d payments not yet replayed to them); recovered sessions %d; server CPU %.0f%% of a core during the storm, %0.f read transactions, %0.f recovery attempts, %0.f replayed messages, %.0f replay log reads, %.0f reads of the initial figures",
		res.Handshake50, res.Handshake99, res.Connected50, res.Connected99, res.Back99Seconds, res.Back100Seconds, res.NotBack, res.Payments, res.Lost, res.Dups, res.Unreached, res.Pending, res.Recovered, res.ServerCPUPct, res.DBReads, res.ReplayAttempts, res.Replayed, res.LogReads, res.StatsReads)
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	if *out != "" {
		return os.WriteFile(*out, append(b, '\n'), 0o644)
	}
	_, err = stdout.Write(append(b, '\n'))
	return err
}

// watch polls the dashboards until every one is live after t0 and has
// payments 1..target, or timeout; it returns each one's time from t0.
func watch(dash []*dashboard, t0 time.Time, target int64, timeout time.Duration) []time.Duration {
	var backs []time.Duration
	left := slices.Clone(dash)
	deadline := t0.Add(timeout)
	for len(left) > 0 && time.Now().Before(deadline) {
		now := time.Now()
		keep := left[:0]
		for _, d := range left {
			if d.liveAt.Load() >= t0.UnixNano() && d.downAt.Load() == 0 && d.contig.Load() >= target {
				backs = append(backs, now.Sub(t0))
				continue
			}
			keep = append(keep, d)
		}
		left = keep
		time.Sleep(20 * time.Millisecond)
	}
	return backs
}

// database returns the database to use and how to drop it.
func database(ctx context.Context, db, dir string) (string, func(), error) {
	if db == "" {
		return "sqlite:" + filepath.Join(dir, "storm.db"), func() {}, nil
	}
	if strings.HasPrefix(db, "postgres") {
		return pgSchema(ctx, db)
	}
	return "", nil, errors.New("-db: a postgres:// URL, or nothing for SQLite")
}

// storm figures read from the instances' metrics, in this order.
var stormMetrics = [6]string{
	`livedesk_db_transaction_duration_seconds_count{kind="read"}`,
	"livedesk_realtime_recovery_attempts_total",
	"livedesk_realtime_recovery_successes_total",
	"livedesk_realtime_recovery_replayed_messages_total",
	"livedesk_realtime_recovery_log_reads_total",
	"livedesk_realtime_initial_stats_reads_total",
}

// sumMetrics adds up stormMetrics over the instances' metrics URLs.
func sumMetrics(urls []string, logf func(string, ...any)) [6]float64 {
	var sum [6]float64
	for _, u := range urls {
		m, err := scrape(u)
		if err != nil {
			logf("metrics: %v", err)
		}
		for i, k := range stormMetrics {
			sum[i] += m[k]
		}
	}
	return sum
}

// p99ms is the 99th percentile in milliseconds (0 when empty).
func p99ms(ds []time.Duration) float64 {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return float64(ds[min(len(ds)-1, int(0.99*float64(len(ds))))].Microseconds()) / 1000
}
