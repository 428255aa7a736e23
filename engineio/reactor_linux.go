package engineio

import (
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// reactor tells WebSocket connections when their sockets have data, from
// one epoll instance for the process: reading needs no goroutine per
// connection. Sockets are registered edge-triggered; an event starts a
// goroutine that reads until the socket is empty (wsConn.readReady).
// Events carry a key, not the descriptor, so that an event for a closed
// socket whose descriptor was reused finds nothing.
type reactor struct {
	once  sync.Once
	epfd  int
	mu    sync.Mutex
	conns map[uint64]*wsConn
	next  uint64
}

var wsReactor reactor

// start creates the epoll instance and its goroutine, once; false if the
// system refused.
func (r *reactor) start() bool {
	r.once.Do(func() {
		fd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
		if err != nil {
			r.epfd = -1
			return
		}
		r.epfd = fd
		r.conns = make(map[uint64]*wsConn)
		go r.loop()
	})
	return r.epfd >= 0
}

func (r *reactor) loop() {
	events := make([]unix.EpollEvent, 256)
	ready := make([]*wsConn, 0, len(events))
	for {
		n, err := unix.EpollWait(r.epfd, events, -1)
		if err != nil {
			// EINTR; nothing else can happen to an epoll descriptor that
			// is never closed, but a failure must not spin a CPU.
			if err != unix.EINTR {
				time.Sleep(10 * time.Millisecond)
			}
			continue
		}
		r.mu.Lock()
		for _, ev := range events[:n] {
			key := uint64(uint32(ev.Fd)) | uint64(uint32(ev.Pad))<<32
			if w := r.conns[key]; w != nil {
				ready = append(ready, w)
			}
		}
		r.mu.Unlock()
		for i, w := range ready {
			w.readable()
			ready[i] = nil
		}
		ready = ready[:0]
	}
}

// watch registers w with the reactor: false when reads must block in a
// goroutine instead.
func (w *wsConn) watch() bool {
	r := &wsReactor
	if w.rc == nil || blockingReads.Load() || !r.start() {
		return false
	}
	r.mu.Lock()
	if w.dead {
		r.mu.Unlock()
		return true // nothing left to read
	}
	r.next++
	w.id = r.next
	r.conns[w.id] = w
	r.mu.Unlock()
	ev := unix.EpollEvent{
		Events: unix.EPOLLIN | unix.EPOLLRDHUP | unix.EPOLLET,
		Fd:     int32(uint32(w.id)),
		Pad:    int32(uint32(w.id >> 32)),
	}
	var cerr error
	err := w.rc.Control(func(fd uintptr) {
		cerr = unix.EpollCtl(r.epfd, unix.EPOLL_CTL_ADD, int(fd), &ev)
	})
	if err != nil {
		return true // closed meanwhile: destroy unregistered it
	}
	if cerr != nil {
		r.mu.Lock()
		delete(r.conns, w.id)
		r.mu.Unlock()
		return false
	}
	return true
}

// unwatch forgets w. Closing the socket removes it from the epoll set; an
// event already on its way finds no key.
func (w *wsConn) unwatch() { wsReactor.forget(w) }

func (r *reactor) forget(w *wsConn) {
	r.mu.Lock()
	w.dead = true
	if w.id != 0 {
		delete(r.conns, w.id)
	}
	r.mu.Unlock()
}
