// Package metrics exports Livedesk's figures in the Prometheus format at
// GET /metrics: sockets and their events (through the optional hooks of
// packages engineio and socketio, which know nothing of Prometheus), the
// hub's recovery totals, the Web Push sender's totals, HTTP requests by
// route and status, database transactions, and the Go runtime and process. Everything lives in one
// registry per Metrics value: no global state.
package metrics

import (
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/livedesk/livedesk/engineio"
	"github.com/livedesk/livedesk/internal/push"
	"github.com/livedesk/livedesk/internal/realtime"
	"github.com/livedesk/livedesk/socketio"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is the registry of one Livedesk process and the instruments the
// hooks update.
type Metrics struct {
	reg *prometheus.Registry

	sessions     *prometheus.GaugeVec   // open Engine.IO sessions by transport
	handshakes   *prometheus.CounterVec // by transport
	upgrades     prometheus.Counter
	closes       *prometheus.CounterVec // by transport and reason
	queueDrops   prometheus.Counter
	sockets      prometheus.Gauge
	connects     *prometheus.CounterVec // by recovered
	disconnects  *prometheus.CounterVec // by reason
	received     *prometheus.CounterVec // by event
	sent         *prometheus.CounterVec // by event
	fanout       *prometheus.HistogramVec
	httpDuration *prometheus.HistogramVec
	dbDuration   *prometheus.HistogramVec
	dbErrors     *prometheus.CounterVec
}

// New returns the metrics with the Go runtime and process collectors
// registered.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.reg.MustRegister(
		// The heap the last GC found live is what a leak check compares
		// (the soak test's baseline), unlike in-use bytes full of garbage.
		collectors.NewGoCollector(collectors.WithGoCollectorRuntimeMetrics(
			collectors.GoRuntimeMetricsRule{Matcher: regexp.MustCompile(`^/gc/heap/live:bytes$`)})),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	f := factory{m.reg}
	m.sessions = f.gaugeVec("livedesk_engineio_sessions", "Open Engine.IO sessions (connected clients) by transport.", "transport")
	m.handshakes = f.counterVec("livedesk_engineio_handshakes_total", "Engine.IO sessions opened, by initial transport.", "transport")
	m.upgrades = f.counter("livedesk_engineio_upgrades_total", "Sessions upgraded from polling to WebSocket.")
	m.closes = f.counterVec("livedesk_engineio_closes_total", "Engine.IO sessions closed, by transport and reason.", "transport", "reason")
	m.queueDrops = f.counter("livedesk_engineio_send_queue_drops_total", "Connections closed because their send queue overflowed (slow consumers dropped).")
	m.sockets = f.gauge("livedesk_socketio_sockets", "Connected Socket.IO sockets.")
	m.connects = f.counterVec("livedesk_socketio_connects_total", "Sockets connected, by whether they recovered a session.", "recovered")
	m.disconnects = f.counterVec("livedesk_socketio_disconnects_total", "Sockets disconnected, by reason.", "reason")
	m.received = f.counterVec("livedesk_socketio_events_received_total", "Events received from clients, by name (unhandled names as \"_unknown\").", "event")
	m.sent = f.counterVec("livedesk_socketio_events_sent_total", "Events emitted to one socket or broadcast (a broadcast counts once), by name.", "event")
	m.fanout = f.histogramVec("livedesk_socketio_broadcast_fanout_seconds", "Time to hand one broadcast to every local recipient's queue.", prometheus.ExponentialBuckets(10e-6, 4, 10), "event")
	m.httpDuration = f.histogramVec("livedesk_http_request_duration_seconds", "API requests by route pattern and status.", prometheus.DefBuckets, "route", "status")
	m.dbDuration = f.histogramVec("livedesk_db_transaction_duration_seconds", "Database transactions by kind (read, write).", prometheus.ExponentialBuckets(50e-6, 4, 10), "kind")
	m.dbErrors = f.counterVec("livedesk_db_transaction_errors_total", "Database transactions that failed, by kind.", "kind")
	return m
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// EngineHooks are the Engine.IO hooks that count sessions.
func (m *Metrics) EngineHooks() *engineio.Hooks {
	return &engineio.Hooks{
		Open: func(t string) {
			m.sessions.WithLabelValues(t).Inc()
			m.handshakes.WithLabelValues(t).Inc()
		},
		Upgrade: func() {
			m.upgrades.Inc()
			m.sessions.WithLabelValues(engineio.TransportPolling).Dec()
			m.sessions.WithLabelValues(engineio.TransportWebSocket).Inc()
		},
		Close: func(t, reason string) {
			m.sessions.WithLabelValues(t).Dec()
			m.closes.WithLabelValues(t, reason).Inc()
		},
		QueueFull: m.queueDrops.Inc,
	}
}

// SocketHooks are the Socket.IO hooks that count sockets and events.
// Received events are labelled by name only when a handler exists, so a
// client cannot grow the label set without bound.
func (m *Metrics) SocketHooks() *socketio.Hooks {
	return &socketio.Hooks{
		Connect: func(_ string, recovered bool) {
			m.sockets.Inc()
			m.connects.WithLabelValues(strconv.FormatBool(recovered)).Inc()
		},
		Disconnect: func(_ string, reason socketio.DisconnectReason) {
			m.sockets.Dec()
			m.disconnects.WithLabelValues(string(reason)).Inc()
		},
		EventReceived: func(_, event string, handled bool) {
			if !handled {
				event = "_unknown"
			}
			m.received.WithLabelValues(event).Inc()
		},
		EventSent: func(_, event string) { m.sent.WithLabelValues(event).Inc() },
		Broadcast: func(_, event string, d time.Duration) {
			m.fanout.WithLabelValues(event).Observe(d.Seconds())
		},
	}
}

// ObserveRequest records one API request (httpapi.Options.Observe).
func (m *Metrics) ObserveRequest(route string, status int, d time.Duration) {
	if route == "" {
		route = "none"
	}
	m.httpDuration.WithLabelValues(route, strconv.Itoa(status)).Observe(d.Seconds())
}

// ObserveTx records one database transaction (store.DB.Observe).
func (m *Metrics) ObserveTx(kind string, d time.Duration, err error) {
	m.dbDuration.WithLabelValues(kind).Observe(d.Seconds())
	if err != nil {
		m.dbErrors.WithLabelValues(kind).Inc()
	}
}

// Push exports the Web Push sender's totals: messages sent, failed,
// dropped, skipped by the users' choices, and subscriptions removed.
func (m *Metrics) Push(counters func() push.Counters) {
	m.reg.MustRegister(&pushCollector{counters: counters})
}

// Hub exports the real-time hub's totals: recovery attempts, successes and
// replayed events, resyncs, published events, commands, refusals.
func (m *Metrics) Hub(counters func() realtime.Counters) {
	m.reg.MustRegister(&hubCollector{counters: counters})
}
