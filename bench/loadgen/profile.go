package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// profiler fetches the server's pprof profiles while a scenario runs.
type profiler struct {
	c    *coordinator
	base string // where the server serves /debug/pprof/
	dir  string
	done chan error
}

// startProfile starts a CPU profile of d seconds in the background, from
// the server's pprof at base (its own URL when empty).
func (c *coordinator) startProfile(ctx context.Context, base, dir string, d time.Duration) *profiler {
	if base == "" {
		base = c.base
	}
	p := &profiler{c: c, base: base, dir: dir, done: make(chan error, 1)}
	go func() {
		p.done <- p.fetch(ctx, fmt.Sprintf("/debug/pprof/profile?seconds=%d", int(d.Seconds())), "cpu.pprof")
	}()
	return p
}

// finish waits for the CPU profile, then saves the heap, allocation and
// goroutine profiles as they are now.
func (p *profiler) finish(ctx context.Context) error {
	if err := <-p.done; err != nil {
		return err
	}
	for path, file := range map[string]string{
		"/debug/pprof/heap":              "heap.pprof",
		"/debug/pprof/allocs":            "allocs.pprof",
		"/debug/pprof/goroutine":         "goroutine.pprof",
		"/debug/pprof/goroutine?debug=1": "goroutine.txt",
	} {
		if err := p.fetch(ctx, path, file); err != nil {
			return err
		}
	}
	p.c.logf("profiles saved in %s", p.dir)
	return nil
}

func (p *profiler) fetch(ctx context.Context, path, file string) error {
	if err := os.MkdirAll(p.dir, 0o755); err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.base+path, nil)
	if err != nil {
		return err
	}
	resp, err := p.c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("failed to fetch %s: %w", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %d (is the server serving pprof: sio-bench-server -pprof, livedesk built with -tags pprof and LIVEDESK_PPROF_ADDR?)", path, resp.StatusCode)
	}
	f, err := os.Create(filepath.Join(p.dir, file))
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
