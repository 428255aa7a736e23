package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/demo"
)

// TestReportSurvivesSIGTERM starts a statements report of the demo
// business on the real binary and sends SIGTERM while it runs. The process
// exits 0 with the job put back to queued (never lost, never left
// "running"); a new server on the same database and reports directory
// resumes it from the start and it ends ready, with a ZIP holding one PDF
// per customer.
func TestReportSurvivesSIGTERM(t *testing.T) {
	t.Parallel()
	db := "sqlite:" + filepath.Join(t.TempDir(), "livedesk.db")
	reports := t.TempDir()
	if out, err := runCmd(t, "seed", "--db", db, "--customers", "300", "--days", "3"); err != nil {
		t.Fatalf("seed: %v\n%s", err, out)
	}
	cmd, base, stderr := serveProcess(t, "--db", db, "--reports-dir", reports)
	c := &client{t: t, base: base}
	c.token, _ = c.must(200, "POST", "/api/auth/login", map[string]any{"email": demo.AdminEmail, "password": demo.Password})["token"].(string)
	customers := num(c.must(200, "GET", "/api/customers?limit=1", nil), "total")
	month := time.Now().UTC().Format("2006-01")
	id := num(c.must(202, "POST", "/api/reports", map[string]any{"kind": "statements", "params": map[string]any{"month": month}},
		"Idempotency-Key", `"sigterm-report"`), "id")
	path := fmt.Sprintf("/api/reports/%d", id)

	// SIGTERM in the middle of the job.
	deadline := time.Now().Add(30 * time.Second)
	for {
		r := c.must(200, "GET", path, nil)
		if r["status"] == "running" && num(r, "done") > 0 && num(r, "done") < num(r, "total")/2 {
			break
		}
		if r["status"] != "queued" && r["status"] != "running" || time.Now().After(deadline) {
			t.Fatalf("never caught the job running: %v", r)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, stderr)
	}

	base2 := startServer(t, "--db", db, "--reports-dir", reports)
	c2 := &client{t: t, base: base2, token: c.token}
	// Right after the restart the job is queued or already running again;
	// never failed, never stuck "running" under the dead process's claim.
	deadline = time.Now().Add(60 * time.Second)
	var r map[string]any
	for {
		r = c2.must(200, "GET", path, nil)
		if r["status"] == "ready" {
			break
		}
		if r["status"] == "failed" || r["status"] == "cancelled" || time.Now().After(deadline) {
			t.Fatalf("after the restart: %v", r)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if num(r, "attempts") != 2 || num(r, "done") != customers || num(r, "total") != customers {
		t.Fatalf("resumed report %v, want attempt 2 of %d customers", r, customers)
	}
	evs := c2.must(200, "GET", "/api/activity?limit=200", nil)
	requeued := false
	for _, it := range evs["items"].([]any) {
		if e := it.(map[string]any); e["action"] == "report.requeued" && num(e, "entityId") == id {
			requeued = true
		}
	}
	if !requeued {
		t.Error("no report.requeued in the activity feed")
	}
	req, _ := http.NewRequest("GET", base2+path+"/file", nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if resp.StatusCode != 200 || err != nil {
		t.Fatalf("download: %d %v", resp.StatusCode, err)
	}
	if int64(len(zr.File)) != customers+1 {
		t.Fatalf("%d files in the ZIP, want %d PDFs and the summary", len(zr.File), customers)
	}
}
