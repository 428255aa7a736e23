//go:build pprof

// Profiling for benchmarks only: a binary built with -tags pprof serves
// net/http/pprof on LIVEDESK_PPROF_ADDR (a loopback address of its own,
// never the public port). Product builds have no such listener.
package main

import (
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof/ on http.DefaultServeMux
	"os"
	"time"
)

func init() {
	addr := os.Getenv("LIVEDESK_PPROF_ADDR")
	if addr == "" {
		return
	}
	srv := &http.Server{Addr: addr, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.ListenAndServe() }()
}
