package main

import (
	"context"
	"math"
	"time"
)

// fanoutResult measures K broadcasts sent one after the other to every
// client, each waited for until every client had it.
type fanoutResult struct {
	Clients         int     `json:"clients"`
	Broadcasts      int     `json:"broadcasts"`
	CompletionP50Ms float64 `json:"completionP50Ms"` // last arrival - t0, over broadcasts
	CompletionP99Ms float64 `json:"completionP99Ms"`
	// CompletionsMs is every broadcast's completion, in order: which
	// broadcasts made the p99.
	CompletionsMs    []float64 `json:"completionsMs,omitempty"`
	FirstP50Ms       float64   `json:"firstArrivalP50Ms"`
	MsgP50Ms         float64   `json:"msgP50Ms"` // per message
	MsgP99Ms         float64   `json:"msgP99Ms"`
	MsgMaxMs         float64   `json:"msgMaxMs"`
	Lost             int64     `json:"lost"`
	Dups             int64     `json:"dups"`
	Disconnects      int64     `json:"disconnects"`
	TriggerP50Ms     float64   `json:"triggerP50Ms"` // POST /trigger response time
	TriggerP99Ms     float64   `json:"triggerP99Ms"`
	BroadcastCallP99 float64   `json:"broadcastCallP99Ms"` // as the server reports it
	AckP50Ms         float64   `json:"ackP50Ms"`
	AckP99Ms         float64   `json:"ackP99Ms"`
	Acks             int64     `json:"acks"`
	AckUnanswered    int64     `json:"ackUnanswered"`
	ServerCPUPct     float64   `json:"serverCpuPct"`
	ServerCPUMsPerB  float64   `json:"serverCpuMsPerBroadcast"`
	LoadgenCPUPct    float64   `json:"loadgenCpuPct"`
}

// fanout sends k broadcasts one at a time; with probes > 0 that many
// clients send bench:ping every 100 ms meanwhile.
func (c *coordinator) fanout(ctx context.Context, k, probes int, gap time.Duration) (fanoutResult, error) {
	res := fanoutResult{Broadcasts: k}
	base, expected, err := c.phase(k)
	if err != nil {
		return res, err
	}
	res.Clients = int(expected)
	if probes > 0 {
		if err := c.probe(probes, 100*time.Millisecond, 10*time.Minute); err != nil {
			return res, err
		}
	}
	srvCPU, lgCPU := startCPU(c.pid), startCPU(c.loadgenPIDs()...)
	trig := make([]triggerResult, 0, k)
	for i := range k {
		seq := base + int64(i)
		tr, err := c.trigger(ctx, seq)
		if err != nil {
			return res, err
		}
		trig = append(trig, tr)
		c.waitSeq(seq, expected, 10*time.Second)
		time.Sleep(gap)
	}
	var srvUsed time.Duration
	res.ServerCPUPct, srvUsed = srvCPU.stop()
	res.ServerCPUMsPerB = srvUsed.Seconds() * 1000 / float64(k)
	res.LoadgenCPUPct, _ = lgCPU.stop()
	if probes > 0 {
		_ = c.probe(0, 0, 0)
	}
	m, err := c.collect()
	if err != nil {
		return res, err
	}
	var comp, first, resp, bcall []float64
	for i, tr := range trig {
		s := m.Seqs[i]
		res.Lost += expected - s.Count
		if s.Count == expected && expected > 0 {
			comp = append(comp, float64(s.LastNs-tr.T0))
		}
		if s.Count > 0 {
			first = append(first, float64(s.FirstNs-tr.T0))
		}
		resp = append(resp, float64(tr.RespNs))
		bcall = append(bcall, float64(tr.BroadcastNs))
	}
	res.CompletionP50Ms = msf(Percentile(comp, 0.5))
	res.CompletionP99Ms = msf(Percentile(comp, 0.99))
	for _, v := range comp {
		res.CompletionsMs = append(res.CompletionsMs, math.Round(msf(v)*100)/100)
	}
	res.FirstP50Ms = msf(Percentile(first, 0.5))
	res.MsgP50Ms = ms(m.Latency.Quantile(0.5))
	res.MsgP99Ms = ms(m.Latency.Quantile(0.99))
	res.MsgMaxMs = ms(m.Latency.Max())
	res.Dups = m.Dups
	res.Disconnects = m.Disconnects
	res.TriggerP50Ms = msf(Percentile(resp, 0.5))
	res.TriggerP99Ms = msf(Percentile(resp, 0.99))
	res.BroadcastCallP99 = msf(Percentile(bcall, 0.99))
	res.AckP50Ms = ms(m.Acks.Quantile(0.5))
	res.AckP99Ms = ms(m.Acks.Quantile(0.99))
	res.Acks = m.Acks.Count()
	res.AckUnanswered = m.AckPending
	c.logf("fan-out to %d: completion p50 %.1f ms p99 %.1f ms, msg p99 %.1f ms, trigger p99 %.2f ms, ack p99 %.1f ms (%d), lost %d dup %d disc %d, server cpu %.0f%% loadgen cpu %.0f%%",
		res.Clients, res.CompletionP50Ms, res.CompletionP99Ms, res.MsgP99Ms, res.TriggerP99Ms, res.AckP99Ms, res.Acks, res.Lost, res.Dups, res.Disconnects, res.ServerCPUPct, res.LoadgenCPUPct)
	return res, nil
}

// stepResult is one step of broadcasts at a fixed rate.
type stepResult struct {
	Clients         int     `json:"clients"`
	Rate            float64 `json:"rate"`    // broadcasts/s offered
	Offered         float64 `json:"offered"` // messages/s offered: rate × clients
	Achieved        float64 `json:"achieved"`
	Broadcasts      int     `json:"broadcasts"`
	SendSeconds     float64 `json:"sendSeconds"` // how long sending the triggers took
	CompletionP99Ms float64 `json:"completionP99Ms"`
	// CompletionMaxBySecondMs is the slowest completion among the
	// broadcasts triggered in each second of the step: when the slow
	// ones happened.
	CompletionMaxBySecondMs []float64 `json:"completionMaxBySecondMs,omitempty"`
	MsgP50Ms                float64   `json:"msgP50Ms"`
	MsgP99Ms                float64   `json:"msgP99Ms"`
	Lost                    int64     `json:"lost"`
	Dups                    int64     `json:"dups"`
	Disconnects             int64     `json:"disconnects"`
	TriggerP99Ms            float64   `json:"triggerP99Ms"`
	ServerCPUPct            float64   `json:"serverCpuPct"`
	LoadgenCPUPct           float64   `json:"loadgenCpuPct"`
	Kept                    bool      `json:"keptUp"` // nothing lost, no disconnect, no backlog
}

// rateStep sends broadcasts at rate per second for d, from one goroutine
// so that they reach the server in sequence order, then waits for the last
// one to arrive everywhere (at most drain).
func (c *coordinator) rateStep(ctx context.Context, rate float64, d, drain time.Duration) (stepResult, error) {
	count := max(1, int(math.Round(rate*d.Seconds())))
	res := stepResult{Rate: rate, Broadcasts: count}
	base, expected, err := c.phase(count)
	if err != nil {
		return res, err
	}
	res.Clients = int(expected)
	res.Offered = rate * float64(expected)
	srvCPU, lgCPU := startCPU(c.pid), startCPU(c.loadgenPIDs()...)
	start := time.Now()
	trig := make([]triggerResult, 0, count)
	for i := range count {
		if wait := time.Until(start.Add(time.Duration(float64(i) / rate * float64(time.Second)))); wait > 0 {
			time.Sleep(wait)
		}
		tr, err := c.trigger(ctx, base+int64(i))
		if err != nil {
			return res, err
		}
		trig = append(trig, tr)
	}
	res.SendSeconds = time.Since(start).Seconds()
	c.waitSeq(base+int64(count)-1, expected, drain)
	res.ServerCPUPct, _ = srvCPU.stop()
	res.LoadgenCPUPct, _ = lgCPU.stop()
	// Stragglers of earlier broadcasts: give them a moment too.
	for i := range count {
		if !c.waitSeq(base+int64(i), expected, 0) {
			c.waitSeq(base+int64(i), expected, time.Second)
			break
		}
	}
	m, err := c.collect()
	if err != nil {
		return res, err
	}
	var comp, resp []float64
	var delivered, lastArrival int64
	for i, tr := range trig {
		s := m.Seqs[i]
		res.Lost += expected - s.Count
		delivered += s.Count
		lastArrival = max(lastArrival, s.LastNs)
		if s.Count > 0 {
			comp = append(comp, float64(s.LastNs-tr.T0))
			sec := int(float64(i) / rate)
			for len(res.CompletionMaxBySecondMs) <= sec {
				res.CompletionMaxBySecondMs = append(res.CompletionMaxBySecondMs, 0)
			}
			v := math.Round(msf(float64(s.LastNs-tr.T0))*100) / 100
			res.CompletionMaxBySecondMs[sec] = max(res.CompletionMaxBySecondMs[sec], v)
		}
		resp = append(resp, float64(tr.RespNs))
	}
	if span := float64(lastArrival-trig[0].T0) / 1e9; span > 0 {
		res.Achieved = float64(delivered) / span
	}
	res.CompletionP99Ms = msf(Percentile(comp, 0.99))
	res.MsgP50Ms = ms(m.Latency.Quantile(0.5))
	res.MsgP99Ms = ms(m.Latency.Quantile(0.99))
	res.Dups = m.Dups
	res.Disconnects = m.Disconnects
	res.TriggerP99Ms = msf(Percentile(resp, 0.99))
	// Keeping up: everything arrived, the triggers went out on schedule
	// (a blocking server delays them) and no broadcast waited in a backlog
	// for more than a second.
	res.Kept = res.Lost == 0 && res.Dups == 0 && res.Disconnects == 0 &&
		res.SendSeconds <= 1.1*d.Seconds()+0.1 && res.CompletionP99Ms <= 1000
	c.logf("rate %.0f/s to %d (%.0f msgs/s): achieved %.0f msgs/s, completion p99 %.1f ms, msg p99 %.1f ms, lost %d, disc %d, send %.2fs, server cpu %.0f%% loadgen cpu %.0f%%, kept up %v",
		rate, res.Clients, res.Offered, res.Achieved, res.CompletionP99Ms, res.MsgP99Ms, res.Lost, res.Disconnects, res.SendSeconds, res.ServerCPUPct, res.LoadgenCPUPct, res.Kept)
	return res, nil
}

// throughputResult is the ladder of rate steps.
type throughputResult struct {
	Steps []stepResult `json:"steps"`
	// MaxMsgs is the highest offered rate in messages/s that was kept up
	// with, nothing lost; MaxAchieved the delivery rate measured there.
	MaxMsgs     float64 `json:"maxMsgsPerSec"`
	MaxAchieved float64 `json:"maxAchievedMsgsPerSec"`
}

func (c *coordinator) throughput(ctx context.Context, rates []float64, d time.Duration) (throughputResult, error) {
	var res throughputResult
	for _, r := range rates {
		st, err := c.rateStep(ctx, r, d, 5*time.Second)
		if err != nil {
			return res, err
		}
		res.Steps = append(res.Steps, st)
		if !st.Kept {
			break
		}
		res.MaxMsgs, res.MaxAchieved = st.Offered, st.Achieved
		// Let the server drain and breathe between steps.
		time.Sleep(300 * time.Millisecond)
	}
	return res, nil
}
