//go:build linux

package main

import (
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// reactor reads every healthy client of a worker process from one
// goroutine: a level-triggered epoll set says which sockets have data, and
// each gets one read per wake-up, parsed into messages at once. That is
// one read(2) per arrival and no goroutine switch, where a goroutine per
// connection costs a wake-up, the read, and a second read that finds the
// socket empty; the timestamps are taken right after each read.
type reactor struct {
	once    sync.Once
	epfd    int
	mu      sync.Mutex
	clients map[uint64]*client
	next    uint64
}

func (r *reactor) start() error {
	var err error
	r.once.Do(func() {
		r.epfd, err = unix.EpollCreate1(unix.EPOLL_CLOEXEC)
		if err != nil {
			return
		}
		r.clients = make(map[uint64]*client)
		go r.loop()
	})
	return err
}

// watch starts reading c's socket in the reactor.
func (r *reactor) watch(c *client) error {
	if err := r.start(); err != nil {
		return err
	}
	r.mu.Lock()
	r.next++
	c.ws.key = r.next
	r.clients[c.ws.key] = c
	r.mu.Unlock()
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLRDHUP, Fd: int32(uint32(c.ws.key)), Pad: int32(uint32(c.ws.key >> 32))}
	c.ws.fdMu.RLock()
	err := unix.EpollCtl(r.epfd, unix.EPOLL_CTL_ADD, c.ws.fd, &ev)
	c.ws.fdMu.RUnlock()
	if err != nil {
		r.forget(c)
	}
	return err
}

// forget stops reading c; closing its socket takes it out of the epoll
// set, and an event already on its way finds no client.
func (r *reactor) forget(c *client) {
	r.mu.Lock()
	delete(r.clients, c.ws.key)
	r.mu.Unlock()
}

// reactorSpin is how long the reactor polls before it sleeps.
const reactorSpin = 200 * time.Microsecond

func (r *reactor) loop() {
	events := make([]unix.EpollEvent, 512)
	ready := make([]*client, 0, len(events))
	var idleSince time.Time
	for {
		// Poll without sleeping for a while after the last arrival, as the
		// Go scheduler's spinning threads do: a reactor asleep in
		// epoll_wait makes every write of the server's fan-out pay for
		// waking it, and measured fan-outs came out ~20% slower for it.
		timeout := 0
		if !idleSince.IsZero() && time.Since(idleSince) > reactorSpin {
			timeout = -1
		}
		n, err := unix.EpollWait(r.epfd, events, timeout)
		if n == 0 && err == nil {
			if idleSince.IsZero() {
				idleSince = time.Now()
			}
			continue
		}
		idleSince = time.Time{}
		if err != nil {
			if err != unix.EINTR {
				time.Sleep(10 * time.Millisecond)
			}
			continue
		}
		r.mu.Lock()
		for _, ev := range events[:n] {
			if c := r.clients[uint64(uint32(ev.Fd))|uint64(uint32(ev.Pad))<<32]; c != nil {
				ready = append(ready, c)
			}
		}
		r.mu.Unlock()
		for i, c := range ready {
			c.readable()
			ready[i] = nil
		}
		ready = ready[:0]
	}
}
