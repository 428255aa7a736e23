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
	SaveSocketSession(ctx context.Context, pid string, body []byte, at, expireBefore time.Time) error
	TakeSocketSession(ctx context.Context, pid string) ([]byte, bool, error)
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
	return d.table.SaveSocketSession(ctx, pid, body, s.DisconnectedAt, time.Now().Add(-d.maxAge))
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
	body, found, err := d.table.TakeSocketSession(ctx, pid)
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

func newSID() string {
	var b [15]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
