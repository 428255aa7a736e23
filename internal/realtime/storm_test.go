package realtime

import (
	"context"
	"fmt"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/auth"
	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/rawsocket"
	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// countingHub is a hub on SQLite whose database counts its read and write
// transactions, and that reads the log only when woken (no polling reads
// in the counts).
type countingHub struct {
	url           string
	hub           *Hub
	reads, writes atomic.Int64
	tok           map[string]string // admin, vendorA
	svc           *service.Services
	tokens        *auth.Tokens
}

func startCountingHub(t *testing.T) *countingHub {
	t.Helper()
	ch := &countingHub{tok: map[string]string{}}
	ch.svc = storetest.Services(t, "sqlite", service.Options{})
	ch.svc.DB.Observe(func(kind string, _ time.Duration, _ error) {
		if kind == "read" {
			ch.reads.Add(1)
		} else {
			ch.writes.Add(1)
		}
	})
	fx := storetest.NewFixture(t, ch.svc)
	ch.tokens = auth.NewTokens(liveSecret, time.Hour, nil)
	for who, u := range map[string]*domain.User{"admin": fx.Admin, "vendorA": fx.VendorA} {
		g, err := ch.svc.Sessions.StartSession(context.Background(), u.ID, domain.SessionMeta{})
		if err != nil {
			t.Fatal(err)
		}
		if ch.tok[who], _, err = ch.tokens.Issue(u, g.Session.ID); err != nil {
			t.Fatal(err)
		}
	}
	ch.start(t, nil)
	return ch
}

// start serves a new hub (a new process, on the same database), with
// durable recovery sessions when sessions is set.
func (ch *countingHub) start(t *testing.T, sessions *DurableSessions) {
	t.Helper()
	svc := ch.svc
	ch.hub = New(Deps{Users: svc.Users, Deliveries: svc.Deliveries, Payments: svc.Payments, Events: svc.Events,
		Stats: svc.Stats, Tokens: ch.tokens, AuthSessions: svc.Sessions, Sessions: sessions, Options: Options{PollInterval: time.Hour}})
	ctx, cancel := context.WithCancel(context.Background())
	if err := ch.hub.Start(ctx); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(ch.hub.Handler())
	h := ch.hub
	t.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = h.Shutdown(sctx)
		scancel()
		srv.Close()
		cancel()
	})
	ch.url = srv.URL
}

// connect opens a socket as who and waits for its first figures.
func (ch *countingHub) connect(t *testing.T, who string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, _, err := rawsocket.Dial(ctx, ch.url, rawsocket.Options{})
	if err != nil {
		return err
	}
	t.Cleanup(c.Close)
	if _, err := c.Connect(ctx, map[string]string{"token": ch.tok[who]}); err != nil {
		return err
	}
	_, err = c.NextEvent(ctx, EventStats)
	return err
}

// TestHandshakeReadsOnce: a vendor's handshake reads the database once
// (its user and its login session together), and its first figures once
// more: two read transactions for a connection, not three.
func TestHandshakeReadsOnce(t *testing.T) {
	t.Parallel()
	ch := startCountingHub(t)
	before := ch.reads.Load()
	if err := ch.connect(t, "vendorA"); err != nil {
		t.Fatal(err)
	}
	if got := ch.reads.Load() - before; got != 2 {
		t.Fatalf("a connection made %d read transactions; want 2 (identity, figures)", got)
	}
}

// TestSimultaneousConnectsShareStats: K sockets of the same audiences
// connecting at once read the figures once per audience, not once each.
func TestSimultaneousConnectsShareStats(t *testing.T) {
	t.Parallel()
	ch := startCountingHub(t)
	const k = 40
	var wg sync.WaitGroup
	errs := make(chan error, 2*k)
	for range k {
		for _, who := range []string{"admin", "vendorA"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := ch.connect(t, who); err != nil {
					errs <- err
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// Two audiences; a socket arriving more than statsShareWindow after
	// its audience's read starts another one, which a loaded machine (or
	// the race detector) may cause a few times.
	if got := ch.hub.Counters().InitialStatsReads; got > k/2 {
		t.Fatalf("%d simultaneous connections read the figures %d times; want them shared (2 audiences)", 2*k, got)
	}
}

// TestShutdownSavesSessionsInOneTransaction: a hub shutting down with 150
// sockets saves their recovery sessions with one write transaction, not
// one each, and after the restart every client resumes its own session.
func TestShutdownSavesSessionsInOneTransaction(t *testing.T) {
	t.Parallel()
	ch := startCountingHub(t)
	ch.hub.Shutdown(context.Background()) //nolint:errcheck // replaced below by a hub with durable sessions
	ch.start(t, NewDurableSessions(ch.svc.DB, time.Minute))
	const n = 150
	type client struct{ sid, pid string }
	clients := make([]client, n)
	sem := make(chan struct{}, 20)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for i := range clients {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			c, _, err := rawsocket.Dial(ctx, ch.url, rawsocket.Options{})
			if err != nil {
				errs <- err
				return
			}
			t.Cleanup(c.Close)
			sid, err := c.Connect(ctx, map[string]string{"token": ch.tok["admin"]})
			if err != nil {
				errs <- err
				return
			}
			clients[i] = client{sid: sid, pid: c.PID}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	ch.hub.mu.Lock()
	offset := FormatOffset(ch.hub.logEpoch(), ch.hub.cursor, -1)
	ch.hub.mu.Unlock()

	before := ch.writes.Load()
	sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
	if err := ch.hub.Shutdown(sctx); err != nil {
		t.Fatal(err)
	}
	scancel()
	if w := ch.writes.Load() - before; w > 3 {
		t.Fatalf("shutting down with %d sockets took %d write transactions; want their sessions saved together", n, w)
	}

	// The new process: every client resumes the very session it had (a
	// session nobody saved would resume with a new socket id).
	ch.start(t, NewDurableSessions(ch.svc.DB, time.Minute))
	errs = make(chan error, n)
	for _, cl := range clients {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			c, _, err := rawsocket.Dial(ctx, ch.url, rawsocket.Options{})
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			sid, err := c.Connect(ctx, map[string]string{"token": ch.tok["admin"], "pid": cl.pid, "offset": offset})
			switch {
			case err != nil:
				errs <- err
			case sid != cl.sid || c.PID != cl.pid:
				errs <- fmt.Errorf("client %s resumed as sid %s pid %s; want its saved session %s", cl.pid, sid, c.PID, cl.sid)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
