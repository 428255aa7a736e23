package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"
)

// coordinator drives the worker processes and the server under test.
type coordinator struct {
	pool    *pool
	base    string // http://host:port of the server
	hc      *http.Client
	pid     int // the server's process, for /proc
	nextSeq int64
	pad     int // bytes of padding asked of the server per broadcast
	log     io.Writer
}

// serverStats is GET /stats of the benchmark servers.
type serverStats struct {
	Clients   int   `json:"clients"`
	RSSBytes  int64 `json:"rssBytes"`
	HeapBytes int64 `json:"heapBytes"`
	PID       int   `json:"pid"`
}

func (c *coordinator) logf(format string, args ...any) {
	fmt.Fprintf(c.log, "loadgen: "+format+"\n", args...)
}

func (c *coordinator) stats(ctx context.Context) (serverStats, error) {
	var s serverStats
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/stats", nil)
	resp, err := c.hc.Do(req)
	if err != nil {
		return s, fmt.Errorf("failed to get stats: %w", err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		return s, fmt.Errorf("failed to decode stats: %w", err)
	}
	return s, nil
}

// settledRSS asks the server to collect garbage and reads its RSS.
func (c *coordinator) settledRSS(ctx context.Context) (int64, error) {
	for range 2 {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/gc", nil)
		if resp, err := c.hc.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		time.Sleep(300 * time.Millisecond)
	}
	return procRSS(c.pid)
}

// waitClients polls /stats until the server counts want clients.
func (c *coordinator) waitClients(ctx context.Context, want int, timeout time.Duration) (int, error) {
	deadline := time.Now().Add(timeout)
	for {
		s, err := c.stats(ctx)
		if err != nil {
			return 0, err
		}
		if s.Clients == want || time.Now().After(deadline) {
			return s.Clients, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// triggerResult is one POST /trigger.
type triggerResult struct {
	Seq         int64
	T0          int64 // unix ns just before the request
	RespNs      int64 // response time seen by the load generator
	BroadcastNs int64 // the broadcast call's duration, as the server reports it
}

func (c *coordinator) trigger(ctx context.Context, seq int64) (triggerResult, error) {
	t0 := time.Now().UnixNano()
	body := `{"seq":` + strconv.FormatInt(seq, 10) + `,"t0":"` + strconv.FormatInt(t0, 10) + `"`
	if c.pad > 0 {
		body += `,"pad":` + strconv.Itoa(c.pad)
	}
	body += "}"
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/trigger", bytes.NewReader([]byte(body)))
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return triggerResult{}, fmt.Errorf("failed to trigger: %w", err)
	}
	var ans struct {
		BroadcastNs int64 `json:"broadcastNs"`
	}
	err = json.NewDecoder(resp.Body).Decode(&ans)
	resp.Body.Close()
	r := triggerResult{Seq: seq, T0: t0, RespNs: time.Now().UnixNano() - t0, BroadcastNs: ans.BroadcastNs}
	if err != nil || resp.StatusCode != http.StatusOK {
		return r, fmt.Errorf("trigger answered %d: %v", resp.StatusCode, err)
	}
	return r, nil
}

// connect opens n more healthy (or slow) clients over the workers and
// returns the handshake rate.
func (c *coordinator) connect(ctx context.Context, n, conc int, slow bool) (rate float64, hs *Histogram, err error) {
	var plan map[*worker]int
	if slow {
		if len(c.pool.workers) == 0 {
			if _, err := c.pool.spawn(); err != nil {
				return 0, nil, err
			}
		}
		plan = map[*worker]int{c.pool.workers[0]: n}
	} else if plan, err = c.pool.plan(n); err != nil {
		return 0, nil, err
	}
	start := time.Now()
	resps, err := c.pool.all(func(_ int, w *worker) (request, bool) {
		k := plan[w]
		share := max(1, conc*k/max(n, 1))
		return request{Op: "connect", N: k, Conc: share, Slow: slow}, k > 0
	})
	elapsed := time.Since(start)
	if err != nil {
		return 0, nil, err
	}
	hs = NewHistogram()
	ok, failed, firstErr := 0, 0, ""
	for _, r := range resps {
		if r.Connect == nil {
			continue
		}
		ok += r.Connect.OK
		failed += r.Connect.Failed
		hs.Merge(r.Connect.Handshake)
		if firstErr == "" {
			firstErr = r.Connect.FirstErr
		}
	}
	if failed > 0 {
		// The assignment stays: those clients count as lost from now on.
		return float64(ok) / elapsed.Seconds(), hs, fmt.Errorf("%d of %d connections failed: %s", failed, n, firstErr)
	}
	return float64(ok) / elapsed.Seconds(), hs, nil
}

// closeHealthy closes n healthy clients, taken from the last workers.
func (c *coordinator) closeHealthy(n int) error {
	plan := map[*worker]int{}
	for i := len(c.pool.workers) - 1; i >= 0 && n > 0; i-- {
		w := c.pool.workers[i]
		k := min(n, w.healthy)
		plan[w] = k
		w.healthy -= k
		n -= k
	}
	_, err := c.pool.all(func(_ int, w *worker) (request, bool) {
		return request{Op: "close", N: plan[w]}, plan[w] > 0
	})
	return err
}

// phase starts a phase of count broadcasts and returns its first sequence
// number and the number of clients expected to receive each.
func (c *coordinator) phase(count int) (base int64, expected int64, err error) {
	base = c.nextSeq + 1
	c.nextSeq += int64(count)
	resps, err := c.pool.all(func(int, *worker) (request, bool) {
		return request{Op: "reset", Base: base, Count: count}, true
	})
	for _, r := range resps {
		expected += r.N
	}
	return base, expected, err
}

// waitSeq waits until expected clients received seq, or timeout passes:
// each worker answers once its own clients all have it (farm.await), so
// nothing on the load generator's core runs for the coordinator while
// the arrivals are being timed. With timeout <= 0 it only looks.
func (c *coordinator) waitSeq(seq, expected int64, timeout time.Duration) bool {
	req := request{Op: "progress", Seq: seq}
	if timeout > 0 {
		req = request{Op: "await", Seq: seq, DurationMs: max(1, int(timeout/time.Millisecond))}
	}
	resps, err := c.pool.all(func(int, *worker) (request, bool) { return req, true })
	if err != nil {
		return false
	}
	var got int64
	for _, r := range resps {
		got += r.N
	}
	return got >= expected
}

// merged is the union of the workers' phase reports.
type merged struct {
	Seqs        []SeqStat
	Latency     *Histogram
	Acks        *Histogram
	AckPending  int64
	Dups        int64
	Leaked      int64
	Disconnects int64
	Alive       int
}

func (c *coordinator) collect() (merged, error) {
	m := merged{Latency: NewHistogram(), Acks: NewHistogram()}
	resps, err := c.pool.all(func(int, *worker) (request, bool) { return request{Op: "collect"}, true })
	if err != nil {
		return m, err
	}
	for _, r := range resps {
		p := r.Phase
		if p == nil {
			continue
		}
		if m.Seqs == nil {
			m.Seqs = make([]SeqStat, len(p.Seqs))
		}
		for i := range min(len(p.Seqs), len(m.Seqs)) {
			m.Seqs[i].merge(p.Seqs[i])
		}
		m.Latency.Merge(p.Latency)
		m.Acks.Merge(p.Acks)
		m.AckPending += p.AckPending
		m.Dups += p.Dups
		m.Leaked += p.Leaked
		m.Disconnects += p.Disconnects
		m.Alive += p.Alive
	}
	return m, nil
}

// probe starts (k > 0) or stops (k = 0) ack probes on the first worker.
func (c *coordinator) probe(k int, interval, duration time.Duration) error {
	if len(c.pool.workers) == 0 {
		return nil
	}
	_, err := c.pool.workers[0].call(request{Op: "probe", N: k, IntervalMs: int(interval / time.Millisecond), DurationMs: int(duration / time.Millisecond)})
	return err
}

// loadgenPIDs returns this process and its workers, for CPU accounting.
func (c *coordinator) loadgenPIDs() []int {
	return append([]int{os.Getpid()}, c.pool.pids()...)
}

func ms(ns int64) float64 { return float64(ns) / 1e6 }

func msf(ns float64) float64 { return ns / 1e6 }
