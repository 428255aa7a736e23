package service

// Reports (issue 18) are background jobs kept as rows of the reports table:
// this file requests, lists, cancels and removes them and opens their
// files; reportrunner.go claims and runs them; reportkinds.go builds each
// kind's content and reportfiles.go renders it (PDF, CSV, ZIP).
//
// Who sees what: admins every report; a vendor the reports of its own
// scope (vendor_id, set to the vendor itself whatever it asked); staff
// none. Every change appends an event (entity "report", VendorID the
// report's scope), so the dashboards of the report's audience follow it
// live, on every instance, and catch up after a reconnection.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

var _ domain.ReportService = (*service)(nil)

// Report defaults; Options may override the directory, retention and lease.
const (
	// DefaultReportRetention is how long a finished report and its file are
	// kept before the pruner removes them.
	DefaultReportRetention = 7 * 24 * time.Hour
	// DefaultReportLease is how long a claim lasts without a heartbeat: a
	// job whose runner died is taken again once its lease has expired.
	DefaultReportLease = 30 * time.Second
	// reportMaxAttempts is how often a job is started before it is marked
	// failed: a job that kills its instance must not kill every instance.
	reportMaxAttempts = 3
)

func (s *service) reportRetention() time.Duration {
	if s.opts.ReportRetention > 0 {
		return s.opts.ReportRetention
	}
	return DefaultReportRetention
}

func (s *service) reportLease() time.Duration {
	if s.opts.ReportLease > 0 {
		return s.opts.ReportLease
	}
	return DefaultReportLease
}

// reportsDir is where report files are written (Options.ReportsDir, else
// livedesk-reports in the system's temporary directory).
func (s *service) reportsDir() string {
	if s.opts.ReportsDir != "" {
		return s.opts.ReportsDir
	}
	return filepath.Join(os.TempDir(), "livedesk-reports")
}

const reportColumns = `id, kind, params, vendor_id, status, done, total, requested_by, requested_by_name,
	file_name, bytes, error, attempts, created_at, started_at, finished_at`

func (s *service) scanReport(sc scanner) (*domain.Report, error) {
	var r domain.Report
	var params string
	var fileName sql.NullString
	var created int64
	var started, finished sql.NullInt64
	if err := sc.Scan(&r.ID, &r.Kind, &params, &r.VendorID, &r.Status, &r.Done, &r.Total, &r.RequestedBy, &r.RequestedByName,
		&fileName, &r.Bytes, &r.Error, &r.Attempts, &created, &started, &finished); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(params), &r.Params); err != nil {
		return nil, fmt.Errorf("failed to decode the params of report %d: %w", r.ID, err)
	}
	r.FileName = fileName.String
	r.CreatedAt = fromMicros(created)
	if started.Valid {
		t := fromMicros(started.Int64)
		r.StartedAt = &t
	}
	if finished.Valid {
		t := fromMicros(finished.Int64)
		r.FinishedAt = &t
		exp := t.Add(s.reportRetention())
		r.ExpiresAt = &exp
	}
	if r.Status == domain.ReportReady {
		r.URL = reportURL(r.ID)
	}
	return &r, nil
}

func reportURL(id int64) string { return fmt.Sprintf("/api/reports/%d/file", id) }

// reportByID reads a report the actor may see (NOT_FOUND otherwise: a
// vendor learns nothing of other vendors' reports).
func (s *service) reportByID(ctx context.Context, tx *store.Tx, a *domain.Actor, id int64) (*domain.Report, error) {
	r, err := s.scanReport(tx.QueryRow(ctx, `SELECT `+reportColumns+` FROM reports WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("report")
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read report %d: %w", id, err)
	}
	if v := vendorScope(a); v != 0 && r.VendorID != v {
		return nil, notFound("report")
	}
	return r, nil
}

// CreateReport queues a report; a runner picks it up (see RunReports).
func (s *service) CreateReport(ctx context.Context, in domain.ReportCreate) (*domain.Report, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !in.Kind.Valid() {
		return nil, domain.Invalid("kind", "kind must be statements, dues-ageing or vendor-settlement")
	}
	p := in.Params
	switch in.Kind {
	case domain.ReportStatements, domain.ReportVendorSettlement:
		if _, err := time.Parse("2006-01", p.Month); err != nil || len(p.Month) != 7 {
			return nil, domain.Invalid("params.month", "params.month must be YYYY-MM")
		}
		p.AsOf = ""
	case domain.ReportDuesAgeing:
		if p.AsOf != "" {
			if _, err := time.Parse(dateLayout, p.AsOf); err != nil {
				return nil, domain.Invalid("params.asOf", "params.asOf must be YYYY-MM-DD")
			}
		}
		p.Month = ""
	}
	if p.VendorID < 0 {
		return nil, domain.Invalid("params.vendorId", "params.vendorId must be a vendor's id")
	}
	if !a.IsAdmin() {
		if p.VendorID != 0 && p.VendorID != a.UserID {
			return nil, &domain.Error{Code: domain.CodeForbidden, Field: "params.vendorId", Message: "a vendor can only report on its own customers"}
		}
		p.VendorID = a.UserID
	}
	if in.Kind == domain.ReportDuesAgeing && p.AsOf == "" {
		p.AsOf = s.day(s.now())
	}
	in.Params = p
	var out *domain.Report
	err = s.writeOnce(ctx, "report.create", in, &out, func(tx *store.Tx) error {
		if p.VendorID != 0 {
			u, err := findUser(ctx, tx, p.VendorID)
			if err != nil || u.Role != domain.RoleVendor {
				return domain.Invalid("params.vendorId", "params.vendorId must be a vendor's id")
			}
		}
		b, err := json.Marshal(p)
		if err != nil {
			return fmt.Errorf("failed to encode report params: %w", err)
		}
		at := s.stamp(tx)
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO reports (kind, params, vendor_id, status, requested_by, requested_by_name, created_at, updated_at)
			VALUES (?, ?, ?, 'queued', ?, ?, ?, ?) RETURNING id`, string(in.Kind), string(b), p.VendorID, a.UserID, a.Name, micros(at), micros(at)).Scan(&id); err != nil {
			return fmt.Errorf("failed to queue the report: %w", err)
		}
		if out, err = s.reportByID(ctx, tx, a, id); err != nil {
			return err
		}
		return appendReportEvent(ctx, tx, a, at, domain.ActionReportQueued, out, fmt.Sprintf("%s requested a %s report", a.Name, out.Kind))
	})
	return out, err
}

// FindReports lists the reports the actor may see, newest first.
func (s *service) FindReports(ctx context.Context, limit int) ([]*domain.Report, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 200 {
		limit = 100
	}
	q := `SELECT ` + reportColumns + ` FROM reports`
	var args []any
	if v := vendorScope(a); v != 0 {
		q += ` WHERE vendor_id = ?`
		args = append(args, v)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit)
	out := []*domain.Report{}
	err = s.read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("failed to query reports: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			r, err := s.scanReport(rows)
			if err != nil {
				return fmt.Errorf("failed to scan report: %w", err)
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}

// FindReport returns one report the actor may see.
func (s *service) FindReport(ctx context.Context, id int64) (*domain.Report, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *domain.Report
	err = s.read(ctx, func(tx *store.Tx) (err error) {
		out, err = s.reportByID(ctx, tx, a, id)
		return err
	})
	return out, err
}

// DeleteReport cancels a queued or running report (its runner notices at
// its next progress step or heartbeat and stops), or removes a finished
// report and its file.
func (s *service) DeleteReport(ctx context.Context, id int64) (*domain.ReportDeleted, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *domain.ReportDeleted
	var file string
	err = s.writeOnce(ctx, "report.delete", id, &out, func(tx *store.Tx) error {
		r, err := s.reportByID(ctx, tx, a, id)
		if err != nil {
			return err
		}
		at := s.stamp(tx)
		if !r.Status.Finished() {
			if _, err := tx.Exec(ctx, `UPDATE reports SET status = 'cancelled', error = ?, finished_at = ?, updated_at = ?,
				claimed_by = NULL, lease_until = NULL WHERE id = ?`, "cancelled by "+a.Name, micros(at), micros(at), id); err != nil {
				return fmt.Errorf("failed to cancel report %d: %w", id, err)
			}
			if r, err = s.reportByID(ctx, tx, a, id); err != nil {
				return err
			}
			out = &domain.ReportDeleted{ID: id, Result: "cancelled"}
			return appendReportEvent(ctx, tx, a, at, domain.ActionReportCancelled, r, fmt.Sprintf("%s cancelled report #%d (%s)", a.Name, id, r.Kind))
		}
		if err := tx.QueryRow(ctx, `SELECT COALESCE(file_path, '') FROM reports WHERE id = ?`, id).Scan(&file); err != nil {
			return fmt.Errorf("failed to read report %d: %w", id, err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM reports WHERE id = ?`, id); err != nil {
			return fmt.Errorf("failed to remove report %d: %w", id, err)
		}
		out = &domain.ReportDeleted{ID: id, Result: "removed"}
		return appendReportEvent(ctx, tx, a, at, domain.ActionReportRemoved, r, fmt.Sprintf("%s removed report #%d (%s)", a.Name, id, r.Kind))
	})
	if err == nil && file != "" {
		// After the commit: a file without its row is swept by the pruner,
		// a row without its file would be a broken download.
		_ = os.Remove(filepath.Join(s.reportsDir(), file))
	}
	return out, err
}

// OpenReportFile opens the file of a ready report the actor may see.
func (s *service) OpenReportFile(ctx context.Context, id int64) (*domain.Report, domain.ReportFile, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, nil, err
	}
	var r *domain.Report
	var file string
	err = s.read(ctx, func(tx *store.Tx) error {
		if r, err = s.reportByID(ctx, tx, a, id); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT COALESCE(file_path, '') FROM reports WHERE id = ?`, id).Scan(&file)
	})
	if err != nil {
		return nil, nil, err
	}
	if r.Status != domain.ReportReady || file == "" {
		return nil, nil, domain.Errorf(domain.CodeConflict, "report %d is %s, not ready", id, r.Status)
	}
	f, err := os.Open(filepath.Join(s.reportsDir(), filepath.Base(file)))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, domain.Errorf(domain.CodeNotFound, "the file of report %d is not on this server (pruned, or written by another instance without a shared --reports-dir)", id)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("failed to open the file of report %d: %w", id, err)
	}
	return r, f, nil
}

// appendReportEvent appends a report event for the report's audience.
func appendReportEvent(ctx context.Context, tx *store.Tx, a *domain.Actor, at time.Time, action string, r *domain.Report, summary string) error {
	return appendEvent(ctx, tx, a, at, action, domain.EntityReport, r.ID, r.VendorID, summary, map[string]any{"report": r})
}
