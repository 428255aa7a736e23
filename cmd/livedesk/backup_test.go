package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/rawsocket"
	"github.com/livedesk/livedesk/internal/realtime"
)

// pay records a payment over REST and returns its id (0 on failure); safe
// in any goroutine.
func pay(base, token string, customer int64, key string) int64 {
	b, _ := json.Marshal(map[string]any{"customerId": customer, "amountCents": 100, "method": "cash"})
	req, _ := http.NewRequest("POST", base+"/api/payments", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Idempotency-Key", key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	defer res.Body.Close()
	var out struct {
		Payment struct {
			ID int64 `json:"id"`
		} `json:"payment"`
	}
	if res.StatusCode != http.StatusCreated || json.NewDecoder(res.Body).Decode(&out) != nil {
		return 0
	}
	return out.Payment.ID
}

// TestBackupUnderWrites takes `livedesk backup` of a running server's
// SQLite database while payments stream in: the copy passes its integrity
// check, holds every payment committed before the backup started, and
// balances equal their ledgers in it. Restored, the copy is a new epoch of
// the event log: a cursor and a recovery offset of the live database get
// RESYNC_REQUIRED instead of being served events of another history.
func TestBackupUnderWrites(t *testing.T) {
	t.Parallel()
	a := startApp(t)
	ctx := context.Background()

	var (
		mu        sync.Mutex
		committed []int64 // payments answered 201, in answer order
		stop      atomic.Bool
		wg        sync.WaitGroup
	)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				if id := pay(a.base, a.admin.token, a.custA, fmt.Sprintf("backup-%d-%d", w, i)); id != 0 {
					mu.Lock()
					committed = append(committed, id)
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	mu.Lock()
	before := append([]int64(nil), committed...)
	mu.Unlock()
	// The live log's cursor, as a dashboard holds it.
	stats := a.admin.must(200, "GET", "/api/stats", nil)
	liveEpoch, _ := stats["epoch"].(string)
	out := filepath.Join(t.TempDir(), "backup.db")
	res, err := runCmd(t, "backup", "--db", a.db, "--out", out)
	time.Sleep(200 * time.Millisecond) // writes go on after the backup
	stop.Store(true)
	wg.Wait()
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, res)
	}
	if len(before) == 0 || len(committed) <= len(before) {
		t.Fatalf("the writers made %d payments before the backup and %d in all: not a backup under writes", len(before), len(committed))
	}

	copyDB, err := sql.Open("sqlite", "file:"+out+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	var check string
	if err := copyDB.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	for _, id := range before {
		var n int
		if err := copyDB.QueryRow(`SELECT COUNT(*) FROM payments WHERE id = ?`, id).Scan(&n); err != nil || n != 1 {
			t.Fatalf("payment %d, committed before the backup started, is not in it (%v)", id, err)
		}
	}
	var bad int
	if err := copyDB.QueryRow(`SELECT COUNT(*) FROM customers c WHERE balance_cents <> (SELECT COALESCE(SUM(amount_cents), 0) FROM ledger_entries l WHERE l.customer_id = c.id)`).Scan(&bad); err != nil || bad != 0 {
		t.Fatalf("%d customers' balances differ from their ledgers in the copy (%v)", bad, err)
	}
	var copied int
	_ = copyDB.QueryRow(`SELECT COUNT(*) FROM payments`).Scan(&copied)
	t.Logf("%d payments committed before the backup, %d in the copy, %d in all", len(before), copied, len(committed))
	if _, err := runCmd(t, "backup", "--db", a.db, "--out", out); err == nil {
		t.Error("a backup over an existing file succeeded")
	}
	if out, err := runCmd(t, "backup", "--db", "postgres://u@127.0.0.1/x", "--out", "x"); err == nil || !strings.Contains(out, "pg_dump") {
		t.Errorf("backup of PostgreSQL: %v\n%s", err, out)
	}

	// The dashboard's cursor and socket offset at the end of the live log.
	page := a.admin.must(200, "GET", "/api/events?after=0&limit=1", nil)
	head := num(a.admin.must(200, "GET", "/api/stats", nil), "seq")
	cursor := fmt.Sprintf("%s:%d", liveEpoch, head)
	if page["epoch"] != liveEpoch {
		t.Fatalf("live epoch %v, stats said %s", page["epoch"], liveEpoch)
	}

	// Restore: the copy replaces the database, and the server starts on it.
	restored := filepath.Join(t.TempDir(), "restored.db")
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(restored, b, 0o600); err != nil {
		t.Fatal(err)
	}
	base := startServer(t, "--db", "sqlite:"+restored)
	c := &client{t: t, base: base, token: a.admin.token} // the signing key came with the copy
	st := c.must(200, "GET", "/api/stats", nil)
	if st["epoch"] == liveEpoch || st["epoch"] == "" {
		t.Fatalf("the restored database is in epoch %v, the live one was %s", st["epoch"], liveEpoch)
	}
	code, body := c.do("GET", "/api/events?after="+cursor, nil)
	if e, _ := body["error"].(map[string]any); code != 409 || e["code"] != "RESYNC_REQUIRED" {
		t.Fatalf("old cursor on the restored database = %d %v, want 409 RESYNC_REQUIRED", code, body)
	}
	// An old client without the epoch is past the restored head: resync too.
	if num(st, "seq") < head {
		if code, _ := c.do("GET", fmt.Sprintf("/api/events?after=%d", head), nil); code != 409 {
			t.Errorf("bare cursor beyond the restored head = %d, want 409", code)
		}
	}
	// A socket resuming with the live database's offset.
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	s, _, err := rawsocket.Dial(sctx, base, rawsocket.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Connect(sctx, map[string]string{"token": a.admin.token, "pid": "restored-pid", "offset": realtime.FormatOffset(liveEpoch, head, 1)}); err != nil {
		t.Fatal(err)
	}
	ev, err := s.NextEvent(sctx, realtime.EventError)
	if err != nil {
		t.Fatalf("no error event on the restored database: %v", err)
	}
	var e realtime.ErrorPayload
	if err := ev.Arg(0, &e); err != nil || e.Code != realtime.CodeResyncRequired {
		t.Fatalf("error event %s, want RESYNC_REQUIRED", ev.Args)
	}
}
