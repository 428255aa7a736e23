package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// metric is one line of issue 8's table.
type metric struct {
	Key    string
	Label  string
	Unit   string
	Target string
	// met decides the target from our median and Node's (NaN: unknown);
	// nil when the line has no target of its own.
	met func(ours, node float64) bool
}

func atMost(limit float64) func(o, n float64) bool {
	return func(o, _ float64) bool { return o <= limit }
}
func atLeast(limit float64) func(o, n float64) bool {
	return func(o, _ float64) bool { return o >= limit }
}
func ratioAtMost(r float64) func(o, n float64) bool {
	return func(o, n float64) bool { return n > 0 && o/n <= r }
}
func equalTo(v float64) func(o, n float64) bool { return func(o, _ float64) bool { return o == v } }

// metrics lists the table's lines, in issue 8's order.
func metrics(slow float64) []metric {
	return []metric{
		{"mem_idle_kb_per_conn", "Memory per idle connection (RSS after GC)", "kB", "<= 8 (stretch <= 4)", atMost(8)},
		{"fanout_p50_ms", "Fan-out to N, completion p50", "ms", "<= 0.6x Node", ratioAtMost(0.6)},
		{"fanout_p99_ms", "Fan-out to N, completion p99", "ms", "<= 0.6x Node", ratioAtMost(0.6)},
		{"fanout_first_p50_ms", "Fan-out to N, first arrival p50", "ms", "", nil},
		{"fanout_msg_p50_ms", "Fan-out to N, per-message latency p50", "ms", "", nil},
		{"fanout_msg_p99_ms", "Fan-out to N, per-message latency p99", "ms", "", nil},
		{"fanout_small_p50_ms", "Fan-out to N-small, completion p50", "ms", "<= 10", atMost(10)},
		{"fanout_small_p99_ms", "Fan-out to N-small, completion p99", "ms", "", nil},
		{"fanout_max_p50_ms", "Fan-out to N-max, completion p50", "ms", "", nil},
		{"fanout_max_p99_ms", "Fan-out to N-max, completion p99", "ms", "", nil},
		{"throughput_msgs_s", "Sustained broadcast throughput at N, nothing lost", "msgs/s", ">= 100k (stretch >= 300k)", atLeast(100_000)},
		{"throughput_achieved_msgs_s", "  delivery rate measured at that step", "msgs/s", "", nil},
		{"ack_p99_ms", "Ack round trip p99 while broadcasting to N", "ms", "<= 25", atMost(25)},
		{"trigger_p99_ms", "Response time of the trigger call p99 (worst N)", "ms", "<= 5", atMost(5)},
		{"broadcast_call_p99_ms", "  the broadcast call alone, p99 (server-reported)", "ms", "", nil},
		{"connect_rate", "Connection rate", "handshakes/s", ">= 5k", atLeast(5000)},
		{"connect_server_cpu_pct", "  server CPU while connecting", "% of a core", "", nil},
		{"connect_loadgen_cpu_pct", "  load generator CPU while connecting", "% of a core", "", nil},
		{"rss_after_load_ratio", "RSS after the broadcast load vs idle", "x", "<= 1.2", atMost(1.2)},
		{"slow_healthy_p99_ratio", "Slow consumers: healthy p99 with/without", "x", "<= 1.2", atMost(1.2)},
		{"slow_healthy_p99_base_ms", "  healthy p99 without slow consumers", "ms", "", nil},
		{"slow_healthy_p99_ms", "  healthy p99 with slow consumers", "ms", "", nil},
		{"slow_dropped", "  slow consumers dropped", "", fmt.Sprintf("= %.0f", slow), equalTo(slow)},
		{"slow_rss_growth_mb", "  RSS growth with slow consumers", "MB", "bounded", nil},
		{"server_cpu_ms_per_broadcast", "Server CPU per broadcast to N", "ms", "", nil},
		{"fanout_loadgen_cpu_pct", "Load generator CPU during fan-out", "% of a core", "", nil},
		{"throughput_server_cpu_pct", "Server CPU at the top throughput step", "% of a core", "", nil},
		{"throughput_loadgen_cpu_pct", "Load generator CPU at the top throughput step", "% of a core", "", nil},
		{"lost", "Messages lost (all scenarios but the failing rate step)", "", "0", equalTo(0)},
		{"dups", "Messages duplicated", "", "0", equalTo(0)},
		{"disconnects", "Unexpected disconnects", "", "0", equalTo(0)},
	}
}

// row is one line of the printed table.
type row struct {
	Key    string  `json:"key"`
	Label  string  `json:"label"`
	Unit   string  `json:"unit"`
	Ours   float64 `json:"ours"`
	Node   float64 `json:"node"`
	Ratio  float64 `json:"ratio"` // ours / Node
	Target string  `json:"target,omitempty"`
	Met    string  `json:"met,omitempty"` // "yes", "no" or ""
}

func (r *report) compute() {
	for _, name := range []string{"ours", "node"} {
		vals := map[string][]float64{}
		for _, round := range r.Rounds {
			if br, ok := round[name]; ok {
				for k, v := range br.Metrics {
					vals[k] = append(vals[k], v)
				}
			}
		}
		med := map[string]float64{}
		for k, v := range vals {
			med[k] = median(v)
		}
		r.Medians[name] = med
	}
	slow := 50.0
	if r.Quick {
		slow = 10
	}
	for _, m := range metrics(slow) {
		o, okO := r.Medians["ours"][m.Key]
		n, okN := r.Medians["node"][m.Key]
		if !okO && !okN {
			continue
		}
		rw := row{Key: m.Key, Label: m.Label, Unit: m.Unit, Ours: nanIf(!okO, o), Node: nanIf(!okN, n), Target: m.Target, Ratio: math.NaN()}
		if okO && okN && n != 0 {
			rw.Ratio = o / n
		}
		if m.met != nil && okO {
			rw.Met = "no"
			if m.met(o, nanIf(!okN, n)) {
				rw.Met = "yes"
			}
		}
		r.Rows = append(r.Rows, rw)
	}
}

func nanIf(missing bool, v float64) float64 {
	if missing {
		return math.NaN()
	}
	return v
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s) == 0 {
		return math.NaN()
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func fmtVal(v float64) string {
	switch {
	case math.IsNaN(v):
		return "-"
	case math.Abs(v) >= 1000:
		return fmt.Sprintf("%.0f", v)
	case math.Abs(v) >= 100:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

func printReport(w io.Writer, r *report) {
	m := r.Machine
	fmt.Fprintf(w, "\nLivedesk engine (ours) vs Node socket.io %s — medians of %d round(s), %s\n", m.SocketIO, len(r.Rounds), r.Duration)
	fmt.Fprintf(w, "%s, %d CPUs, %s, Linux %s, %s, Node %s, pinned: %v, nice: %d, load at start: %s\n",
		m.CPU, m.CPUs, m.MemoryGB, m.Kernel, m.Go, m.Node, m.Pinned, r.Nice, m.Load)
	fmt.Fprintf(w, "load generator: %s\n\n", strings.Join(r.Args, " "))
	fmt.Fprintf(w, "N, N-small and N-max are the load generator's -n, -n-small and -n-max.\n\n")
	fmt.Fprintf(w, "| %-55s | %-12s | %10s | %10s | %7s | %-24s | %-4s |\n", "Metric", "Unit", "Ours", "Node", "Ours/Node", "Target", "Met")
	fmt.Fprintf(w, "|%s|%s|%s|%s|%s|%s|%s|\n", strings.Repeat("-", 57), strings.Repeat("-", 14), strings.Repeat("-", 12), strings.Repeat("-", 12), strings.Repeat("-", 11), strings.Repeat("-", 26), strings.Repeat("-", 6))
	for _, rw := range r.Rows {
		ratio := "-"
		if !math.IsNaN(rw.Ratio) {
			ratio = fmt.Sprintf("%.2fx", rw.Ratio)
		}
		fmt.Fprintf(w, "| %-55s | %-12s | %10s | %10s | %9s | %-24s | %-4s |\n", rw.Label, rw.Unit, fmtVal(rw.Ours), fmtVal(rw.Node), ratio, rw.Target, rw.Met)
	}
	if r.App != nil {
		a := r.App.Metrics
		fmt.Fprintf(w, "\nApplication (livedesk serve, %.0f authenticated dashboards, %.0f REST payments/s): payment:added at every client p50 %.1f ms / p99 %.1f ms; POST /api/payments p99 %.1f ms; GET /api/stats p99 %.1f ms while broadcasting; lost %.0f, duplicated %.0f, disconnects %.0f\n",
			a["app_clients"], a["app_rate"], a["app_payment_p50_ms"], a["app_payment_p99_ms"], a["app_post_p99_ms"], a["app_read_p99_ms"], a["app_lost"], a["app_dups"], a["app_disconnects"])
	}
	if r.AppError != "" {
		fmt.Fprintf(w, "\nApplication scenario failed: %s\n", r.AppError)
	}
	for _, e := range r.Errors {
		fmt.Fprintf(w, "ERROR: %s\n", e)
	}
}

// writeReport writes r as JSON, NaN as null.
func writeReport(path string, r *report) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	for i := range r.Rows {
		r.Rows[i].Ours, r.Rows[i].Node, r.Rows[i].Ratio = finite(r.Rows[i].Ours), finite(r.Rows[i].Node), finite(r.Rows[i].Ratio)
	}
	for _, med := range r.Medians {
		for k, v := range med {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				delete(med, k)
			}
		}
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("failed to encode the report: %w", err)
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// finite maps NaN (not measured) to -1 in the JSON table.
func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return -1
	}
	return v
}
