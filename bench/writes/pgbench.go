package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
)

var (
	tpsRE    = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)
	countRE  = regexp.MustCompile(`number of transactions actually processed: ([0-9]+)`)
	failedRE = regexp.MustCompile(`number of failed transactions: ([0-9]+)`)
	avgRE    = regexp.MustCompile(`latency average = ([0-9.]+) ms`)
)

// pgbench runs floor.sql with cfg.Writers clients for cfg.Dur in sc.
func pgbench(ctx context.Context, cfg config, sc *schema, b *seeded) (rate, error) {
	var r rate
	dir, err := os.MkdirTemp("", "livedesk-writes-")
	if err != nil {
		return r, err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "floor.sql")
	if err := os.WriteFile(script, []byte(floorSQL), 0o644); err != nil {
		return r, err
	}
	cmd := exec.CommandContext(ctx, "pgbench", "-n", "-c", strconv.Itoa(cfg.Writers), "-j", "2", "-T", strconv.Itoa(int(cfg.Dur.Seconds())),
		"-D", fmt.Sprintf("uid=%d", b.adminID), "-D", fmt.Sprintf("cmin=%d", b.cmin), "-D", fmt.Sprintf("cmax=%d", b.cmax),
		"-f", script, cfg.PG)
	cmd.Env = append(os.Environ(), "PGOPTIONS=-c search_path="+sc.Name)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return r, fmt.Errorf("pgbench: %w: %s", err, out)
	}
	m := tpsRE.FindSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("pgbench printed no tps: %s", out)
	}
	r.PerSecond, _ = strconv.ParseFloat(string(m[1]), 64)
	if m := countRE.FindSubmatch(out); m != nil {
		r.Count, _ = strconv.ParseInt(string(m[1]), 10, 64)
	}
	if m := failedRE.FindSubmatch(out); m != nil {
		r.Errors, _ = strconv.ParseInt(string(m[1]), 10, 64)
	}
	if m := avgRE.FindSubmatch(out); m != nil {
		r.P50ms, _ = strconv.ParseFloat(string(m[1]), 64)
	}
	return r, nil
}
