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
	// met decides the target from our median, Node's and the floor's
	// (NaN: unknown); nil when the line has no target of its own.
	met func(ours, node, floor float64) bool
}

func atMost(limit float64) func(o, n, f float64) bool {
	return func(o, _, _ float64) bool { return o <= limit }
}
func atLeast(limit float64) func(o, n, f float64) bool {
	return func(o, _, _ float64) bool { return o >= limit }
}
func ratioAtMost(r float64) func(o, n, f float64) bool {
	return func(o, n, _ float64) bool { return n > 0 && o/n <= r }
}
func floorAtMost(r float64) func(o, n, f float64) bool {
	return func(o, _, f float64) bool { return f > 0 && o/f <= r }
}
func both(a, b func(o, n, f float64) bool) func(o, n, f float64) bool {
	return func(o, n, f float64) bool { return a(o, n, f) && b(o, n, f) }
}
func equalTo(v float64) func(o, n, f float64) bool {
	return func(o, _, _ float64) bool { return o == v }
}

// metrics lists the table's lines, in issue 8's order, with issue 20's
// targets where it set new ones (the floor columns).
func metrics(slow float64) []metric {
	return []metric{
		{"mem_idle_kb_per_conn", "Memory per idle connection (RSS after GC)", "kB", "<= 5 (stretch <= 4)", atMost(5)},
		{"fanout_p50_ms", "Fan-out to N, completion p50", "ms", "<= 1.05x floor", floorAtMost(1.05)},
		{"fanout_p99_ms", "Fan-out to N, completion p99", "ms", "<= 1.05x floor", floorAtMost(1.05)},
		{"fanout_first_p50_ms", "Fan-out to N, first arrival p50", "ms", "<= Node", ratioAtMost(1)},
		{"fanout_msg_p50_ms", "Fan-out to N, per-message latency p50", "ms", "", nil},
		{"fanout_msg_p99_ms", "Fan-out to N, per-message latency p99", "ms", "", nil},
		{"fanout_small_p50_ms", "Fan-out to N-small, completion p50", "ms", "<= 10 and <= 1.05x floor", both(atMost(10), floorAtMost(1.05))},
		{"fanout_small_p99_ms", "Fan-out to N-small, completion p99", "ms", "<= 1.05x floor", floorAtMost(1.05)},
		{"fanout_max_p50_ms", "Fan-out to N-max, completion p50", "ms", "<= 1.05x floor", floorAtMost(1.05)},
		{"fanout_max_p99_ms", "Fan-out to N-max, completion p99", "ms", "<= 1.05x floor", floorAtMost(1.05)},
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
	Key   string  `json:"key"`
	Label string  `json:"label"`
	Unit  string  `json:"unit"`
	Ours  float64 `json:"ours"`
	Node  float64 `json:"node"`
	Ratio float64 `json:"ratio"` // ours / Node
	Floor float64 `json:"floor"`
	// FloorRatio is ours / floor, for the lines the floor measures.
	FloorRatio float64 `json:"floorRatio"`
	Target     string  `json:"target,omitempty"`
	Met        string  `json:"met,omitempty"` // "yes", "no" or ""
}

func (r *report) compute() {
	for _, name := range []string{"ours", "node", "floor"} {
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
		f, okF := r.Medians["floor"][m.Key]
		rw := row{Key: m.Key, Label: m.Label, Unit: m.Unit, Ours: nanIf(!okO, o), Node: nanIf(!okN, n), Target: m.Target,
			Ratio: math.NaN(), Floor: nanIf(!okF, f), FloorRatio: math.NaN()}
		if okO && okN && n != 0 {
			rw.Ratio = o / n
		}
		if okO && okF && f != 0 {
			rw.FloorRatio = o / f
		}
		if m.met != nil && okO {
			rw.Met = "no"
			if m.met(o, nanIf(!okN, n), nanIf(!okF, f)) {
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

func fmtRatio(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.2fx", v)
}

func printReport(w io.Writer, r *report) {
	m := r.Machine
	fmt.Fprintf(w, "\nLivedesk engine (ours) vs Node socket.io %s and the floor — medians of %d round(s), %s\n", m.SocketIO, len(r.Rounds), r.Duration)
	fmt.Fprintf(w, "%s, %d CPUs, %s, Linux %s, %s, Node %s, pinned: %v, nice: %d, load at start: %s\n",
		m.CPU, m.CPUs, m.MemoryGB, m.Kernel, m.Go, m.Node, m.Pinned, r.Nice, m.Load)
	fmt.Fprintf(w, "load generator: %s\n\n", strings.Join(r.Args, " "))
	fmt.Fprintf(w, "N, N-small and N-max are the load generator's -n, -n-small and -n-max.\n\n")
	fmt.Fprintf(w, "The floor (bench/floor) is a deliberately minimal broadcaster, not a product: one pre-framed write per connection, nothing else; it skips the throughput and slow-consumer scenarios.\n\n")
	fmt.Fprintf(w, "| %-55s | %-12s | %10s | %10s | %10s | %9s | %11s | %-24s | %-4s |\n", "Metric", "Unit", "Ours", "Node", "Floor", "Ours/Node", "Ours/Floor", "Target", "Met")
	fmt.Fprintf(w, "|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n", strings.Repeat("-", 57), strings.Repeat("-", 14), strings.Repeat("-", 12), strings.Repeat("-", 12), strings.Repeat("-", 12), strings.Repeat("-", 11), strings.Repeat("-", 13), strings.Repeat("-", 26), strings.Repeat("-", 6))
	for _, rw := range r.Rows {
		fmt.Fprintf(w, "| %-55s | %-12s | %10s | %10s | %10s | %9s | %11s | %-24s | %-4s |\n", rw.Label, rw.Unit, fmtVal(rw.Ours), fmtVal(rw.Node), fmtVal(rw.Floor), fmtRatio(rw.Ratio), fmtRatio(rw.FloorRatio), rw.Target, rw.Met)
	}
	if r.App != nil {
		a := r.App.Metrics
		fmt.Fprintf(w, "\nApplication (livedesk serve on SQLite, %.0f entitled dashboards (admin and vendor) + %.0f of another vendor, %.0f REST payments/s): payment:added at every entitled client p50 %.1f ms / p99 %.1f ms (target p99 <= 100 ms at 10,000); POST /api/payments p99 %.1f ms; GET /api/stats p99 %.1f ms while broadcasting; lost %.0f, duplicated %.0f, leaked to the other vendor %.0f, disconnects %.0f; dashboards connected at %.0f/s; server CPU %.0f%% of its core and RSS %.0f MB while broadcasting\n",
			a["app_clients"], a["app_outsiders"], a["app_rate"], a["app_payment_p50_ms"], a["app_payment_p99_ms"], a["app_post_p99_ms"], a["app_read_p99_ms"], a["app_lost"], a["app_dups"], a["app_leaked"], a["app_disconnects"],
			a["app_connect_rate"], a["app_server_cpu_pct"], a["app_server_rss_mb"])
	}
	for _, db := range []string{"sqlite", "postgres", "postgres-3"} {
		if raw, ok := r.Storms[db]; ok {
			printStorm(w, db, raw)
		}
	}
	if len(r.Writes) > 0 {
		printWrites(w, r.Writes)
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
		rw := &r.Rows[i]
		rw.Ours, rw.Node, rw.Ratio = finite(rw.Ours), finite(rw.Node), finite(rw.Ratio)
		rw.Floor, rw.FloorRatio = finite(rw.Floor), finite(rw.FloorRatio)
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

// printWrites prints the write-throughput scenario's line.
func printWrites(w io.Writer, raw json.RawMessage) {
	var wr struct {
		Writers int
		Floor   struct{ PerSecond float64 }
		Runs    map[string]struct {
			PerSecond, P50ms, P99ms, FloorRatio float64
			Errors                              int64
			SeqGapFree                          bool
			SeqInCommitOrder                    bool
		} `json:"instances"`
	}
	if json.Unmarshal(raw, &wr) != nil {
		return
	}
	fmt.Fprintf(w, "\nWrites on PostgreSQL, %d writers: floor (pgbench, the payment's own SQL) %.0f/s", wr.Writers, wr.Floor.PerSecond)
	for _, n := range []string{"1", "3"} {
		if r, ok := wr.Runs[n]; ok {
			fmt.Fprintf(w, "; %s instance(s) %.0f/s = %.2fx the floor (target for 3: >= 0.5x), p50 %.1f ms, p99 %.1f ms, %d errors, seq gap-free %v, in commit order %v",
				n, r.PerSecond, r.FloorRatio, r.P50ms, r.P99ms, r.Errors, r.SeqGapFree, r.SeqInCommitOrder)
		}
	}
	fmt.Fprintln(w)
}

// printStorm prints a reconnect storm's line.
func printStorm(w io.Writer, db string, raw json.RawMessage) {
	var s struct {
		Dashboards, Instances, Watched              int
		Back99Seconds, Back100Seconds, DownSeconds  float64
		Lost, Duplicated, Payments, Pending         int64
		NotBack, Unreached                          int
		ServerCPUPctDuringStorm, DBReadTransactions float64
		RecoveryAttempts, ReplayedMessages          float64
		LiveP99BeforeMs, LiveP99DuringMs            float64
	}
	if json.Unmarshal(raw, &s) != nil {
		return
	}
	what := fmt.Sprintf("SIGTERM and a new process (down %.1f s)", s.DownSeconds)
	if s.Instances > 1 {
		what = fmt.Sprintf("one of %d instances killed, its %d dashboards moving to the others (live p99 at the others %.1f ms before, %.1f ms during)",
			s.Instances, s.Watched, s.LiveP99BeforeMs, s.LiveP99DuringMs)
	}
	back := fmt.Sprintf("99%% after %.1f s, 100%% after %.1f s", s.Back99Seconds, s.Back100Seconds)
	if s.Back100Seconds < 0 {
		back = fmt.Sprintf("99%% after %.1f s, 100%% not within the timeout (%d not back)", s.Back99Seconds, s.NotBack)
	}
	if s.Unreached > 0 {
		back += fmt.Sprintf("; %d not connected at the end, %d payments not yet replayed to them", s.Unreached, s.Pending)
	}
	fmt.Fprintf(w, "\nReconnect storm on %s: %d dashboards, %s: back and caught up %s (target <= 10 s); %d payments, lost %d (at dashboards connected at the end), duplicated %d; server CPU %.0f%% of a core, %.0f read transactions, %.0f recoveries, %.0f replayed messages\n",
		db, s.Dashboards, what, back, s.Payments, s.Lost, s.Duplicated, s.ServerCPUPctDuringStorm, s.DBReadTransactions, s.RecoveryAttempts, s.ReplayedMessages)
}
