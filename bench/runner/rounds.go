package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// benchRun is the part of the load generator's result the harness reads.
type benchRun struct {
	Server  string             `json:"server"`
	Metrics map[string]float64 `json:"metrics"`
	// Details is the load generator's whole result: every scenario's
	// figures, the throughput steps, the slow-consumer comparison.
	Details json.RawMessage `json:"details,omitempty"`
}

// appRun is the load generator's result of the application scenario.
type appRun struct {
	Metrics map[string]float64 `json:"metrics"`
	Details json.RawMessage    `json:"details,omitempty"`
}

// report is the harness's output.
type report struct {
	Started  time.Time                     `json:"started"`
	Duration string                        `json:"duration"`
	Quick    bool                          `json:"quick"`
	Nice     int                           `json:"nice"`
	Machine  machine                       `json:"machine"`
	Args     []string                      `json:"loadgenArgs"`
	Rounds   []map[string]benchRun         `json:"rounds"` // per round: "ours", "node"
	Medians  map[string]map[string]float64 `json:"medians"`
	Rows     []row                         `json:"table"`
	App      *appRun                       `json:"app,omitempty"`
	AppError string                        `json:"appError,omitempty"`
	Errors   []string                      `json:"errors,omitempty"`
}

// benchArgs are the load generator's scenario flags.
func (h *harness) benchArgs() []string {
	c := h.cfg
	if c.Quick {
		return []string{"-n", fmt.Sprint(c.N), "-n-small", "500", "-n-max", fmt.Sprint(c.NMax),
			"-broadcasts", "10", "-probes", "10", "-conc", "64", "-rates", "5,20,80", "-step", "2s",
			"-healthy", "20", "-slow", "10", "-slow-rate", "300", "-slow-dur", "9s", "-slow-base-dur", "3s"}
	}
	return []string{"-n", fmt.Sprint(c.N), "-n-small", "1000", "-n-max", fmt.Sprint(c.NMax),
		"-broadcasts", "20", "-probes", "10", "-conc", "64", "-rates", "1,2,3,5,8,12,18,27,40", "-step", "3s",
		"-healthy", "20", "-slow", "50", "-slow-rate", "250", "-slow-dur", "12s", "-slow-base-dur", "5s"}
}

// servers are the two servers compared, in the order of each round.
func (h *harness) servers() []struct {
	name, dir string
	argv      []string
} {
	return []struct {
		name, dir string
		argv      []string
	}{
		{"ours", h.cfg.Root, []string{h.bin["sio-bench-server"], "-port", "0"}},
		{"node", filepath.Join(h.cfg.Root, "bench/reference"), []string{"node", "--expose-gc", "server.js", "--port", "0"}},
	}
}

func (h *harness) runAll(ctx context.Context) (*report, error) {
	rep := &report{Started: time.Now().UTC(), Quick: h.cfg.Quick, Nice: h.cfg.Nice, Machine: describeMachine(ctx, h.cfg.Root, h.pinned),
		Args: h.benchArgs(), Medians: map[string]map[string]float64{}}
	for r := 1; r <= h.cfg.Rounds; r++ {
		round := map[string]benchRun{}
		for _, s := range h.servers() {
			h.logf("round %d/%d: %s", r, h.cfg.Rounds, s.name)
			res, err := h.benchOne(ctx, s.name, s.dir, s.argv)
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				msg := fmt.Sprintf("round %d %s: %v", r, s.name, err)
				h.logf("%s", msg)
				rep.Errors = append(rep.Errors, msg)
				continue
			}
			round[s.name] = res
		}
		rep.Rounds = append(rep.Rounds, round)
	}
	if h.cfg.Profile {
		if err := h.profile(ctx); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			rep.Errors = append(rep.Errors, "profile: "+err.Error())
		}
	}
	if h.cfg.App {
		app, err := h.runApp(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			rep.AppError = err.Error()
			h.logf("application scenario: %v", err)
		}
		rep.App = app
	}
	rep.compute()
	rep.Duration = time.Since(rep.Started).Round(time.Second).String()
	if len(rep.Errors) > 0 && len(rep.Medians["ours"]) == 0 {
		return rep, fmt.Errorf("no run succeeded: %s", strings.Join(rep.Errors, "; "))
	}
	return rep, nil
}

func (h *harness) benchOne(ctx context.Context, name, dir string, argv []string) (benchRun, error) {
	var res benchRun
	srv, err := h.startServer(ctx, name, dir, nil, argv...)
	if err != nil {
		return res, err
	}
	defer srv.stop()
	timeout := 6 * time.Minute
	if h.cfg.Quick {
		timeout = 3 * time.Minute
	}
	args := append([]string{"-url", srv.url, "-name", name}, h.benchArgs()...)
	err = h.loadgen(ctx, timeout, &res, &res.Details, args...)
	return res, err
}

// runApp starts livedesk serve on a fresh SQLite database with an admin,
// and runs the load generator's application scenario against it.
func (h *harness) runApp(ctx context.Context) (*appRun, error) {
	dir := filepath.Join(h.tmp, "app")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	db := "sqlite:" + filepath.Join(dir, "livedesk.db")
	const email, password = "bench-admin@livedesk.local", "bench-admin-password"
	env := []string{"LIVEDESK_JWT_SECRET=benchmark-secret-benchmark-secret-0123456789"}
	for _, args := range [][]string{
		{"migrate", "--db", db},
		{"user", "create", "--db", db, "--email", email, "--password", password, "--role", "admin", "--name", "Bench Admin"},
	} {
		cmd := exec.CommandContext(ctx, h.bin["livedesk"], args...)
		cmd.Env = append(os.Environ(), env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("livedesk %s: %w: %s", args[0], err, out)
		}
	}
	h.logf("application scenario: livedesk serve")
	srv, err := h.startServer(ctx, "livedesk", dir, append(env, "LIVEDESK_LOG_LEVEL=warn"),
		h.bin["livedesk"], "serve", "--addr", "127.0.0.1:0", "--db", db)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	n, rate, dur := "1000", "20", "15s"
	if h.cfg.Quick {
		n, rate, dur = "200", "20", "5s"
	}
	var res appRun
	err = h.loadgen(ctx, 4*time.Minute, &res, &res.Details, "-mode", "app", "-url", srv.url, "-email", email, "-password", password,
		"-n", n, "-conc", "64", "-pay-rate", rate, "-pay-dur", dur, "-pid", fmt.Sprint(serverPID(srv)))
	if err != nil {
		return nil, err
	}
	return &res, nil
}

// serverPID is the server's own process id: taskset execs the command, so
// it is the pid that was started.
func serverPID(s *server) int { return s.cmd.Process.Pid }

// profile runs the main fan-out once more against our server with pprof
// on, and saves the profiles and their top functions as text under
// bench/results/profiles.
func (h *harness) profile(ctx context.Context) error {
	dir := filepath.Join(h.cfg.Root, "bench/results/profiles")
	h.logf("profiling our server during the fan-out to %d", h.cfg.N)
	srv, err := h.startServer(ctx, "ours", h.cfg.Root, nil, h.bin["sio-bench-server"], "-port", "0", "-pprof")
	if err != nil {
		return err
	}
	defer srv.stop()
	var res benchRun
	if err := h.loadgen(ctx, 5*time.Minute, &res, nil, "-url", srv.url, "-name", "ours-profiled", "-n", fmt.Sprint(h.cfg.N),
		"-n-small", "300", "-healthy", "50", "-broadcasts", "60", "-conc", "64", "-skip", "throughput,slow", "-pprof-dir", dir); err != nil {
		return err
	}
	for _, p := range []struct {
		file, out string
		args      []string
	}{
		{"cpu.pprof", "cpu-top.txt", []string{"-top", "-nodecount=40"}},
		{"cpu.pprof", "cpu-cum.txt", []string{"-top", "-cum", "-nodecount=40"}},
		{"allocs.pprof", "allocs-top.txt", []string{"-top", "-sample_index=alloc_space", "-nodecount=30"}},
		{"heap.pprof", "heap-top.txt", []string{"-top", "-sample_index=inuse_space", "-nodecount=30"}},
		{"goroutine.pprof", "goroutine-top.txt", []string{"-top", "-nodecount=20"}},
	} {
		args := append([]string{"tool", "pprof"}, p.args...)
		args = append(args, h.bin["sio-bench-server"], filepath.Join(dir, p.file))
		out, err := exec.CommandContext(ctx, "go", args...).Output()
		if err != nil {
			return fmt.Errorf("go tool pprof %s: %w", p.file, err)
		}
		if err := os.WriteFile(filepath.Join(dir, p.out), out, 0o644); err != nil {
			return err
		}
	}
	h.logf("profiles in %s (*-top.txt)", dir)
	return nil
}
