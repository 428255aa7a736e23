// Command floor is the benchmark harness's FLOOR: not a product and not a
// Socket.IO server anyone should use. It speaks just enough Engine.IO v4 /
// Socket.IO v5 over WebSocket for bench/loadgen (open packet, CONNECT to
// "/", bench:ping acks) and answers the same contract as
// cmd/sio-bench-server (POST /trigger, GET /stats, POST /gc), and it
// broadcasts the least way this machine can: the payload is framed once,
// then written to every connection in turn with one write each, from one
// goroutine. No queues, no slow-consumer handling, no heartbeats, no
// recovery: what a broadcast costs when nothing else is done is the floor
// our engine's fan-out is measured against (issue 20: ours / floor).
//
// It must not be run in the throughput and slow-consumer scenarios (a
// client that never reads would block the whole broadcast): the harness
// skips them for it.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	port := flag.Int("port", 0, "listen port on 127.0.0.1 (0 picks a free one)")
	flag.Parse()
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(*port)))
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
	f := &floor{conns: map[*conn]struct{}{}}
	srv := &http.Server{Handler: f.routes(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	go func() { <-ctx.Done(); _ = srv.Close() }()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

// floor is the set of connected clients.
type floor struct {
	mu    sync.Mutex
	conns map[*conn]struct{}
	next  int64
}

// conn is one client; mu orders the broadcast's writes and the reader's
// answers on the socket.
type conn struct {
	mu sync.Mutex
	nc net.Conn
}

func (c *conn) write(frame []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	_ = c.nc.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_, err := c.nc.Write(frame)
	return err
}

func (f *floor) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/socket.io/", f.serveWS)
	mux.HandleFunc("POST /trigger", f.trigger)
	mux.HandleFunc("GET /stats", f.stats)
	mux.HandleFunc("POST /gc", func(w http.ResponseWriter, _ *http.Request) {
		runtime.GC()
		debug.FreeOSMemory()
		_, _ = w.Write([]byte(`{"ok":true}`))
	})
	return mux
}

// text frames s as a server-to-client WebSocket text frame (unmasked).
func text(s []byte) []byte {
	var b bytes.Buffer
	_ = ws.WriteFrame(&b, ws.NewTextFrame(s))
	return b.Bytes()
}

func (f *floor) serveWS(w http.ResponseWriter, r *http.Request) {
	nc, _, _, err := ws.UpgradeHTTP(r, w)
	if err != nil {
		return
	}
	f.mu.Lock()
	f.next++
	sid := "floor" + strconv.FormatInt(f.next, 10)
	f.mu.Unlock()
	c := &conn{nc: nc}
	// No heartbeat: the intervals are far beyond any benchmark run.
	if c.write(text([]byte(`0{"sid":"`+sid+`","upgrades":[],"pingInterval":3600000,"pingTimeout":3600000,"maxPayload":1000000}`))) != nil {
		nc.Close()
		return
	}
	go f.read(c, sid)
}

// read answers the client: CONNECT to "/" joins the broadcast set, a
// bench:ping event with an ack id gets its arguments back.
func (f *floor) read(c *conn, sid string) {
	defer func() {
		f.mu.Lock()
		delete(f.conns, c)
		f.mu.Unlock()
		c.nc.Close()
	}()
	for {
		msg, op, err := wsutil.ReadClientData(c.nc)
		if err != nil || op == ws.OpClose {
			return
		}
		switch {
		case bytes.HasPrefix(msg, []byte("40")):
			// Joined before the answer is written, under the conn's lock:
			// a broadcast from then on waits for the answer, so the
			// client gets every broadcast after its CONNECT answer.
			c.mu.Lock()
			f.mu.Lock()
			f.conns[c] = struct{}{}
			f.mu.Unlock()
			_ = c.nc.SetWriteDeadline(time.Now().Add(5 * time.Second))
			_, err := c.nc.Write(text([]byte(`40{"sid":"` + sid + `"}`)))
			c.mu.Unlock()
			if err != nil {
				return
			}
		case bytes.HasPrefix(msg, []byte("42")):
			// 42<id>["bench:ping",args...] -> 43<id>[args...]
			rest := msg[2:]
			i := 0
			for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
				i++
			}
			if i == 0 {
				continue
			}
			var arr []json.RawMessage
			if json.Unmarshal(rest[i:], &arr) != nil || len(arr) == 0 {
				continue
			}
			args, _ := json.Marshal(arr[1:])
			out := append(append([]byte("43"), rest[:i]...), args...)
			if c.write(text(out)) != nil {
				return
			}
		}
	}
}

// trigger broadcasts the contract's stats:updated payload (the same fields,
// so the same size, as cmd/sio-bench-server's) to every connected client.
func (f *floor) trigger(w http.ResponseWriter, r *http.Request) {
	var t struct {
		Seq int64  `json:"seq"`
		T0  string `json:"t0"`
	}
	if err := json.NewDecoder(r.Body).Decode(&t); err != nil {
		http.Error(w, `{"error":"bad trigger"}`, http.StatusBadRequest)
		return
	}
	payload, _ := json.Marshal(map[string]any{
		"seq": t.Seq, "t0": t.T0,
		"stats": map[string]any{
			"customers": 12873, "activeVendors": 412, "deliveriesToday": 3921, "deliveriesPending": 287,
			"paymentsTodayCents": 918273645, "outstandingCents": 127364512, "overdueCustomers": 93,
			"avgDeliveryMinutes": 41.5, "note": "figures moved",
		},
		"at": time.Now().UTC().Format("2006-01-02T15:04:05.000Z"),
	})
	start := time.Now()
	frame := text(append(append([]byte(`42["stats:updated",`), payload...), ']'))
	f.mu.Lock()
	conns := make([]*conn, 0, len(f.conns))
	for c := range f.conns {
		conns = append(conns, c)
	}
	f.mu.Unlock()
	for _, c := range conns {
		_ = c.write(frame)
	}
	d := time.Since(start)
	w.Header().Set("Content-Type", "application/json")
	_, _ = fmt.Fprintf(w, `{"seq":%d,"broadcastNs":%d}`, t.Seq, d.Nanoseconds())
}

func (f *floor) stats(w http.ResponseWriter, _ *http.Request) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	f.mu.Lock()
	n := len(f.conns)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"clients": n, "rssBytes": rss(), "heapBytes": ms.HeapAlloc, "pid": os.Getpid()})
}

// rss reads VmRSS from /proc/self/status; 0 where there is none.
func rss() int64 {
	fh, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if v, ok := bytes.CutPrefix(sc.Bytes(), []byte("VmRSS:")); ok {
			kb, _ := strconv.ParseInt(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(v), []byte("kB")))), 10, 64)
			return kb << 10
		}
	}
	return 0
}
