package realtime

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/rawsocket"
)

// TestReportEventsLive: a vendor's report sends report:progress (done
// never going back, no activity:updated of its own) and then report:ready
// to admins and that vendor (two customers: custA and custA2), and
// nothing about it to another vendor.
func TestReportEventsLive(t *testing.T) {
	t.Parallel()
	eachLiveHub(t, Options{}, func(t *testing.T, l *liveHub) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		svc := l.fx.Svc
		admin := l.mustDial(t, "admin")
		vendorA := l.mustDial(t, "vendorA")
		vendorB := l.mustDial(t, "vendorB")
		r, err := svc.Reports.CreateReport(l.fx.ACtx, domain.ReportCreate{Kind: domain.ReportStatements, Params: domain.ReportParams{Month: "2026-11"}})
		if err != nil {
			t.Fatal(err)
		}
		claimed, err := svc.ClaimReport(ctx, "test")
		if err != nil || claimed == nil {
			t.Fatalf("claim: %v %v", claimed, err)
		}
		if err := svc.RunReport(ctx, claimed, "test"); err != nil {
			t.Fatal(err)
		}
		for who, c := range map[string]*rawsocket.Client{"admin": admin, "vendorA": vendorA} {
			done, progress := -1, 0
			for {
				p, err := c.Next(ctx)
				if err != nil {
					t.Fatalf("%s waiting for report:ready: %v", who, err)
				}
				if p.Event == EventReportProgress {
					var pr ReportProgressPayload
					if err := p.Arg(0, &pr); err != nil || pr.ID != r.ID || pr.Done < done || pr.Total != 2 {
						t.Fatalf("%s: report:progress %s after done=%d", who, p.Args, done)
					}
					done, progress = pr.Done, progress+1
				}
				if p.Event == EventActivity && strings.Contains(string(p.Args), `"report.progress"`) {
					t.Fatalf("%s: report progress in the activity feed: %s", who, p.Args)
				}
				if p.Event == EventReportReady {
					var rd ReportReadyPayload
					if err := p.Arg(0, &rd); err != nil || rd.ID != r.ID || rd.Bytes == 0 || rd.URL != fmt.Sprintf("/api/reports/%d/file", r.ID) {
						t.Fatalf("%s: report:ready %s", who, p.Args)
					}
					break
				}
			}
			if done != 2 || progress < 2 {
				t.Fatalf("%s: %d progress events ending at %d", who, progress, done)
			}
		}
		// Vendor B: nothing of it, up to its own change.
		st := domain.DeliveryOutForDelivery
		if _, err := svc.Deliveries.UpdateDelivery(l.fx.BCtx, l.delB, domain.DeliveryUpdate{Status: &st}); err != nil {
			t.Fatal(err)
		}
		nothingAboutUntil(t, ctx, vendorB, "report")
	})
}
