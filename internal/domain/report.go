package domain

import (
	"context"
	"io"
	"time"
)

// ReportKind names what a report contains (issue 18). The kinds are the
// public interface.
type ReportKind string

const (
	// ReportStatements is every customer's statement for a month: a ZIP of
	// one PDF per customer and a CSV summary.
	ReportStatements ReportKind = "statements"
	// ReportDuesAgeing is the customers' balances by the age of their
	// oldest unpaid charge (0–30, 31–60, 61–90, 90+ days): CSV and PDF.
	ReportDuesAgeing ReportKind = "dues-ageing"
	// ReportVendorSettlement is each vendor's month: deliveries, revenue,
	// collections and reversals: CSV and PDF.
	ReportVendorSettlement ReportKind = "vendor-settlement"
)

// Valid reports whether k is a known kind.
func (k ReportKind) Valid() bool {
	return k == ReportStatements || k == ReportDuesAgeing || k == ReportVendorSettlement
}

// ReportStatus is where a report job is: queued → running → ready, failed
// or cancelled. A running job interrupted by a shutdown goes back to
// queued and runs again from the start.
type ReportStatus string

const (
	ReportQueued    ReportStatus = "queued"
	ReportRunning   ReportStatus = "running"
	ReportReady     ReportStatus = "ready"
	ReportFailed    ReportStatus = "failed"
	ReportCancelled ReportStatus = "cancelled"
)

// Finished reports whether the job will not run again.
func (s ReportStatus) Finished() bool {
	return s == ReportReady || s == ReportFailed || s == ReportCancelled
}

// ReportParams are what a report is about. Month (YYYY-MM) is required by
// statements and vendor-settlement; AsOf (YYYY-MM-DD, default today) is the
// day dues-ageing counts ages to. VendorID limits the report to one
// vendor's customers (0: the whole business; a vendor's own reports are
// always limited to itself).
type ReportParams struct {
	Month    string `json:"month,omitempty"`
	AsOf     string `json:"asOf,omitempty"`
	VendorID int64  `json:"vendorId,omitempty"`
}

// ReportCreate is the input of CreateReport (POST /api/reports).
type ReportCreate struct {
	Kind   ReportKind   `json:"kind"`
	Params ReportParams `json:"params"`
}

// Report is one report job. Done and Total are its progress (items:
// customers or vendors). FileName and Bytes are set once it is ready; URL
// is where to download it. ExpiresAt is when a finished report and its
// file are pruned.
type Report struct {
	ID              int64        `json:"id"`
	Kind            ReportKind   `json:"kind"`
	Params          ReportParams `json:"params"`
	VendorID        int64        `json:"vendorId"`
	Status          ReportStatus `json:"status"`
	Done            int          `json:"done"`
	Total           int          `json:"total"`
	RequestedBy     int64        `json:"requestedBy"`
	RequestedByName string       `json:"requestedByName"`
	FileName        string       `json:"fileName,omitempty"`
	Bytes           int64        `json:"bytes"`
	URL             string       `json:"url,omitempty"`
	Error           string       `json:"error,omitempty"`
	Attempts        int          `json:"attempts"`
	CreatedAt       time.Time    `json:"createdAt"`
	StartedAt       *time.Time   `json:"startedAt,omitempty"`
	FinishedAt      *time.Time   `json:"finishedAt,omitempty"`
	ExpiresAt       *time.Time   `json:"expiresAt,omitempty"`
}

// ReportDeleted is the answer of DeleteReport: a queued or running report
// is cancelled, a finished one removed with its file.
type ReportDeleted struct {
	ID     int64  `json:"id"`
	Result string `json:"result"` // "cancelled" | "removed"
}

// ReportProgress is the payload of a report.progress event.
type ReportProgress struct {
	ID         int64 `json:"id"`
	Done       int   `json:"done"`
	Total      int   `json:"total"`
	EtaSeconds *int  `json:"etaSeconds"` // null while unknown (nothing done yet)
}

// ReportService starts, lists and cancels report jobs and serves their
// files. Admins see every report; a vendor only those of its own scope;
// staff none.
type ReportService interface {
	CreateReport(ctx context.Context, in ReportCreate) (*Report, error)
	FindReports(ctx context.Context, limit int) ([]*Report, error)
	FindReport(ctx context.Context, id int64) (*Report, error)
	// DeleteReport cancels a queued or running report, or removes a
	// finished one and its file.
	DeleteReport(ctx context.Context, id int64) (*ReportDeleted, error)
	// OpenReportFile opens a ready report's file. The caller closes it.
	OpenReportFile(ctx context.Context, id int64) (*Report, ReportFile, error)
}

// ReportFile is an open report file.
type ReportFile interface {
	io.ReadSeekCloser
}

// Report events in the log (entity EntityReport, VendorID the report's
// scope: admins, and that vendor). Payload {"report": Report}, except
// report.progress: {"progress": ReportProgress}.
const (
	EntityReport = "report"

	ActionReportQueued    = "report.queued"
	ActionReportProgress  = "report.progress" // throttled; not in the activity feed
	ActionReportReady     = "report.ready"
	ActionReportFailed    = "report.failed"
	ActionReportCancelled = "report.cancelled"
	// ActionReportRequeued: a shutdown interrupted the job; it runs again.
	ActionReportRequeued = "report.requeued"
	ActionReportRemoved  = "report.removed"
)
