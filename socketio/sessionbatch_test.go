package socketio_test

import (
	"context"
	"sync"
	"testing"

	"github.com/livedesk/livedesk/socketio"
)

// batchStore is a memStore that also saves in batches, and counts the
// calls of each kind.
type batchStore struct {
	memStore
	cmu     sync.Mutex
	singles int
	batches []int // sizes
}

func (s *batchStore) SaveSession(ctx context.Context, sess socketio.Session) error {
	s.cmu.Lock()
	s.singles++
	s.cmu.Unlock()
	return s.memStore.SaveSession(ctx, sess)
}

func (s *batchStore) SaveSessions(ctx context.Context, ss []socketio.Session) error {
	s.cmu.Lock()
	s.batches = append(s.batches, len(ss))
	s.cmu.Unlock()
	for _, sess := range ss {
		if err := s.memStore.SaveSession(ctx, sess); err != nil {
			return err
		}
	}
	return nil
}

// TestCloseSavesSessionsInOneBatch: Close saves the sessions of all the
// sockets it disconnects with one SaveSessions call, not one SaveSession
// each, and every one of them can be resumed.
func TestCloseSavesSessionsInOneBatch(t *testing.T) {
	t.Parallel()
	store := &batchStore{memStore: memStore{m: map[string]socketio.Session{}}}
	a := startRecoveryServer(t, socketio.RecoveryOptions{Store: store}, nil)
	const n = 30
	pids := make([]string, n)
	for i := range pids {
		c := dial(t, a.url, "websocket")
		pids[i] = parseAnswer(t, mustConnect(t, c, "/", "")).PID
		waitFor(t, a.connected)
	}
	go func() {
		for range a.gone { // the recovery server's channel holds only a few
		}
	}()
	if err := a.srv.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	store.cmu.Lock()
	singles, batches := store.singles, store.batches
	store.cmu.Unlock()
	if singles != 0 || len(batches) != 1 || batches[0] != n {
		t.Fatalf("Close saved %d sessions one by one and batches of %v; want one batch of %d", singles, batches, n)
	}
	for _, pid := range pids {
		if _, ok, _ := store.TakeSession(context.Background(), pid); !ok {
			t.Fatalf("session %s was not saved", pid)
		}
	}
}
