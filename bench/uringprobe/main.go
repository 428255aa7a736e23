//go:build linux

// Command uringprobe measures, on this machine, what io_uring would save a
// fan-out (issue 20 §1: "if profiles show system-call entry as a real
// share of a fan-out, try batching sends through io_uring"). It is a
// probe, not a product: N loopback TCP connections, one message of the
// benchmark's size written to each in turn, R rounds, by write(2) one
// socket at a time (as engineio's writers do) and by io_uring (one
// io_uring_enter submitting a batch of IORING_OP_SEND and reaping their
// completions), alternating; it prints the wall time per message of each.
// The receiving ends are plain sockets that nothing reads during a round
// (they are drained between rounds), so both methods pay the same kernel
// receive path and no reader's wake-ups.
//
// There is no io_uring in Go's standard library or golang.org/x/sys; the
// ring here is the least that submits sends and reaps completions.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"runtime"
	"sort"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

func main() {
	n := flag.Int("n", 10000, "connections")
	rounds := flag.Int("rounds", 20, "rounds of each method")
	size := flag.Int("size", 330, "bytes per message (a stats:updated frame)")
	batch := flag.Int("batch", 256, "sends per io_uring_enter")
	flag.Parse()
	runtime.LockOSThread()
	if err := run(*n, *rounds, *size, *batch); err != nil {
		fmt.Fprintln(os.Stderr, "uringprobe:", err)
		os.Exit(1)
	}
}

func run(n, rounds, size, batch int) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	addr := ln.Addr().(*net.TCPAddr)
	var servers, clients []int
	for range n {
		c, err := dialRaw(addr)
		if err != nil {
			return err
		}
		s, err := ln.Accept()
		if err != nil {
			return err
		}
		fd, err := detach(s)
		if err != nil {
			return err
		}
		servers, clients = append(servers, fd), append(clients, c)
	}
	msg := make([]byte, size)
	for i := range msg {
		msg[i] = 'x'
	}
	r, err := newRing(uint32(batch))
	if err != nil {
		return fmt.Errorf("io_uring: %w", err)
	}
	var w, u []float64
	for i := 0; i < rounds; i++ {
		w = append(w, perMessage(n, func() error { return writeAll(servers, msg) }))
		drain(clients)
		u = append(u, perMessage(n, func() error { return r.sendAll(servers, msg, batch) }))
		drain(clients)
	}
	pw, pu := median(w), median(u)
	fmt.Printf("%d connections, %d B, %d rounds each, alternating\n", n, size, rounds)
	fmt.Printf("write(2):  %.2f µs per message (median; min %.2f)\n", pw, minOf(w))
	fmt.Printf("io_uring:  %.2f µs per message (median; min %.2f), batches of %d\n", pu, minOf(u), batch)
	fmt.Printf("io_uring / write(2): %.2fx\n", pu/pw)
	return nil
}

func perMessage(n int, f func() error) float64 {
	start := time.Now()
	if err := f(); err != nil {
		fmt.Fprintln(os.Stderr, "uringprobe:", err)
		os.Exit(1)
	}
	return float64(time.Since(start).Nanoseconds()) / 1000 / float64(n)
}

func writeAll(fds []int, msg []byte) error {
	for _, fd := range fds {
		if _, err := syscall.Write(fd, msg); err != nil {
			return err
		}
	}
	return nil
}

// dialRaw connects a blocking socket that nothing polls.
func dialRaw(addr *net.TCPAddr) (int, error) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	sa := &unix.SockaddrInet4{Port: addr.Port}
	copy(sa.Addr[:], addr.IP.To4())
	if err := unix.Connect(fd, sa); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

// detach keeps a duplicate of the accepted socket's descriptor, out of
// Go's poller (as the engine writes to its descriptor directly).
func detach(c net.Conn) (int, error) {
	rc, err := c.(*net.TCPConn).SyscallConn()
	if err != nil {
		return -1, err
	}
	fd := -1
	var derr error
	if err := rc.Control(func(s uintptr) { fd, derr = unix.FcntlInt(s, unix.F_DUPFD_CLOEXEC, 0) }); err != nil {
		return -1, err
	}
	if derr != nil {
		return -1, derr
	}
	c.Close()
	return fd, unix.SetNonblock(fd, true)
}

func drain(fds []int) {
	buf := make([]byte, 64<<10)
	for _, fd := range fds {
		for {
			n, _, err := unix.Recvfrom(fd, buf, unix.MSG_DONTWAIT)
			if n <= 0 || err != nil {
				break
			}
		}
	}
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func minOf(v []float64) float64 {
	m := v[0]
	for _, x := range v {
		m = min(m, x)
	}
	return m
}

// ring is a minimal io_uring: a submission queue of sends and the
// completion queue they land in.
type ring struct {
	fd                     int
	sqHead, sqTail, sqMask *uint32
	sqArray                []uint32
	sqes                   []sqe
	cqHead, cqTail, cqMask *uint32
	cqes                   []cqe
}

type sqe struct {
	opcode   uint8
	flags    uint8
	ioprio   uint16
	fd       int32
	off      uint64
	addr     uint64
	len      uint32
	opFlags  uint32
	userData uint64
	_        [24]byte
}

type cqe struct {
	userData uint64
	res      int32
	flags    uint32
}

type params struct {
	sqEntries, cqEntries, flags, sqThreadCPU, sqThreadIdle, features, wqFD uint32
	resv                                                                   [3]uint32
	sqOff                                                                  [10]uint32 // head tail ring_mask ring_entries flags dropped array resv1 user_addr(u64)
	cqOff                                                                  [10]uint32 // head tail ring_mask ring_entries overflow cqes flags resv1 user_addr(u64)
}

const (
	sysSetup   = 425
	sysEnter   = 426
	opSend     = 26
	enterWait  = 1 // IORING_ENTER_GETEVENTS
	offSQRing  = 0
	offCQRing  = 0x8000000
	offSQEs    = 0x10000000
	featSingle = 1 // IORING_FEAT_SINGLE_MMAP
)

func newRing(entries uint32) (*ring, error) {
	var p params
	fd, _, errno := syscall.Syscall(sysSetup, uintptr(entries), uintptr(unsafe.Pointer(&p)), 0)
	if errno != 0 {
		return nil, errno
	}
	r := &ring{fd: int(fd)}
	sqSize := int(p.sqOff[6]) + int(p.sqEntries)*4
	cqSize := int(p.cqOff[5]) + int(p.cqEntries)*int(unsafe.Sizeof(cqe{}))
	if p.features&featSingle != 0 {
		sqSize = max(sqSize, cqSize)
		cqSize = sqSize
	}
	sq, err := unix.Mmap(r.fd, offSQRing, sqSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		return nil, err
	}
	cq := sq
	if p.features&featSingle == 0 {
		if cq, err = unix.Mmap(r.fd, offCQRing, cqSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE); err != nil {
			return nil, err
		}
	}
	sqeMem, err := unix.Mmap(r.fd, offSQEs, int(p.sqEntries)*int(unsafe.Sizeof(sqe{})), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		return nil, err
	}
	u32 := func(b []byte, off uint32) *uint32 { return (*uint32)(unsafe.Pointer(&b[off])) }
	r.sqHead, r.sqTail, r.sqMask = u32(sq, p.sqOff[0]), u32(sq, p.sqOff[1]), u32(sq, p.sqOff[2])
	r.sqArray = unsafe.Slice((*uint32)(unsafe.Pointer(&sq[p.sqOff[6]])), p.sqEntries)
	r.sqes = unsafe.Slice((*sqe)(unsafe.Pointer(&sqeMem[0])), p.sqEntries)
	r.cqHead, r.cqTail, r.cqMask = u32(cq, p.cqOff[0]), u32(cq, p.cqOff[1]), u32(cq, p.cqOff[2])
	r.cqes = unsafe.Slice((*cqe)(unsafe.Pointer(&cq[p.cqOff[5]])), p.cqEntries)
	return r, nil
}

// sendAll sends msg on every fd, batch sends per io_uring_enter, and
// waits for their completions.
func (r *ring) sendAll(fds []int, msg []byte, batch int) error {
	addr := uint64(uintptr(unsafe.Pointer(&msg[0])))
	for i := 0; i < len(fds); i += batch {
		part := fds[i:min(i+batch, len(fds))]
		tail := atomic.LoadUint32(r.sqTail)
		mask := *r.sqMask
		for j, fd := range part {
			idx := (tail + uint32(j)) & mask
			r.sqes[idx] = sqe{opcode: opSend, fd: int32(fd), addr: addr, len: uint32(len(msg)), opFlags: unix.MSG_DONTWAIT, userData: uint64(j)}
			r.sqArray[idx] = idx
		}
		atomic.StoreUint32(r.sqTail, tail+uint32(len(part)))
		if _, _, errno := syscall.Syscall6(sysEnter, uintptr(r.fd), uintptr(len(part)), uintptr(len(part)), enterWait, 0, 0); errno != 0 {
			return errno
		}
		head := atomic.LoadUint32(r.cqHead)
		ctail := atomic.LoadUint32(r.cqTail)
		for ; head != ctail; head++ {
			c := r.cqes[head&*r.cqMask]
			if c.res < 0 {
				return fmt.Errorf("send: %v", syscall.Errno(-c.res))
			}
		}
		atomic.StoreUint32(r.cqHead, head)
		runtime.KeepAlive(msg)
	}
	return nil
}
