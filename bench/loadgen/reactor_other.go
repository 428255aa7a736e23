//go:build !linux

package main

import (
	"sync"

	"golang.org/x/sys/unix"
)

// reactor, where there is no epoll, reads each client in a goroutine of
// its own that waits in poll(2): slower, but the load generator still
// runs there (its figures are taken on Linux).
type reactor struct {
	mu      sync.Mutex
	clients map[*client]bool
}

func (r *reactor) watch(c *client) error {
	r.mu.Lock()
	if r.clients == nil {
		r.clients = make(map[*client]bool)
	}
	r.clients[c] = true
	r.mu.Unlock()
	go func() {
		for r.watched(c) {
			c.ws.fdMu.RLock()
			fd := c.ws.fd
			var n int
			var err error
			if fd >= 0 {
				n, err = unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, 100)
			}
			c.ws.fdMu.RUnlock()
			if fd < 0 {
				return
			}
			if n > 0 || (err != nil && err != unix.EINTR) {
				c.readable()
			}
		}
	}()
	return nil
}

func (r *reactor) watched(c *client) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.clients[c]
}

func (r *reactor) forget(c *client) {
	r.mu.Lock()
	delete(r.clients, c)
	r.mu.Unlock()
}
