package realtime

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/livedesk/livedesk/socketio"
)

// SessionTable is where durable recovery sessions live; *store.DB is one.
type SessionTable interface {
	SaveSocketSessions(ctx context.Context, bodies map[string][]byte, at, expireBefore time.Time) error
	TakeSocketSessions(ctx context.Context, pids []string) (map[string][]byte, error)
}

// DurableSessions is the socketio.SessionStore of Livedesk. What a client
// misses is in the event log, so a session needs little: the socket id to
// keep and whether the client may resume at all.
//
//   - Sessions carry no rooms and no data. The handshake middleware derives
//     identity and rooms from the token on every connection, and the replay
//     is filtered by that identity, so a stolen pid yields nothing.
//   - A client whose instance crashed (no session was saved) still resumes:
//     an unknown pid gets a fresh session, and the client's offset drives
//     the replay from the log. This is what makes failover lose nothing.
//   - An explicit client disconnect leaves a tombstone, so that the
//     client's next connection starts afresh, as the protocol requires.
type DurableSessions struct {
	table  SessionTable
	maxAge time.Duration

	mu    sync.Mutex
	ended map[string]time.Time // tombstones not yet visible in the table

	// Takes and saves are batched: a reconnect storm's thousands of
	// handshakes take their sessions, and thousands of dropped connections
	// save theirs, with a few transactions (each a write, on SQLite's
	// single writer) instead of one each (see sessionbatch.go).
	takes, saves batcher
}

// NewDurableSessions returns a session store on table whose sessions and
// tombstones expire after maxAge.
func NewDurableSessions(table SessionTable, maxAge time.Duration) *DurableSessions {
	return &DurableSessions{table: table, maxAge: maxAge, ended: map[string]time.Time{}}
}

type storedSession struct {
	SID            string    `json:"sid,omitempty"`
	Namespace      string    `json:"nsp,omitempty"`
	DisconnectedAt time.Time `json:"disconnectedAt"`
	Ended          bool      `json:"ended,omitempty"`
}

// SaveSession implements socketio.SessionStore.
func (d *DurableSessions) SaveSession(ctx context.Context, s socketio.Session) error {
	return d.save(ctx, s.PID, storedSession{SID: s.SID, Namespace: s.Namespace, DisconnectedAt: s.DisconnectedAt})
}

// End records that the session of pid ended for good (the client
// disconnected on purpose): it will not be resumed.
func (d *DurableSessions) End(ctx context.Context, pid string) error {
	if pid == "" {
		return nil
	}
	now := time.Now()
	d.mu.Lock()
	d.ended[pid] = now
	for p, at := range d.ended {
		if now.Sub(at) > time.Minute {
			delete(d.ended, p) // long since in the table
		}
	}
	d.mu.Unlock()
	return d.save(ctx, pid, storedSession{DisconnectedAt: now, Ended: true})
}

func (d *DurableSessions) save(ctx context.Context, pid string, s storedSession) error {
	body, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("failed to encode session: %w", err)
	}
	return d.saveBatched(ctx, pid, body)
}

// TakeSession implements socketio.SessionStore.
func (d *DurableSessions) TakeSession(ctx context.Context, pid string) (socketio.Session, bool, error) {
	if pid == "" || len(pid) > 64 {
		return socketio.Session{}, false, nil
	}
	d.mu.Lock()
	_, ended := d.ended[pid]
	d.mu.Unlock()
	if ended {
		return socketio.Session{}, false, nil
	}
	body, found, err := d.take(ctx, pid)
	if err != nil {
		return socketio.Session{}, false, err
	}
	if !found {
		// Saved by no one: the instance that held the client died. Resume
		// it anyway; the log has everything it missed.
		return socketio.Session{PID: pid, SID: newSID(), Namespace: "/", DisconnectedAt: time.Now()}, true, nil
	}
	var s storedSession
	if err := json.Unmarshal(body, &s); err != nil {
		return socketio.Session{}, false, fmt.Errorf("failed to decode session: %w", err)
	}
	if s.Ended || time.Since(s.DisconnectedAt) > d.maxAge {
		return socketio.Session{}, false, nil
	}
	return socketio.Session{PID: pid, SID: s.SID, Namespace: s.Namespace, DisconnectedAt: s.DisconnectedAt}, true, nil
}

// SaveSessions implements socketio.SessionBatchStore: the sessions of a
// shutdown, in one transaction.
func (d *DurableSessions) SaveSessions(ctx context.Context, ss []socketio.Session) error {
	bodies := make(map[string][]byte, len(ss))
	var at time.Time
	for _, s := range ss {
		b, err := json.Marshal(storedSession{SID: s.SID, Namespace: s.Namespace, DisconnectedAt: s.DisconnectedAt})
		if err != nil {
			return fmt.Errorf("failed to encode session: %w", err)
		}
		bodies[s.PID] = b
		if s.DisconnectedAt.After(at) {
			at = s.DisconnectedAt
		}
	}
	return d.table.SaveSocketSessions(ctx, bodies, at, time.Now().Add(-d.maxAge))
}

func newSID() string {
	var b [15]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
