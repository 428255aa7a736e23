package metrics

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/realtime"
	"github.com/livedesk/livedesk/socketio"
)

// TestHooks drives the hooks as the engine would and reads the result in
// the Prometheus text format.
func TestHooks(t *testing.T) {
	t.Parallel()
	m := New()
	m.Hub(func() realtime.Counters { return realtime.Counters{Recoveries: 3, Recovered: 2, Replayed: 40} })
	eh, sh := m.EngineHooks(), m.SocketHooks()
	eh.Open("polling")
	eh.Open("polling")
	eh.Open("websocket")
	eh.Upgrade() // one polling session moves to WebSocket
	eh.Close("websocket", "transport close")
	eh.QueueFull()
	sh.Connect("/", false)
	sh.Connect("/", true)
	sh.Disconnect("/", socketio.ReasonPingTimeout)
	sh.EventReceived("/", "ping", true)
	sh.EventReceived("/", "<script>", false)
	sh.EventSent("/", "payment:added")
	sh.Broadcast("/", "payment:added", 3*time.Millisecond)
	m.ObserveRequest("GET /api/me", 200, 5*time.Millisecond)
	m.ObserveRequest("", 404, time.Millisecond)
	m.ObserveTx("write", time.Millisecond, nil)
	m.ObserveTx("write", time.Millisecond, io.EOF)

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`livedesk_engineio_sessions{transport="polling"} 1`,
		`livedesk_engineio_sessions{transport="websocket"} 1`,
		`livedesk_engineio_handshakes_total{transport="polling"} 2`,
		`livedesk_engineio_upgrades_total 1`,
		`livedesk_engineio_closes_total{reason="transport close",transport="websocket"} 1`,
		`livedesk_engineio_send_queue_drops_total 1`,
		`livedesk_socketio_sockets 1`,
		`livedesk_socketio_connects_total{recovered="true"} 1`,
		`livedesk_socketio_disconnects_total{reason="ping timeout"} 1`,
		`livedesk_socketio_events_received_total{event="ping"} 1`,
		`livedesk_socketio_events_received_total{event="_unknown"} 1`,
		`livedesk_socketio_events_sent_total{event="payment:added"} 1`, // a broadcast is counted by socketio calling EventSent too
		`livedesk_socketio_broadcast_fanout_seconds_count{event="payment:added"} 1`,
		`livedesk_http_request_duration_seconds_count{route="GET /api/me",status="200"} 1`,
		`livedesk_http_request_duration_seconds_count{route="none",status="404"} 1`,
		`livedesk_db_transaction_duration_seconds_count{kind="write"} 2`,
		`livedesk_db_transaction_errors_total{kind="write"} 1`,
		`livedesk_realtime_recovery_attempts_total 3`,
		`livedesk_realtime_recovery_successes_total 2`,
		`livedesk_realtime_recovery_replayed_messages_total 40`,
		`go_goroutines `,
		`go_gc_heap_live_bytes `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(body, "<script>") {
		t.Error("a client-chosen event name became a label")
	}
}
