package storetest

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/postgres"
	"github.com/livedesk/livedesk/internal/store"
)

// Cut says where PGProxy cuts the next COMMIT's connection.
type Cut int32

const (
	CutNone         Cut = iota
	CutAfterCommit      // forward COMMIT to the server, then close both sides before any answer
	CutBeforeCommit     // close both sides without forwarding COMMIT
)

// PGProxy is a TCP proxy between a store and PostgreSQL that reads the
// client's protocol messages and, when armed, cuts the connection on which
// a COMMIT is sent: the test double of a network failure at the worst
// moment. Everything else passes through untouched.
type PGProxy struct {
	ln     net.Listener
	target string
	cut    atomic.Int32
	cuts   atomic.Int32
	refuse atomic.Bool

	mu    sync.Mutex
	conns []net.Conn
}

// NewPGProxy starts a proxy to the PostgreSQL server of base (a URL), closed
// when the test ends.
func NewPGProxy(t testing.TB, base string) *PGProxy {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("storetest: bad postgres url: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("storetest: proxy listen: %v", err)
	}
	p := &PGProxy{ln: ln, target: u.Host}
	go p.accept()
	t.Cleanup(p.close)
	return p
}

// Arm makes the proxy cut the connection of the next write transaction's
// COMMIT as c says (read-only transactions commit undisturbed).
func (p *PGProxy) Arm(c Cut) { p.cut.Store(int32(c)) }

// Cuts returns how many connections the proxy has cut.
func (p *PGProxy) Cuts() int { return int(p.cuts.Load()) }

// Refuse makes the proxy close new connections at once (the database is
// unreachable) while on is true.
func (p *PGProxy) Refuse(on bool) { p.refuse.Store(on) }

// URL returns base pointed at the proxy (with TLS off, so that the proxy can
// read the messages).
func (p *PGProxy) URL(base string) string {
	u, _ := url.Parse(base)
	u.Host = p.ln.Addr().String()
	q := u.Query()
	q.Set("sslmode", "disable")
	u.RawQuery = q.Encode()
	return u.String()
}

// OpenPostgresVia returns a fresh PostgreSQL database (a new schema) whose
// connections go through a new proxy.
func OpenPostgresVia(t testing.TB) (*store.DB, *PGProxy) {
	t.Helper()
	base := PostgresURL(t)
	p := NewPGProxy(t, base)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := postgres.Open(ctx, p.URL(base))
	if err != nil {
		t.Fatalf("storetest: failed to open postgres through the proxy: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db, p
}

func (p *PGProxy) close() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
}

func (p *PGProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		if p.refuse.Load() {
			c.Close()
			continue
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, s)
		p.mu.Unlock()
		go func() {
			_, _ = io.Copy(c, s)
			c.Close()
		}()
		go p.forward(c, s)
	}
}

// forward copies the client's messages to the server one by one, watching
// for COMMIT.
func (p *PGProxy) forward(c, s net.Conn) {
	defer c.Close()
	defer s.Close()
	// Startup phase: untyped messages (an SSL or GSS request may come
	// before the startup message).
	for {
		msg, err := readMsg(c, false)
		if err != nil {
			return
		}
		if _, err := s.Write(msg); err != nil {
			return
		}
		code := binary.BigEndian.Uint32(msg[4:8])
		if code != 80877103 && code != 80877104 { // SSLRequest, GSSENCRequest
			break
		}
	}
	// Only a write transaction's COMMIT is cut: the store reads the
	// transaction id (pg_current_xact_id) just before committing a write,
	// never in a read-only transaction, so the proxy watches for that query,
	// sent as text or through a named prepared statement.
	xidStmts := map[string]bool{}
	writing := false
	for {
		msg, err := readMsg(c, true)
		if err != nil {
			return
		}
		switch msg[0] {
		case 'Q':
			writing = writing || bytes.Contains(msg, []byte("pg_current_xact_id"))
		case 'P':
			name, rest, _ := bytes.Cut(msg[5:], []byte{0})
			if bytes.Contains(rest, []byte("pg_current_xact_id")) {
				xidStmts[string(name)] = true
			}
		case 'B':
			_, rest, _ := bytes.Cut(msg[5:], []byte{0})
			stmt, _, _ := bytes.Cut(rest, []byte{0})
			writing = writing || xidStmts[string(stmt)]
		}
		if isCommit(msg) {
			cut := CutNone
			if writing {
				cut = Cut(p.cut.Swap(int32(CutNone)))
			}
			writing = false
			switch cut {
			case CutAfterCommit:
				// The server gets COMMIT and then an orderly end of
				// stream (a close with unread data would be a reset,
				// which may discard the COMMIT); the client gets nothing.
				_, _ = s.Write(msg)
				p.cuts.Add(1)
				c.Close()
				if tc, ok := s.(*net.TCPConn); ok {
					_ = tc.CloseWrite()
				}
				_ = s.SetReadDeadline(time.Now().Add(5 * time.Second))
				_, _ = io.Copy(io.Discard, s)
				return
			case CutBeforeCommit:
				p.cuts.Add(1)
				return
			}
		}
		if _, err := s.Write(msg); err != nil {
			return
		}
	}
}

// readMsg reads one protocol message: type byte (when typed), length, body.
func readMsg(r io.Reader, typed bool) ([]byte, error) {
	n := 4
	if typed {
		n = 5
	}
	head := make([]byte, n)
	if _, err := io.ReadFull(r, head); err != nil {
		return nil, err
	}
	size := int(binary.BigEndian.Uint32(head[n-4:]))
	if size < 4 || size > 1<<30 {
		return nil, errors.New("bad message length")
	}
	msg := make([]byte, n+size-4)
	copy(msg, head)
	if _, err := io.ReadFull(r, msg[n:]); err != nil {
		return nil, err
	}
	return msg, nil
}

// isCommit reports whether msg is a simple query or a parse of COMMIT.
func isCommit(msg []byte) bool {
	body := msg[5:]
	switch msg[0] {
	case 'Q':
	case 'P':
		if i := bytes.IndexByte(body, 0); i >= 0 {
			body = body[i+1:]
		}
	default:
		return false
	}
	if i := bytes.IndexByte(body, 0); i >= 0 {
		body = body[:i]
	}
	q := bytes.ToLower(bytes.TrimSpace(bytes.TrimRight(bytes.TrimSpace(body), ";")))
	return bytes.Equal(q, []byte("commit"))
}
