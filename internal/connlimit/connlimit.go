// Package connlimit caps the TCP connections one peer address may hold
// open on a listener, so that a single client cannot exhaust the server's
// file descriptors and goroutines with idle or trickling connections.
package connlimit

import (
	"errors"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// Listener is a net.Listener that closes, at once, each connection from a
// peer that already has Max open. Peers for which Exempt returns true (the
// trusted reverse proxies, which carry many clients each) are not counted.
type Listener struct {
	net.Listener
	max     int
	exempt  func(netip.Addr) bool
	refused func(addr string)

	mu   sync.Mutex
	open map[netip.Addr]int
}

// Wrap limits ln to max connections per peer address (0 = no limit: ln is
// returned as it is). exempt and refused may be nil; refused is told of
// each connection closed for being over the limit.
func Wrap(ln net.Listener, max int, exempt func(netip.Addr) bool, refused func(addr string)) net.Listener {
	if max <= 0 {
		return ln
	}
	return &Listener{Listener: ln, max: max, exempt: exempt, refused: refused, open: map[netip.Addr]int{}}
}

// Accept returns the next connection within the limit.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ap, err := netip.ParseAddrPort(c.RemoteAddr().String())
		if err != nil {
			return c, nil
		}
		addr := ap.Addr().Unmap()
		if l.exempt != nil && l.exempt(addr) {
			return c, nil
		}
		l.mu.Lock()
		full := l.open[addr] >= l.max
		if !full {
			l.open[addr]++
		}
		l.mu.Unlock()
		if full {
			if l.refused != nil {
				l.refused(addr.String())
			}
			go refuse(c)
			continue
		}
		return &conn{Conn: c, l: l, addr: addr}, nil
	}
}

// refuse tells an HTTP client why (briefly: the peer may not be reading)
// and closes the connection.
func refuse(c net.Conn) {
	_ = c.SetWriteDeadline(time.Now().Add(time.Second))
	_, _ = c.Write([]byte(refusal))
	_ = c.Close()
}

const refusalBody = `{"error":{"code":"RATE_LIMITED","message":"too many connections from this address"}}` + "\n"

var refusal = "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nRetry-After: 5\r\nConnection: close\r\n" +
	"Content-Length: " + strconv.Itoa(len(refusalBody)) + "\r\n\r\n" + refusalBody

func (l *Listener) release(addr netip.Addr) {
	l.mu.Lock()
	if l.open[addr]--; l.open[addr] <= 0 {
		delete(l.open, addr)
	}
	l.mu.Unlock()
}

// conn gives its slot back once, when closed.
type conn struct {
	net.Conn
	l    *Listener
	addr netip.Addr
	once sync.Once
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.release(c.addr) })
	return err
}

// CloseWrite and SyscallConn pass through what the wrapped *net.TCPConn
// offers: net/http half-closes a connection before closing it (so that
// unread input does not turn the close into a reset), and the socket
// engine writes through the file descriptor.
func (c *conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return errors.ErrUnsupported
}

func (c *conn) SyscallConn() (syscall.RawConn, error) {
	if sc, ok := c.Conn.(syscall.Conn); ok {
		return sc.SyscallConn()
	}
	return nil, errors.ErrUnsupported
}
