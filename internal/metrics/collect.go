package metrics

import (
	"github.com/livedesk/livedesk/internal/push"
	"github.com/livedesk/livedesk/internal/realtime"
	"github.com/prometheus/client_golang/prometheus"
)

// factory registers instruments as it creates them.
type factory struct{ reg *prometheus.Registry }

func (f factory) counter(name, help string) prometheus.Counter {
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	f.reg.MustRegister(c)
	return c
}

func (f factory) counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	f.reg.MustRegister(c)
	return c
}

func (f factory) gauge(name, help string) prometheus.Gauge {
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
	f.reg.MustRegister(g)
	return g
}

func (f factory) gaugeVec(name, help string, labels ...string) *prometheus.GaugeVec {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, labels)
	f.reg.MustRegister(g)
	return g
}

func (f factory) histogramVec(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets}, labels)
	f.reg.MustRegister(h)
	return h
}

// hubCollector reads the hub's own totals at scrape time, so the hub keeps
// one set of counters for /api/ops and /metrics alike.
type hubCollector struct {
	counters func() realtime.Counters
}

var hubDescs = []struct {
	desc *prometheus.Desc
	kind prometheus.ValueType
	get  func(c *realtime.Counters) float64
}{
	{desc("recovery_attempts_total", "Reconnecting sockets that asked to recover their session."), prometheus.CounterValue, func(c *realtime.Counters) float64 { return float64(c.Recoveries) }},
	{desc("recovery_successes_total", "Sessions recovered (missed events replayed)."), prometheus.CounterValue, func(c *realtime.Counters) float64 { return float64(c.Recovered) }},
	{desc("recovery_replayed_messages_total", "Messages replayed to recovered sockets."), prometheus.CounterValue, func(c *realtime.Counters) float64 { return float64(c.Replayed) }},
	{desc("recovery_log_reads_total", "Event-log reads made by replays (sockets recovering together share one)."), prometheus.CounterValue, func(c *realtime.Counters) float64 { return float64(c.ReplayLogReads) }},
	{desc("initial_stats_reads_total", "Reads of the figures sent to new sockets (an audience's sockets connecting together share one)."), prometheus.CounterValue, func(c *realtime.Counters) float64 { return float64(c.InitialStatsReads) }},
	{desc("resyncs_total", "Recoveries refused with RESYNC_REQUIRED (gap too large)."), prometheus.CounterValue, func(c *realtime.Counters) float64 { return float64(c.Resyncs) }},
	{desc("events_published_total", "Event-log entries published to sockets."), prometheus.CounterValue, func(c *realtime.Counters) float64 { return float64(c.Published) }},
	{desc("messages_broadcast_total", "Messages broadcast for published events."), prometheus.CounterValue, func(c *realtime.Counters) float64 { return float64(c.Sent) }},
	{desc("commands_total", "Client commands received."), prometheus.CounterValue, func(c *realtime.Counters) float64 { return float64(c.Commands) }},
	{desc("commands_rate_limited_total", "Client commands refused with RATE_LIMITED."), prometheus.CounterValue, func(c *realtime.Counters) float64 { return float64(c.RateLimited) }},
	{desc("connections_refused_total", "Socket connections refused (authentication, per-address limit)."), prometheus.CounterValue, func(c *realtime.Counters) float64 { return float64(c.Refused) }},
	{desc("sessions_expired_total", "Sockets disconnected because their token expired."), prometheus.CounterValue, func(c *realtime.Counters) float64 { return float64(c.Expired) }},
	{desc("sessions_revoked_total", "Sockets disconnected because their user was suspended or changed role."), prometheus.CounterValue, func(c *realtime.Counters) float64 { return float64(c.Revoked) }},
}

func desc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc("livedesk_realtime_"+name, help, nil, nil)
}

func (hc *hubCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range hubDescs {
		ch <- d.desc
	}
}

func (hc *hubCollector) Collect(ch chan<- prometheus.Metric) {
	c := hc.counters()
	for _, d := range hubDescs {
		ch <- prometheus.MustNewConstMetric(d.desc, d.kind, d.get(&c))
	}
}

// pushCollector reads the Web Push sender's totals at scrape time: one
// counter per outcome, in messages (one notification to one subscription).
type pushCollector struct {
	counters func() push.Counters
}

var pushDescs = []struct {
	desc *prometheus.Desc
	get  func(c *push.Counters) int64
}{
	{pushDesc("sent_total", "Web Push messages the push service accepted."), func(c *push.Counters) int64 { return c.Sent }},
	{pushDesc("failed_total", "Web Push messages not accepted: an error answer, no answer in time, or not sendable."), func(c *push.Counters) int64 { return c.Failed }},
	{pushDesc("subscriptions_removed_total", "Push subscriptions removed because the push service answered 404 or 410."), func(c *push.Counters) int64 { return c.Removed }},
	{pushDesc("skipped_total", "Web Push messages not made because the user turned that kind of notification off (one per subscription)."), func(c *push.Counters) int64 { return c.Skipped }},
	{pushDesc("dropped_total", "Web Push messages dropped because the sender's queue was full."), func(c *push.Counters) int64 { return c.Dropped }},
}

func pushDesc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc("livedesk_push_"+name, help, nil, nil)
}

func (pc *pushCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range pushDescs {
		ch <- d.desc
	}
}

func (pc *pushCollector) Collect(ch chan<- prometheus.Metric) {
	c := pc.counters()
	for _, d := range pushDescs {
		ch <- prometheus.MustNewConstMetric(d.desc, prometheus.CounterValue, float64(d.get(&c)))
	}
}
