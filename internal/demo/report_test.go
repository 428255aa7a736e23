package demo_test

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/livedesk/livedesk/internal/domain"
)

// TestDemoStatementsReport runs the statements report of the demo
// business's previous month: its progress events come in order and end at
// the total, and the ZIP holds one PDF per customer, each naming its
// customer and closing balance, with a summary whose closing balances are
// the statement API's.
func TestDemoStatementsReport(t *testing.T) {
	t.Parallel()
	eachSeededDemo(t, func(t *testing.T, d seededDemo) {
		svcs, ctx, actx, customers := d.svcs, d.ctx, d.actx, d.customers
		r, err := svcs.Reports.CreateReport(actx, domain.ReportCreate{Kind: domain.ReportStatements, Params: domain.ReportParams{Month: "2026-11"}})
		if err != nil {
			t.Fatal(err)
		}
		claimed, err := svcs.ClaimReport(ctx, "test")
		if err != nil || claimed == nil {
			t.Fatalf("claim: %v %v", claimed, err)
		}
		if err := svcs.RunReport(ctx, claimed, "test"); err != nil {
			t.Fatal(err)
		}

		// Progress: in seq order, done never going back, the last at the total, then ready.
		var evs []*domain.Event
		for after := int64(0); ; {
			page, err := svcs.Events.EventsAfter(actx, after, 1000)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			evs, after = append(evs, page...), page[len(page)-1].Seq
		}
		var seq int64
		done, progress := -1, 0
		var actions []string
		for _, e := range evs {
			if e.Entity != domain.EntityReport || e.EntityID != r.ID {
				continue
			}
			actions = append(actions, e.Action)
			if e.Seq <= seq {
				t.Fatalf("report events out of order: %d after %d", e.Seq, seq)
			}
			seq = e.Seq
			if e.Action != domain.ActionReportProgress {
				continue
			}
			var p struct{ Progress domain.ReportProgress }
			if err := json.Unmarshal(e.Payload, &p); err != nil {
				t.Fatal(err)
			}
			if p.Progress.Done < done || p.Progress.Total != len(customers) {
				t.Fatalf("progress %+v after done=%d (customers %d)", p.Progress, done, len(customers))
			}
			done = p.Progress.Done
			progress++
		}
		if done != len(customers) || progress < 2 {
			t.Fatalf("progress ended at %d of %d after %d events", done, len(customers), progress)
		}
		if first, last := actions[0], actions[len(actions)-1]; first != domain.ActionReportQueued || last != domain.ActionReportReady {
			t.Fatalf("report events %v", actions)
		}

		rep, f, err := svcs.Reports.OpenReportFile(actx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		if rep.FileName != "statements-2026-11.zip" || rep.Bytes != int64(len(b)) {
			t.Fatalf("report %+v, %d bytes", rep, len(b))
		}
		files := map[string][]byte{}
		pdfs := 0
		for _, zf := range zr.File {
			rc, _ := zf.Open()
			files[zf.Name], _ = io.ReadAll(rc)
			rc.Close()
			if strings.HasSuffix(zf.Name, ".pdf") {
				pdfs++
			}
		}
		if pdfs != len(customers) {
			t.Fatalf("%d PDFs for %d customers", pdfs, len(customers))
		}
		rows, err := csv.NewReader(bytes.NewReader(files["summary.csv"])).ReadAll()
		if err != nil || len(rows) != len(customers)+1 {
			t.Fatalf("summary: %d rows, %v", len(rows), err)
		}
		for _, row := range rows[1:] {
			id, _ := strconv.ParseInt(row[0], 10, 64)
			st, err := svcs.Statements.CustomerStatement(actx, id, "2026-11")
			if err != nil {
				t.Fatal(err)
			}
			if got := cents(t, row[8]); got != st.ClosingBalanceCents {
				t.Errorf("customer %d: summary closes at %d, the statement API at %d", id, got, st.ClosingBalanceCents)
			}
			pdf := files[row[10]]
			if !bytes.HasPrefix(pdf, []byte("%PDF-")) || pages(pdf) < 1 {
				t.Fatalf("customer %d: %s is not a PDF of at least one page", id, row[10])
			}
			text := pdfText(t, pdf)
			for _, want := range []string{st.CustomerName, "Opening balance", "Closing balance", "Amount due: " + rupees(max(st.ClosingBalanceCents, 0))} {
				if !strings.Contains(text, want) {
					t.Errorf("customer %d: the PDF does not say %q", id, want)
				}
			}
			// Days read "1 Nov 2026", never "2026-11-01".
			if want := domain.FormatDay(st.From) + " to " + domain.FormatDay(st.To); !strings.Contains(text, want) || strings.Contains(text, st.From) {
				t.Errorf("customer %d: the PDF does not name the period as %q", id, want)
			}
		}
	})
}

// cents parses "-12.50" into -1250.
func cents(t *testing.T, s string) int64 {
	t.Helper()
	neg := strings.HasPrefix(s, "-")
	whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || len(frac) != 2 {
		t.Fatalf("bad amount %q", s)
	}
	if neg {
		return -(w*100 + f)
	}
	return w*100 + f
}

// rupees writes cents as the documents do, with Indian digit grouping.
func rupees(c int64) string {
	s := strconv.FormatInt(c/100, 10)
	if len(s) > 3 {
		head, tail := s[:len(s)-3], s[len(s)-3:]
		var parts []string
		for len(head) > 2 {
			parts = append([]string{head[len(head)-2:]}, parts...)
			head = head[:len(head)-2]
		}
		s = strings.Join(append(append([]string{head}, parts...), tail), ",")
	}
	return fmt.Sprintf("Rs. %s.%02d", s, c%100)
}

var (
	streamRe = regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`)
	textRe   = regexp.MustCompile(`\((.*?)\)\s*Tj`)
	pageRe   = regexp.MustCompile(`/Type\s*/Page\b`)
)

// pages counts a PDF's page objects.
func pages(pdf []byte) int { return len(pageRe.FindAll(pdf, -1)) }

// pdfText returns the strings the PDF's content streams show.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	var out strings.Builder
	for _, m := range streamRe.FindAllSubmatch(pdf, -1) {
		zr, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue // not compressed content (fonts, images)
		}
		b, _ := io.ReadAll(zr)
		for _, tm := range textRe.FindAllSubmatch(b, -1) {
			// The core fonts' code page (cp1252) is Latin-1 for letters.
			latin := make([]rune, len(tm[1]))
			for i, c := range tm[1] {
				latin[i] = rune(c)
			}
			out.WriteString(strings.NewReplacer(`\(`, "(", `\)`, ")", `\\`, `\`).Replace(string(latin)))
			out.WriteString("\n")
		}
	}
	return out.String()
}
