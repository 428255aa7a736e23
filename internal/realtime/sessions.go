package realtime

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/livedesk/livedesk/socketio"
)

// SessionTable is where durable recovery sessions live; *store.DB is one.
type SessionTable interface {
	SaveSocketSession(ctx context.Context, pid string, body []byte, at, expireBefore time.Time) error
	TakeSocketSession(ctx context.Context, pid string) ([]byte, bool, error)
}

// DurableSessions is a socketio.SessionStore in the database: together with
// the event log, it lets a client resume across a server restart or on
// another instance, with socket.recovered === true.
type DurableSessions struct {
	table  SessionTable
	maxAge time.Duration
}

// NewDurableSessions returns a session store on table whose sessions expire
// after maxAge.
func NewDurableSessions(table SessionTable, maxAge time.Duration) *DurableSessions {
	return &DurableSessions{table: table, maxAge: maxAge}
}

// SaveSession implements socketio.SessionStore.
func (d *DurableSessions) SaveSession(ctx context.Context, s socketio.Session) error {
	body, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("failed to encode session: %w", err)
	}
	return d.table.SaveSocketSession(ctx, s.PID, body, s.DisconnectedAt, time.Now().Add(-d.maxAge))
}

// TakeSession implements socketio.SessionStore.
func (d *DurableSessions) TakeSession(ctx context.Context, pid string) (socketio.Session, bool, error) {
	body, ok, err := d.table.TakeSocketSession(ctx, pid)
	if err != nil || !ok {
		return socketio.Session{}, false, err
	}
	var s socketio.Session
	if err := json.Unmarshal(body, &s); err != nil {
		return socketio.Session{}, false, fmt.Errorf("failed to decode session: %w", err)
	}
	if time.Since(s.DisconnectedAt) > d.maxAge {
		return socketio.Session{}, false, nil
	}
	return s, true, nil
}
