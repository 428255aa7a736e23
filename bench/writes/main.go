// Command writes is the write-throughput scenario of the benchmark harness
// (issue 20 §4): REST payments from W concurrent writers, first the floor —
// the payment transaction's own SQL (floor.sql) run by pgbench with W
// clients, nothing around it — then the same W writers through 1 and
// through 3 `livedesk serve` instances on one PostgreSQL. It reports each
// rate, the latency percentiles, ours / floor, and checks after each run
// that the event log's seq is gap-free and in commit order (times never go
// back as seq grows).
//
// Everything runs in a fresh schema of the given PostgreSQL database,
// dropped at the end. The result is JSON on stdout (or -out).
package main

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/livedesk/livedesk/bench/internal/ldproc"
)

//go:embed floor.sql
var floorSQL string

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "writes:", err)
		os.Exit(1)
	}
}

// config is the scenario's flags.
type config struct {
	PG        string
	Bin       string
	Writers   int
	Dur       time.Duration
	Customers int
	Instances []int
}

// result is the scenario's output.
type result struct {
	Writers   int                `json:"writers"`
	Seconds   float64            `json:"seconds"`
	Customers int                `json:"customers"`
	Floor     rate               `json:"floor"`     // pgbench: P50ms is its average latency, P99ms unknown
	Runs      map[string]instRun `json:"instances"` // "1", "3"
	Metrics   map[string]float64
}

// rate is one measured rate.
type rate struct {
	PerSecond float64 `json:"perSecond"`
	Count     int64   `json:"count"`
	Errors    int64   `json:"errors"`
	P50ms     float64 `json:"p50ms"`
	P99ms     float64 `json:"p99ms"`
}

// instRun is one run through Livedesk instances.
type instRun struct {
	rate
	Instances  int     `json:"instances"`
	FloorRatio float64 `json:"floorRatio"`
	SeqGapFree bool    `json:"seqGapFree"`
	SeqOrdered bool    `json:"seqInCommitOrder"`
	Events     int64   `json:"events"`
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("writes", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config
	fs.StringVar(&cfg.PG, "pg", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "PostgreSQL URL (a fresh schema is made in it)")
	fs.StringVar(&cfg.Bin, "livedesk", "bin/livedesk", "the livedesk binary")
	fs.IntVar(&cfg.Writers, "writers", 16, "concurrent writers")
	fs.DurationVar(&cfg.Dur, "dur", 10*time.Second, "duration of each run")
	fs.IntVar(&cfg.Customers, "customers", 64, "customers the payments are spread over")
	instances := fs.String("instances", "1,3", "instance counts to run")
	out := fs.String("out", "", "write the JSON result here instead of stdout")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for s := range strings.SplitSeq(*instances, ",") {
		var n int
		if _, err := fmt.Sscan(strings.TrimSpace(s), &n); err != nil || n < 1 {
			return fmt.Errorf("bad -instances %q", *instances)
		}
		cfg.Instances = append(cfg.Instances, n)
	}
	logf := func(format string, a ...any) { fmt.Fprintf(stderr, "writes: "+format+"\n", a...) }

	res := result{Writers: cfg.Writers, Seconds: cfg.Dur.Seconds(), Customers: cfg.Customers, Runs: map[string]instRun{}, Metrics: map[string]float64{}}
	// Each measurement gets a schema of its own: the same starting point
	// (empty log, fresh tables) for the floor and every run.
	measure := func(what string, fn func(sc *schema, b *seeded) error) error {
		sc, err := newSchema(ctx, cfg.PG)
		if err != nil {
			return err
		}
		defer sc.Drop()
		b, err := seed(ctx, cfg, sc, logf)
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if err := fn(sc, b); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	}
	err := measure("floor", func(sc *schema, b *seeded) (err error) {
		logf("floor: pgbench, %d clients, %s", cfg.Writers, cfg.Dur)
		if res.Floor, err = pgbench(ctx, cfg, sc, b); err != nil {
			return err
		}
		logf("floor: %.0f transactions/s, average latency %.1f ms, %d failed", res.Floor.PerSecond, res.Floor.P50ms, res.Floor.Errors)
		return nil
	})
	if err != nil {
		return err
	}
	for _, n := range cfg.Instances {
		err := measure(fmt.Sprintf("%d instance(s)", n), func(sc *schema, b *seeded) error {
			logf("%d instance(s): %d writers, %s", n, cfg.Writers, cfg.Dur)
			r, err := throughLivedesk(ctx, cfg, sc, b, n)
			if err != nil {
				return err
			}
			if res.Floor.PerSecond > 0 {
				r.FloorRatio = r.PerSecond / res.Floor.PerSecond
			}
			logf("%d instance(s): %.0f payments/s (%.2fx the floor), p50 %.1f ms, p99 %.1f ms, %d errors, seq gap-free %v, in commit order %v",
				n, r.PerSecond, r.FloorRatio, r.P50ms, r.P99ms, r.Errors, r.SeqGapFree, r.SeqOrdered)
			res.Runs[fmt.Sprint(n)] = r
			res.Metrics[fmt.Sprintf("writes_%d_per_s", n)] = r.PerSecond
			res.Metrics[fmt.Sprintf("writes_%d_p99_ms", n)] = r.P99ms
			res.Metrics[fmt.Sprintf("writes_%d_floor_ratio", n)] = r.FloorRatio
			return nil
		})
		if err != nil {
			return err
		}
	}
	res.Metrics["writes_floor_per_s"] = res.Floor.PerSecond
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

// schema is the measurement's fresh PostgreSQL schema.
type schema struct{ *ldproc.Schema }

func newSchema(ctx context.Context, pg string) (*schema, error) {
	s, err := ldproc.NewSchema(ctx, pg, "livedesk_writes")
	if err != nil {
		return nil, err
	}
	return &schema{s}, nil
}

// checkLog reports whether the event log's seq is gap-free from 1 and its
// times never go back as seq grows (the commit order).
func (s *schema) checkLog(ctx context.Context) (gapFree, ordered bool, n int64, err error) {
	var lo, hi sql.NullInt64
	if err = s.Admin.QueryRowContext(ctx, fmt.Sprintf("SELECT COUNT(*), MIN(seq), MAX(seq) FROM %s.events", s.Name)).Scan(&n, &lo, &hi); err != nil {
		return
	}
	gapFree = n == 0 || (lo.Int64 == 1 && hi.Int64 == n)
	var back int64
	err = s.Admin.QueryRowContext(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM (SELECT at, LAG(at) OVER (ORDER BY seq) AS prev FROM %s.events) x WHERE at < prev`, s.Name)).Scan(&back)
	return gapFree, back == 0, n, err
}
