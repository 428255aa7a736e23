package socketio_test

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/livedesk/livedesk/socketio"
	"github.com/livedesk/livedesk/socketio/internal/siotest"
)

// eventLog stands for the application's durable event log: every event has
// a sequence number, which is its recovery offset.
type eventLog struct {
	mu     sync.Mutex
	events []int // seq i+1 carries value events[i]
}

func (l *eventLog) publish(ns *socketio.Namespace, room string) int {
	l.mu.Lock()
	seq := len(l.events) + 1
	l.events = append(l.events, seq*10)
	l.mu.Unlock()
	_ = ns.To(room).WithOffset(strconv.Itoa(seq)).Emit(context.Background(), "ev", seq*10)
	return seq
}

func (l *eventLog) after(offset string) []int {
	n, _ := strconv.Atoi(offset)
	l.mu.Lock()
	defer l.mu.Unlock()
	var seqs []int
	for seq := n + 1; seq <= len(l.events); seq++ {
		seqs = append(seqs, seq)
	}
	return seqs
}

func evText(seq int) string {
	return `2["ev",` + strconv.Itoa(seq*10) + `,"` + strconv.Itoa(seq) + `"]`
}

// recoverConnect joins "/" with auth, expects the text packets before
// (the replayed events) and then the CONNECT answer, and returns its
// payload.
func recoverConnect(t *testing.T, c *siotest.Client, auth string, before ...string) string {
	t.Helper()
	if err := c.SendText("0" + auth); err != nil {
		t.Fatal(err)
	}
	for _, want := range before {
		expectText(t, c, want)
	}
	got, err := c.NextText(wait)
	if err != nil {
		t.Fatalf("waiting for the CONNECT answer: %v", err)
	}
	if len(got) == 0 || got[0] != '0' {
		t.Fatalf("got %q, want the CONNECT answer", got)
	}
	return got[1:]
}

type connectAnswer struct {
	SID string `json:"sid"`
	PID string `json:"pid"`
}

func parseAnswer(t *testing.T, s string) connectAnswer {
	t.Helper()
	var a connectAnswer
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		t.Fatalf("CONNECT answer %q: %v", s, err)
	}
	return a
}

type recoveryServer struct {
	srv       *socketio.Server
	url       string
	log       *eventLog
	connected chan *socketio.Socket
	gone      chan socketio.DisconnectReason
}

// startRecoveryServer serves a namespace whose sockets join "feed" and
// whose replay hook reads the event log; duringReplay, if set, runs after
// the first replayed event (to inject live events).
func startRecoveryServer(t *testing.T, rec socketio.RecoveryOptions, duringReplay func(rs *recoveryServer)) *recoveryServer {
	rs := &recoveryServer{log: &eventLog{}, connected: make(chan *socketio.Socket, 4), gone: make(chan socketio.DisconnectReason, 4)}
	rs.srv, rs.url = startServer(t, socketio.Options{Recovery: &rec}, func(srv *socketio.Server) {
		ns := srv.Of("/")
		ns.OnRecover(func(ctx context.Context, s *socketio.Socket, offset string) error {
			if offset == "fail" {
				return errors.New("gap too large")
			}
			for i, seq := range rs.log.after(offset) {
				if err := s.EmitWithOffset(strconv.Itoa(seq), "ev", seq*10); err != nil {
					return err
				}
				if i == 0 && duringReplay != nil {
					duringReplay(rs)
				}
			}
			return nil
		})
		ns.OnConnection(func(s *socketio.Socket) {
			if !s.Recovered() {
				s.Join("feed")
			}
			s.OnDisconnect(func(r socketio.DisconnectReason) { rs.gone <- r })
			rs.connected <- s
		})
	})
	return rs
}

func TestRecovery(t *testing.T) {
	t.Parallel()
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			t.Parallel()
			rs := startRecoveryServer(t, socketio.RecoveryOptions{}, nil)
			ns := rs.srv.Of("/")
			c := dial(t, rs.url, tr)
			first := parseAnswer(t, mustConnect(t, c, "/", ""))
			if first.PID == "" {
				t.Fatal("CONNECT answer without pid")
			}
			s := waitFor(t, rs.connected)
			_ = s.SetData(map[string]int{"user": 7})
			rs.log.publish(ns, "feed")
			expectText(t, c, evText(1))

			c.Close()
			if r := waitFor(t, rs.gone); r != socketio.ReasonTransportClose {
				t.Fatalf("reason %q", r)
			}
			rs.log.publish(ns, "feed")
			rs.log.publish(ns, "feed")

			c2 := dial(t, rs.url, tr)
			// The missed events come before the CONNECT answer, as with
			// the reference server, so that the client emits them before
			// "connect".
			again := parseAnswer(t, recoverConnect(t, c2, `{"pid":"`+first.PID+`","offset":"1"}`, evText(2), evText(3)))
			if again != first {
				t.Fatalf("resumed as %+v, want %+v", again, first)
			}
			s2 := waitFor(t, rs.connected)
			var data map[string]int
			if !s2.Recovered() || s2.ID() != first.SID || s2.Data(&data) != nil || data["user"] != 7 {
				t.Fatalf("recovered socket: recovered %v id %s data %v", s2.Recovered(), s2.ID(), data)
			}
			rs.log.publish(ns, "feed")
			expectText(t, c2, evText(4))
		})
	}
}

// TestRecoveryLiveEventsDuringReplay publishes live events while the replay
// runs: they must arrive after it, once each, in order.
func TestRecoveryLiveEventsDuringReplay(t *testing.T) {
	t.Parallel()
	var once sync.Once
	rs := startRecoveryServer(t, socketio.RecoveryOptions{}, func(rs *recoveryServer) {
		once.Do(func() {
			// Seq 4 and 5 are published while seq 2 has been replayed:
			// 4 is in the log, hence replayed too, and its live copy must
			// be dropped; 5 comes after the replay's snapshot.
			rs.log.publish(rs.srv.Of("/"), "feed")
		})
	})
	ns := rs.srv.Of("/")
	c := dial(t, rs.url, "websocket")
	first := parseAnswer(t, mustConnect(t, c, "/", ""))
	waitFor(t, rs.connected)
	rs.log.publish(ns, "feed")
	expectText(t, c, evText(1))
	c.Close()
	waitFor(t, rs.gone)
	rs.log.publish(ns, "feed")
	rs.log.publish(ns, "feed")

	c2 := dial(t, rs.url, "websocket")
	// The replay snapshot was taken before seq 4 existed: 2, 3 replayed
	// before the CONNECT answer, then the buffered live 4.
	recoverConnect(t, c2, `{"pid":"`+first.PID+`","offset":"1"}`, evText(2), evText(3))
	waitFor(t, rs.connected)
	expectText(t, c2, evText(4))
	rs.log.publish(ns, "feed")
	expectText(t, c2, evText(5))
	if f, err := c2.Next(200 * time.Millisecond); err == nil {
		t.Fatalf("unexpected extra frame %q", f.Data)
	}
}

func TestRecoveryRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		rec     socketio.RecoveryOptions
		leave   func(c *siotest.Client)
		offset  string
		closeC2 bool
	}{
		{"explicit disconnect", socketio.RecoveryOptions{}, func(c *siotest.Client) { _ = c.SendText("1") }, "1", false},
		{"expired session", socketio.RecoveryOptions{MaxDisconnectionDuration: time.Millisecond}, func(c *siotest.Client) { c.Close() }, "1", false},
		{"replay failure", socketio.RecoveryOptions{}, func(c *siotest.Client) { c.Close() }, "fail", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rs := startRecoveryServer(t, tt.rec, nil)
			c := dial(t, rs.url, "websocket")
			first := parseAnswer(t, mustConnect(t, c, "/", ""))
			waitFor(t, rs.connected)
			tt.leave(c)
			waitFor(t, rs.gone)
			time.Sleep(5 * time.Millisecond)

			c2 := dial(t, rs.url, "websocket")
			auth := `{"pid":"` + first.PID + `","offset":"` + tt.offset + `"}`
			var again connectAnswer
			if tt.closeC2 {
				// The replay failed: the connection is closed before the
				// CONNECT answer and the session spent, so the next
				// attempt starts afresh.
				_ = c2.SendText("0" + auth)
				expectClosed(t, c2)
				c3 := dial(t, rs.url, "websocket")
				again = parseAnswer(t, mustConnect(t, c3, "/", auth))
			} else {
				again = parseAnswer(t, mustConnect(t, c2, "/", auth))
			}
			if again.SID == first.SID || again.PID == first.PID {
				t.Fatalf("session resumed: %+v after %+v", again, first)
			}
		})
	}
}

// memStore is a SessionStore standing for a durable one shared by two
// server processes.
type memStore struct {
	mu sync.Mutex
	m  map[string]socketio.Session
}

func (s *memStore) SaveSession(_ context.Context, sess socketio.Session) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, _ := json.Marshal(sess) // a durable store serializes the session
	var back socketio.Session
	_ = json.Unmarshal(b, &back)
	s.m[sess.PID] = back
	return nil
}

func (s *memStore) TakeSession(_ context.Context, pid string) (socketio.Session, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.m[pid]
	delete(s.m, pid)
	return sess, ok, nil
}

func TestRecoveryAcrossRestart(t *testing.T) {
	t.Parallel()
	store := &memStore{m: map[string]socketio.Session{}}
	a := startRecoveryServer(t, socketio.RecoveryOptions{Store: store}, nil)
	c := dial(t, a.url, "polling")
	first := parseAnswer(t, mustConnect(t, c, "/", ""))
	waitFor(t, a.connected)
	a.log.publish(a.srv.Of("/"), "feed")
	expectText(t, c, evText(1))
	if err := a.srv.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r := waitFor(t, a.gone); r != socketio.ReasonServerShuttingDown {
		t.Fatalf("reason %q", r)
	}

	b := startRecoveryServer(t, socketio.RecoveryOptions{Store: store}, nil)
	b.log = a.log // the log is durable too
	a.log.publish(b.srv.Of("/"), "feed")
	c2 := dial(t, b.url, "websocket")
	again := parseAnswer(t, recoverConnect(t, c2, `{"pid":"`+first.PID+`","offset":"1"}`, evText(2)))
	if again != first {
		t.Fatalf("resumed as %+v, want %+v", again, first)
	}
	s := waitFor(t, b.connected)
	if rooms := s.Rooms(); len(rooms) != 2 {
		t.Fatalf("recovered rooms %v, want the socket id and feed", rooms)
	}
}

// TestRecoveryMiddlewares checks that middlewares run for a recovering
// socket after its session is restored, and that a refusal keeps the
// session for the next attempt.
func TestRecoveryMiddlewares(t *testing.T) {
	t.Parallel()
	type seen struct {
		recovered bool
		user      int
	}
	seenCh := make(chan seen, 4)
	connected := make(chan *socketio.Socket, 4)
	gone := make(chan socketio.DisconnectReason, 4)
	_, url := startServer(t, socketio.Options{Recovery: &socketio.RecoveryOptions{}}, func(srv *socketio.Server) {
		ns := srv.Of("/")
		ns.Use(func(_ context.Context, s *socketio.Socket) error {
			var data struct{ User int }
			_ = s.Data(&data)
			seenCh <- seen{s.Recovered(), data.User}
			var auth struct{ Refuse bool }
			_ = s.Handshake().DecodeAuth(&auth)
			if auth.Refuse {
				return errors.New("busy, retry")
			}
			return nil
		})
		ns.OnConnection(func(s *socketio.Socket) {
			if !s.Recovered() {
				_ = s.SetData(map[string]int{"User": 9})
			}
			s.OnDisconnect(func(r socketio.DisconnectReason) { gone <- r })
			connected <- s
		})
	})
	c := dial(t, url, "websocket")
	first := parseAnswer(t, mustConnect(t, c, "/", ""))
	if s := waitFor(t, seenCh); s.recovered {
		t.Fatal("fresh socket seen as recovered")
	}
	waitFor(t, connected)
	c.Close()
	waitFor(t, gone)

	c2 := dial(t, url, "websocket")
	_ = c2.SendText(`0{"pid":"` + first.PID + `","offset":"0","refuse":true}`)
	expectText(t, c2, `4{"message":"busy, retry"}`)
	if s := waitFor(t, seenCh); !s.recovered || s.user != 9 {
		t.Fatalf("middleware saw %+v, want the restored session", s)
	}
	again := parseAnswer(t, mustConnect(t, c2, "/", `{"pid":"`+first.PID+`","offset":"0"}`))
	if again != first {
		t.Fatalf("after a refusal, resumed as %+v, want %+v", again, first)
	}
	if s := waitFor(t, seenCh); !s.recovered || s.user != 9 {
		t.Fatalf("middleware saw %+v, want the restored session", s)
	}
}

// TestRecoveryNoForeignOffsets checks that, under recovery, no event ends
// with a string that is not a real offset: the official client keeps the
// last string argument of every event as its offset and sends it back to
// be replayed from. Such events get a trailing null; events with a real
// offset, or ending with something else, go as they are; without recovery
// nothing changes.
func TestRecoveryNoForeignOffsets(t *testing.T) {
	t.Parallel()
	emit := func(s *socketio.Socket) {
		_ = s.Emit("chat", "hello")
		_ = s.Emit("nudge")
		_ = s.Emit("n", 1)
		_ = s.EmitWithOffset("5", "ev", "x")
		_ = s.Namespace().To(s.ID()).Emit(context.Background(), "chat", "all")
		_ = s.Namespace().To(s.ID()).WithOffset("6").Emit(context.Background(), "ev", "y")
	}
	tests := []struct {
		name     string
		recovery *socketio.RecoveryOptions
		want     []string
	}{
		{"recovery", &socketio.RecoveryOptions{}, []string{
			`2["chat","hello",null]`, `2["nudge",null]`, `2["n",1]`, `2["ev","x","5"]`, `2["chat","all",null]`, `2["ev","y","6"]`}},
		{"no recovery", nil, []string{
			`2["chat","hello"]`, `2["nudge"]`, `2["n",1]`, `2["ev","x"]`, `2["chat","all"]`, `2["ev","y"]`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, url := startServer(t, socketio.Options{Recovery: tt.recovery}, func(srv *socketio.Server) {
				srv.Of("/").OnConnection(emit)
			})
			c := dial(t, url, "websocket")
			mustConnect(t, c, "/", "")
			for _, want := range tt.want {
				expectText(t, c, want)
			}
		})
	}
}
