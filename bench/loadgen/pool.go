package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
)

// worker is a child process holding part of the clients.
type worker struct {
	cmd     *exec.Cmd
	in      io.WriteCloser
	out     *bufio.Scanner
	mu      sync.Mutex
	healthy int // clients assigned
	cap     int // most clients assigned
}

// pool spreads the clients over worker processes (re-executions of this
// binary with -worker), at most perProcess each, because one process may
// open only so many files. With probeClients > 0 the first worker holds
// only that many clients, those that send the ack probes: their round
// trips measure the server, not how long the load generator takes to get
// to a goroutine among thousands that have a broadcast to read.
type pool struct {
	cfg          farmConfig
	perProcess   int
	probeClients int
	stderr       io.Writer
	workers      []*worker
}

func (p *pool) spawn() (*worker, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("failed to find own executable: %w", err)
	}
	cmd := exec.Command(exe, "-worker")
	cmd.Stderr = p.stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("failed to start worker: %w", err)
	}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 256<<20)
	w := &worker{cmd: cmd, in: in, out: sc, cap: p.perProcess}
	if len(p.workers) == 0 && p.probeClients > 0 {
		w.cap = p.probeClients
	} else {
		deprioritize(cmd.Process.Pid)
	}
	cfg := p.cfg
	if _, err := w.call(request{Op: "init", Config: &cfg}); err != nil {
		return nil, err
	}
	p.workers = append(p.workers, w)
	return w, nil
}

func (w *worker) call(req request) (response, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	b, _ := json.Marshal(req)
	if _, err := w.in.Write(append(b, '\n')); err != nil {
		return response{}, fmt.Errorf("failed to send %s to worker: %w", req.Op, err)
	}
	if !w.out.Scan() {
		return response{}, fmt.Errorf("worker died during %s: %v", req.Op, w.out.Err())
	}
	var resp response
	if err := json.Unmarshal(w.out.Bytes(), &resp); err != nil {
		return response{}, fmt.Errorf("failed to decode worker answer: %w", err)
	}
	if resp.Err != "" {
		return resp, fmt.Errorf("worker: %s", resp.Err)
	}
	return resp, nil
}

// all sends req (made per worker by mk) to every worker at once.
func (p *pool) all(mk func(i int, w *worker) (request, bool)) ([]response, error) {
	resps := make([]response, len(p.workers))
	errs := make([]error, len(p.workers))
	var wg sync.WaitGroup
	for i, w := range p.workers {
		req, ok := mk(i, w)
		if !ok {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			resps[i], errs[i] = w.call(req)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return resps, err
		}
	}
	return resps, nil
}

// total returns the healthy clients assigned to workers.
func (p *pool) total() int {
	n := 0
	for _, w := range p.workers {
		n += w.healthy
	}
	return n
}

// plan assigns n more healthy clients to workers, spawning them as needed,
// and returns how many each worker must open.
func (p *pool) plan(n int) (map[*worker]int, error) {
	add := map[*worker]int{}
	for n > 0 {
		var w *worker
		for _, c := range p.workers {
			if c.healthy < c.cap {
				w = c
				break
			}
		}
		if w == nil {
			var err error
			if w, err = p.spawn(); err != nil {
				return nil, err
			}
		}
		k := min(n, w.cap-w.healthy)
		w.healthy += k
		add[w] += k
		n -= k
	}
	return add, nil
}

// workerNice is how much lower the priority of the workers holding the
// bulk of the clients is than that of the coordinator and the probe
// worker, which share their CPU: a trigger's answer and an ack are timed
// when they arrive, not when the scheduler gets to them after a fan-out's
// worth of other clients' reads.
const workerNice = 5

// deprioritize lowers the priority of process pid by workerNice; failing
// that, the figures are only less precise.
func deprioritize(pid int) {
	prio, err := syscall.Getpriority(syscall.PRIO_PROCESS, 0)
	if err != nil {
		return
	}
	// The raw syscall answers 20 - nice.
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, pid, min(20-prio+workerNice, 19))
}

// pids returns the worker process ids.
func (p *pool) pids() []int {
	var ids []int
	for _, w := range p.workers {
		ids = append(ids, w.cmd.Process.Pid)
	}
	return ids
}

// close ends every worker: closing stdin makes it close its clients and exit.
func (p *pool) close() {
	for _, w := range p.workers {
		_ = w.in.Close()
	}
	for _, w := range p.workers {
		_ = w.cmd.Wait()
	}
	p.workers = nil
}
