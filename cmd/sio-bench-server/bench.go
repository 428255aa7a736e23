package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	httppprof "net/http/pprof"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/livedesk/livedesk/socketio"
)

// bench holds the Socket.IO server under test and answers the contract's
// HTTP endpoints.
type bench struct {
	io *socketio.Server
	ns *socketio.Namespace
}

func newBench() *bench {
	// Default Engine.IO options: both transports, the default heartbeat.
	srv := socketio.NewServer(socketio.Options{})
	ns := srv.Of("/")
	ns.OnConnection(func(s *socketio.Socket) {
		s.On("bench:ping", func(_ context.Context, args socketio.Args, ack socketio.AckFunc) {
			if ack != nil {
				_ = ack(args.Values()...)
			}
		})
	})
	return &bench{io: srv, ns: ns}
}

func (b *bench) routes(pprof bool) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/socket.io/", b.io)
	mux.HandleFunc("POST /trigger", b.handleTrigger)
	mux.HandleFunc("GET /stats", b.handleStats)
	mux.HandleFunc("POST /gc", b.handleGC)
	if pprof {
		mux.HandleFunc("/debug/pprof/", httppprof.Index)
		mux.HandleFunc("/debug/pprof/profile", httppprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", httppprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", httppprof.Trace)
	}
	return mux
}

// trigger is the body of POST /trigger.
type trigger struct {
	Seq int64  `json:"seq"`
	T0  string `json:"t0"`
	// Pad, when positive, adds a "pad" string of that many bytes to the
	// payload (at most 1 MB): the slow-consumer scenario uses large
	// payloads so that clients that never read overflow the kernel's
	// socket buffers within seconds.
	Pad int `json:"pad,omitempty"`
}

// statsPayload is the ~300-byte payload of stats:updated; the reference
// server builds the same object (bench/reference/server.js).
type statsPayload struct {
	Seq   int64        `json:"seq"`
	T0    string       `json:"t0"`
	Stats payloadStats `json:"stats"`
	At    string       `json:"at"`
	Pad   string       `json:"pad,omitempty"`
}

type payloadStats struct {
	Customers          int     `json:"customers"`
	ActiveVendors      int     `json:"activeVendors"`
	DeliveriesToday    int     `json:"deliveriesToday"`
	DeliveriesPending  int     `json:"deliveriesPending"`
	PaymentsTodayCents int64   `json:"paymentsTodayCents"`
	OutstandingCents   int64   `json:"outstandingCents"`
	OverdueCustomers   int     `json:"overdueCustomers"`
	AvgDeliveryMinutes float64 `json:"avgDeliveryMinutes"`
	Note               string  `json:"note"`
}

// payloadNote pads the payload to about 300 bytes; it is the same string
// in the reference server.
const payloadNote = "figures moved"

func (b *bench) handleTrigger(w http.ResponseWriter, r *http.Request) {
	var t trigger
	if err := json.NewDecoder(r.Body).Decode(&t); err != nil {
		http.Error(w, `{"error":"bad trigger"}`, http.StatusBadRequest)
		return
	}
	p := statsPayload{
		Seq: t.Seq,
		T0:  t.T0,
		Stats: payloadStats{
			Customers: 12873, ActiveVendors: 412, DeliveriesToday: 3921, DeliveriesPending: 287,
			PaymentsTodayCents: 918273645, OutstandingCents: 127364512, OverdueCustomers: 93,
			AvgDeliveryMinutes: 41.5, Note: payloadNote,
		},
		At: time.Now().UTC().Format("2006-01-02T15:04:05.000Z"),
	}
	if t.Pad > 0 {
		p.Pad = strings.Repeat("x", min(t.Pad, 1<<20))
	}
	start := time.Now()
	err := b.ns.Emit(r.Context(), "stats:updated", p)
	d := time.Since(start)
	if err != nil {
		http.Error(w, `{"error":"broadcast failed"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"seq":` + strconv.FormatInt(t.Seq, 10) + `,"broadcastNs":` + strconv.FormatInt(d.Nanoseconds(), 10) + "}"))
}

func (b *bench) handleStats(w http.ResponseWriter, _ *http.Request) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"clients":   b.ns.Len(),
		"rssBytes":  rssBytes(),
		"heapBytes": ms.HeapAlloc,
		"pid":       os.Getpid(),
		// Beyond the contract, for the memory findings of docs/benchmarks.md.
		"stackBytes": ms.StackInuse,
		"goroutines": runtime.NumGoroutine(),
	})
}

func (b *bench) handleGC(w http.ResponseWriter, _ *http.Request) {
	runtime.GC()
	debug.FreeOSMemory()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"ok":true}`))
}

// rssBytes reads VmRSS from /proc/self/status; 0 where there is none.
func rssBytes() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Bytes()
		if v, ok := bytes.CutPrefix(line, []byte("VmRSS:")); ok {
			kb, err := strconv.ParseInt(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(v), []byte("kB")))), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}
