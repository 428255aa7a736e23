package service

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

// PruneReports removes the finished reports older than the retention with
// their files, and files in the reports directory that no report names
// (left by a crash) once they are an hour old. It returns how many reports
// it removed.
func (s *Services) PruneReports(ctx context.Context) (int, error) {
	return s.svc.pruneReports(ctx)
}

func (s *service) pruneReports(ctx context.Context) (int, error) {
	ctx = domain.WithActor(ctx, domain.SystemActor())
	cutoff := micros(s.now().Add(-s.reportRetention()))
	live := map[string]bool{} // files of reports that stay
	var n int64
	err := s.db.WithTx(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT file_path FROM reports WHERE file_path IS NOT NULL AND NOT (status IN ('ready', 'failed', 'cancelled') AND finished_at < ?)`, cutoff)
		if err != nil {
			return fmt.Errorf("failed to list report files: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var f string
			if err := rows.Scan(&f); err != nil {
				return fmt.Errorf("failed to scan report file: %w", err)
			}
			live[f] = true
		}
		if err := rows.Err(); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `DELETE FROM reports WHERE status IN ('ready', 'failed', 'cancelled') AND finished_at < ?`, cutoff)
		if err != nil {
			return fmt.Errorf("failed to prune reports: %w", err)
		}
		n, _ = res.RowsAffected()
		return nil
	})
	if err != nil {
		return 0, err
	}
	entries, err := os.ReadDir(s.reportsDir())
	if err != nil {
		return int(n), nil // no directory yet: nothing was written
	}
	// A file no report names is the pruned reports', or a crashed run's:
	// an hour's grace keeps the files of jobs being written (a .tmp) or
	// just committed on another instance sharing the directory.
	old := time.Now().Add(-time.Hour)
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasPrefix(name, "report-") || live[name] {
			continue
		}
		if info, err := e.Info(); err == nil && info.ModTime().Before(old) {
			_ = os.Remove(filepath.Join(s.reportsDir(), name))
		}
	}
	return int(n), nil
}
