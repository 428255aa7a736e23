package realtime

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// sessionBatch is the most sessions one batch takes or saves.
const sessionBatch = 1000

// batcher groups the session requests that arrive while a batch runs into
// the next one: the first caller runs batches until no one waits.
type batcher struct {
	mu      sync.Mutex
	waiting []*sessionRequest
	running bool
	batches atomic.Int64 // transactions run
}

// sessionRequest is one take or save waiting in a batch.
type sessionRequest struct {
	pid   string
	body  []byte // saved, or taken
	found bool
	err   error
	done  chan struct{}
}

// do queues r, runs batches with run if none is running, and waits for r
// or ctx.
func (b *batcher) do(ctx context.Context, r *sessionRequest, run func(batch []*sessionRequest)) error {
	r.done = make(chan struct{})
	b.mu.Lock()
	b.waiting = append(b.waiting, r)
	if !b.running {
		b.running = true
		go b.loop(run)
	}
	b.mu.Unlock()
	select {
	case <-r.done:
		return r.err
	case <-ctx.Done():
		// The batch still runs: a session taken for a client that left is
		// lost, and that client resumes next time with a fresh one from
		// its offset, missing nothing.
		return ctx.Err()
	}
}

func (b *batcher) loop(run func(batch []*sessionRequest)) {
	for {
		b.mu.Lock()
		n := min(len(b.waiting), sessionBatch)
		if n == 0 {
			b.waiting, b.running = nil, false
			b.mu.Unlock()
			return
		}
		batch := b.waiting[:n:n]
		b.waiting = b.waiting[n:]
		b.mu.Unlock()
		run(batch)
		b.batches.Add(1)
		for _, r := range batch {
			close(r.done)
		}
	}
}

// take takes the session of pid in the next batch.
func (d *DurableSessions) take(ctx context.Context, pid string) ([]byte, bool, error) {
	r := &sessionRequest{pid: pid}
	if err := d.takes.do(ctx, r, d.runTakes); err != nil {
		return nil, false, err
	}
	return r.body, r.found, nil
}

func (d *DurableSessions) runTakes(batch []*sessionRequest) {
	pids := make([]string, 0, len(batch))
	seen := make(map[string]bool, len(batch))
	for _, r := range batch {
		if !seen[r.pid] {
			seen[r.pid] = true
			pids = append(pids, r.pid)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	got, err := d.table.TakeSocketSessions(ctx, pids)
	cancel()
	for _, r := range batch {
		r.err = err
		if body, ok := got[r.pid]; ok {
			r.body, r.found = body, true
			delete(got, r.pid) // taken once, by the first asker
		}
	}
}

// saveBatched saves body under pid in the next batch.
func (d *DurableSessions) saveBatched(ctx context.Context, pid string, body []byte) error {
	return d.saves.do(ctx, &sessionRequest{pid: pid, body: body}, d.runSaves)
}

func (d *DurableSessions) runSaves(batch []*sessionRequest) {
	bodies := make(map[string][]byte, len(batch))
	for _, r := range batch {
		bodies[r.pid] = r.body // in order: a later save of a pid wins
	}
	now := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	err := d.table.SaveSocketSessions(ctx, bodies, now, now.Add(-d.maxAge))
	cancel()
	for _, r := range batch {
		r.err = err
	}
}

// TakeBatches returns how many transactions the batched takes have run.
func (d *DurableSessions) TakeBatches() int64 { return d.takes.batches.Load() }

// SaveBatches returns how many transactions the batched saves have run.
func (d *DurableSessions) SaveBatches() int64 { return d.saves.batches.Load() }
