package socketio

import (
	"context"
	"encoding/json"
	"sync"
	"time"
)

// Session is the state a disconnected socket leaves behind so that its
// client can resume: the same socket id, rooms and data, and the offset of
// the last event the server sent it.
type Session struct {
	PID            string          `json:"pid"`
	SID            string          `json:"sid"`
	Namespace      string          `json:"nsp"`
	Rooms          []string        `json:"rooms"`
	Data           json.RawMessage `json:"data,omitempty"`
	Offset         string          `json:"offset,omitempty"`
	DisconnectedAt time.Time       `json:"disconnectedAt"`
}

// SessionStore keeps the sessions of disconnected sockets. The in-memory
// store forgets them when the process exits; an application with a durable
// event log provides a durable store (a database table, for instance) so
// that clients resume across a server restart too.
type SessionStore interface {
	// SaveSession stores s under s.PID, replacing any previous one.
	SaveSession(ctx context.Context, s Session) error
	// TakeSession returns and removes the session of pid; ok is false when
	// there is none. A session is taken once: a second reconnection with
	// the same pid starts afresh.
	TakeSession(ctx context.Context, pid string) (s Session, ok bool, err error)
}

// SessionBatchStore is a SessionStore that saves many sessions at once
// (one database transaction, say). Server.Close uses it for the sessions of
// all the sockets it disconnects, SessionBatchSize at a time.
type SessionBatchStore interface {
	SessionStore
	SaveSessions(ctx context.Context, ss []Session) error
}

// SessionBatchSize is the most sessions Server.Close passes to one
// SessionBatchStore.SaveSessions.
const SessionBatchSize = 2000

// MemorySessionStore is an in-memory SessionStore whose sessions expire
// after a maximum disconnection duration.
type MemorySessionStore struct {
	maxAge time.Duration
	now    func() time.Time

	mu       sync.Mutex
	sessions map[string]Session
	saves    int
}

// NewMemorySessionStore returns a store that forgets sessions older than
// maxAge.
func NewMemorySessionStore(maxAge time.Duration) *MemorySessionStore {
	return &MemorySessionStore{maxAge: maxAge, now: time.Now, sessions: make(map[string]Session)}
}

// SaveSession implements SessionStore.
func (m *MemorySessionStore) SaveSession(_ context.Context, s Session) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sessions[s.PID] = s
	// Expired sessions are swept every so many saves, which bounds the map
	// without a background goroutine.
	m.saves++
	if m.saves%128 == 0 {
		m.sweepLocked()
	}
	return nil
}

// TakeSession implements SessionStore.
func (m *MemorySessionStore) TakeSession(_ context.Context, pid string) (Session, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[pid]
	if !ok {
		return Session{}, false, nil
	}
	delete(m.sessions, pid)
	if m.now().Sub(s.DisconnectedAt) > m.maxAge {
		return Session{}, false, nil
	}
	return s, true, nil
}

// Len reports the number of stored sessions, expired ones included.
func (m *MemorySessionStore) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.sessions)
}

func (m *MemorySessionStore) sweepLocked() {
	now := m.now()
	for pid, s := range m.sessions {
		if now.Sub(s.DisconnectedAt) > m.maxAge {
			delete(m.sessions, pid)
		}
	}
}
