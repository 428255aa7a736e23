package main

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// farmConfig says what the clients of a process connect to and measure.
type farmConfig struct {
	URL   string `json:"url"`   // ws://host:port/socket.io/?EIO=4&transport=websocket
	Token string `json:"token"` // auth {token} when not empty
	// Tokens, when set, replace Token: client i connects with
	// Tokens[i mod len] (an admin's and the vendor's, say: every one of
	// them is entitled to the measured events).
	Tokens []string `json:"tokens,omitempty"`
	// Outsider, with OutsiderEvery k > 0, is the token of every k-th
	// client instead: a user NOT entitled to the measured events (another
	// vendor). Outsiders are not expected to receive anything; what they
	// do receive is counted as leaked.
	Outsider      string `json:"outsider,omitempty"`
	OutsiderEvery int    `json:"outsiderEvery,omitempty"`
	Event         string `json:"event"` // the event measured
	App           bool   `json:"app"`   // payment:added keys (appKey) instead of benchKey
}

// farm holds the clients of one process and what they received in the
// current phase.
type farm struct {
	cfg                  farmConfig
	key                  func([]byte) (seq, t0 int64, ok bool)
	netDial, slowNetDial func(ctx context.Context, network, addr string) (net.Conn, error)

	disconnects atomic.Int64

	mu      sync.Mutex
	clients []*client // healthy ones, in connection order
	slow    []*client
	base    int64     // first sequence number of the phase
	seqs    []SeqStat // per sequence number from base
	lat     *Histogram
	acks    *Histogram
	outside int64 // events outside the phase's range
	expect  int64 // clients alive at the phase's start: each should get every seq
	// awaited holds, per seq someone awaits, the channel closed when
	// expect clients have it (see await).
	awaited map[int64]chan struct{}
	leaked  int64 // measured events an outsider received
	dialed  atomic.Int64

	probeGen atomic.Int64 // probes of an older generation stop
}

func newFarm(cfg farmConfig) *farm {
	f := &farm{
		cfg:         cfg,
		key:         benchKey,
		netDial:     newDialer(false),
		slowNetDial: newDialer(true),
		lat:         NewHistogram(),
		acks:        NewHistogram(),
	}
	if cfg.App {
		f.key = appKey
	}
	return f
}

// connectReport is the answer to a connect request.
type connectReport struct {
	OK        int        `json:"ok"`
	Failed    int        `json:"failed"`
	FirstErr  string     `json:"firstErr,omitempty"`
	ElapsedNs int64      `json:"elapsedNs"`
	Handshake *Histogram `json:"handshake"` // ns per connection
}

// connect opens n clients, conc at a time.
func (f *farm) connect(ctx context.Context, n, conc int, slow bool) connectReport {
	start := time.Now()
	rep := connectReport{Handshake: NewHistogram()}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(conc, 1))
	for range n {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			t := time.Now()
			c, err := f.dial(cctx, slow)
			d := time.Since(t)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				rep.Failed++
				if rep.FirstErr == "" {
					rep.FirstErr = err.Error()
				}
				return
			}
			rep.OK++
			rep.Handshake.Record(d.Nanoseconds())
			f.mu.Lock()
			if slow {
				f.slow = append(f.slow, c)
			} else {
				f.clients = append(f.clients, c)
			}
			f.mu.Unlock()
		}()
	}
	wg.Wait()
	rep.ElapsedNs = time.Since(start).Nanoseconds()
	return rep
}

// closeClients closes the n most recent healthy clients, or every slow one.
func (f *farm) closeClients(n int, slow bool) int {
	f.mu.Lock()
	var cs []*client
	if slow {
		cs, f.slow = f.slow, nil
	} else {
		n = min(n, len(f.clients))
		cs = append(cs, f.clients[len(f.clients)-n:]...)
		f.clients = f.clients[:len(f.clients)-n]
	}
	f.mu.Unlock()
	for _, c := range cs {
		c.close()
	}
	return len(cs)
}

// alive counts the healthy clients still connected.
func (f *farm) alive() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.clients {
		if !c.dead.Load() {
			n++
		}
	}
	return n
}

// reset starts a phase expecting sequence numbers base..base+count-1.
func (f *farm) reset(base int64, count int) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.base = base
	f.seqs = make([]SeqStat, count)
	f.lat = NewHistogram()
	f.acks = NewHistogram()
	f.outside = 0
	n := 0
	f.leaked = 0
	for _, c := range f.clients {
		c.d.Reset()
		if !c.dead.Load() && !c.outsider {
			n++
		}
		c.takePending()
	}
	f.expect = int64(n)
	for _, ch := range f.awaited {
		close(ch)
	}
	f.awaited = nil
	return n
}

func (f *farm) record(c *client, seq, t0, now int64) {
	f.mu.Lock()
	i := seq - f.base
	if c.outsider {
		f.leaked++
	} else if i < 0 || i >= int64(len(f.seqs)) {
		f.outside++
	} else if c.d.See(seq) {
		f.seqs[i].add(now)
		f.lat.Record(now - t0)
		if f.seqs[i].Count == f.expect {
			if ch := f.awaited[seq]; ch != nil {
				close(ch)
				delete(f.awaited, seq)
			}
		}
	}
	f.mu.Unlock()
}

func (f *farm) recordAck(rtt int64) {
	f.mu.Lock()
	f.acks.Record(rtt)
	f.mu.Unlock()
}

// await waits until every client alive at the phase's start received
// seq, or timeout passes, and returns how many did. The coordinator used
// to poll progress every 10 ms instead, and those polls, on the load
// generator's one core, delayed the very arrivals being measured: a
// fan-out to 10,000 clients completed ~30 ms later whenever the server
// answered its trigger before writing (as ours and Node's do) than when
// it answered after (as bench/floor did), for the same server work.
func (f *farm) await(seq int64, timeout time.Duration) int64 {
	f.mu.Lock()
	i := seq - f.base
	if i < 0 || i >= int64(len(f.seqs)) {
		f.mu.Unlock()
		return 0
	}
	if f.seqs[i].Count >= f.expect {
		n := f.seqs[i].Count
		f.mu.Unlock()
		return n
	}
	ch := f.awaited[seq]
	if ch == nil {
		if f.awaited == nil {
			f.awaited = make(map[int64]chan struct{})
		}
		ch = make(chan struct{})
		f.awaited[seq] = ch
	}
	f.mu.Unlock()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-ch:
	case <-t.C:
	}
	return f.progress(seq)
}

// progress returns how many clients received seq.
func (f *farm) progress(seq int64) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := seq - f.base
	if i < 0 || i >= int64(len(f.seqs)) {
		return 0
	}
	return f.seqs[i].Count
}

// phaseReport is what a process's clients received in a phase.
type phaseReport struct {
	Base        int64      `json:"base"`
	Seqs        []SeqStat  `json:"seqs"`
	Latency     *Histogram `json:"latency"` // arrival - t0, ns
	Acks        *Histogram `json:"acks"`    // bench:ping round trips, ns
	AckPending  int64      `json:"ackPending"`
	Dups        int64      `json:"dups"`
	Outside     int64      `json:"outside"`
	Leaked      int64      `json:"leaked"`      // measured events outsiders received
	Disconnects int64      `json:"disconnects"` // since the process started
	Alive       int        `json:"alive"`
}

func (f *farm) collect() phaseReport {
	f.mu.Lock()
	defer f.mu.Unlock()
	rep := phaseReport{
		Base: f.base, Seqs: append([]SeqStat(nil), f.seqs...), Latency: f.lat, Acks: f.acks,
		Outside: f.outside, Leaked: f.leaked, Disconnects: f.disconnects.Load(),
	}
	for _, c := range f.clients {
		rep.Dups += c.d.dups
		rep.AckPending += c.takePending()
		if !c.dead.Load() {
			rep.Alive++
		}
	}
	f.lat, f.acks = NewHistogram(), NewHistogram()
	return rep
}

// probe makes k clients send bench:ping every interval for duration; k = 0
// stops the probes.
func (f *farm) probe(k int, interval, duration time.Duration) {
	f.mu.Lock()
	var cs []*client
	for _, c := range f.clients {
		if len(cs) == k {
			break
		}
		if !c.dead.Load() {
			cs = append(cs, c)
		}
	}
	f.mu.Unlock()
	gen := f.probeGen.Add(1)
	deadline := time.Now().Add(duration)
	for i, c := range cs {
		go func() {
			// Stagger the probes over the interval.
			time.Sleep(interval * time.Duration(i) / time.Duration(len(cs)))
			t := time.NewTicker(interval)
			defer t.Stop()
			for time.Now().Before(deadline) && f.probeGen.Load() == gen {
				if c.dead.Load() || c.ping() != nil {
					return
				}
				<-t.C
			}
		}()
	}
}

// token picks the next client's token and whether it is an outsider.
func (f *farm) token() (string, bool) {
	i := f.dialed.Add(1) - 1
	if k := int64(f.cfg.OutsiderEvery); k > 0 && i%k == k-1 {
		return f.cfg.Outsider, true
	}
	if n := int64(len(f.cfg.Tokens)); n > 0 {
		return f.cfg.Tokens[i%n], false
	}
	return f.cfg.Token, false
}
