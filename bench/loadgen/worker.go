package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strconv"
	"syscall"
	"time"
)

// request is one command from the coordinator to a worker process, one JSON
// line on the worker's stdin; the worker answers each with one response
// line on its stdout.
type request struct {
	Op         string      `json:"op"` // init, connect, close, reset, progress, await, probe, collect
	Config     *farmConfig `json:"config,omitempty"`
	N          int         `json:"n,omitempty"`
	Conc       int         `json:"conc,omitempty"`
	Slow       bool        `json:"slow,omitempty"`
	Base       int64       `json:"base,omitempty"`
	Count      int         `json:"count,omitempty"`
	Seq        int64       `json:"seq,omitempty"`
	IntervalMs int         `json:"intervalMs,omitempty"`
	DurationMs int         `json:"durationMs,omitempty"`
}

type response struct {
	Err      string         `json:"err,omitempty"`
	Connect  *connectReport `json:"connect,omitempty"`
	Phase    *phaseReport   `json:"phase,omitempty"`
	N        int64          `json:"n"`
	MaxFiles uint64         `json:"maxFiles,omitempty"`
}

// raiseFileLimit lifts the soft limit on open files to the hard one.
func raiseFileLimit() uint64 {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0
	}
	rl.Cur = rl.Max
	_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl)
	return rl.Cur
}

// runWorker serves the coordinator's requests until stdin closes.
func runWorker(ctx context.Context, stdin io.Reader, stdout io.Writer) error {
	limit := raiseFileLimit()
	// LOADGEN_WORKER_CPUPROFILE=PREFIX: each worker writes its CPU profile
	// to PREFIX.PID when it ends, to see where the load generator's own
	// core goes.
	if prefix := os.Getenv("LOADGEN_WORKER_CPUPROFILE"); prefix != "" {
		if f, err := os.Create(prefix + "." + strconv.Itoa(os.Getpid())); err == nil {
			if pprof.StartCPUProfile(f) == nil {
				defer func() { pprof.StopCPUProfile(); f.Close() }()
			}
		}
	}
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	enc := json.NewEncoder(stdout)
	var f *farm
	for sc.Scan() {
		var req request
		var resp response
		if err := json.Unmarshal(sc.Bytes(), &req); err != nil {
			return fmt.Errorf("failed to decode request: %w", err)
		}
		if f == nil && req.Op != "init" {
			resp.Err = "not initialised"
		} else {
			switch req.Op {
			case "init":
				f = newFarm(*req.Config)
				resp.MaxFiles = limit
			case "connect":
				rep := f.connect(ctx, req.N, req.Conc, req.Slow)
				resp.Connect = &rep
			case "close":
				resp.N = int64(f.closeClients(req.N, req.Slow))
			case "reset":
				resp.N = int64(f.reset(req.Base, req.Count))
			case "progress":
				resp.N = f.progress(req.Seq)
			case "await":
				resp.N = f.await(req.Seq, time.Duration(req.DurationMs)*time.Millisecond)
			case "probe":
				f.probe(req.N, time.Duration(req.IntervalMs)*time.Millisecond, time.Duration(req.DurationMs)*time.Millisecond)
			case "collect":
				rep := f.collect()
				resp.Phase = &rep
			case "alive":
				resp.N = int64(f.alive())
			default:
				resp.Err = "unknown op " + req.Op
			}
		}
		if err := enc.Encode(resp); err != nil {
			return fmt.Errorf("failed to answer: %w", err)
		}
	}
	if f != nil {
		f.closeClients(1<<30, false)
		f.closeClients(0, true)
	}
	return sc.Err()
}
