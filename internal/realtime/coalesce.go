package realtime

import (
	"sync"
	"time"
)

// coalescer runs fn after a trigger, at most once per interval: a burst of
// triggers produces one run soon and one trailing run that sees the state
// after the burst. fn never runs concurrently with itself.
type coalescer struct {
	interval time.Duration
	fn       func()

	mu      sync.Mutex
	pending bool      // a run is scheduled
	dirty   bool      // triggered while running: run again
	running bool      // fn is running
	last    time.Time // when the last run started
	timer   *time.Timer
	stopped bool
}

func newCoalescer(interval time.Duration, fn func()) *coalescer {
	return &coalescer{interval: interval, fn: fn}
}

// trigger asks for a run.
func (c *coalescer) trigger() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return
	}
	if c.running {
		c.dirty = true
		return
	}
	if c.pending {
		return
	}
	c.pending = true
	wait := max(c.interval-time.Since(c.last), 0)
	c.timer = time.AfterFunc(wait, c.run)
}

func (c *coalescer) run() {
	c.mu.Lock()
	if c.stopped {
		c.mu.Unlock()
		return
	}
	c.pending, c.running, c.last = false, true, time.Now()
	c.mu.Unlock()

	c.fn()

	c.mu.Lock()
	c.running = false
	again := c.dirty
	c.dirty = false
	c.mu.Unlock()
	if again {
		c.trigger()
	}
}

// stop cancels a scheduled run; a run in progress finishes.
func (c *coalescer) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopped = true
	if c.timer != nil {
		c.timer.Stop()
	}
}
