package service

// The report runner. Every instance runs one (RunReports); each takes one
// job at a time. A job is claimed with a conditional UPDATE (queued, or
// running with an expired lease) that exactly one runner can win: on
// PostgreSQL the losers' UPDATE re-reads the row after the winner's commit
// and matches nothing; on SQLite the single writer serialises them. The
// winner renews its lease (heartbeat) while it works, and every write it
// makes afterwards is conditional on still holding the claim, so a job
// cancelled meanwhile (DELETE) or taken over after a stall stops at once
// and writes nothing more.
//
// A shutdown puts the job back to queued (it runs again from the start on
// the next instance to look); an instance that died leaves its lease to
// expire, after which any runner takes the job again. A job started
// reportMaxAttempts times is marked failed: it is never silently lost.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

// reportProgressGap is the least time between two report.progress events
// of a job (the first and the last are always sent): at most four a second.
const reportProgressGap = 250 * time.Millisecond

// errReportLost: the job is no longer this runner's (cancelled, or taken
// over after its lease expired).
var errReportLost = errors.New("the report job is no longer held by this runner")

// ReportRunnerOptions configure RunReports.
type ReportRunnerOptions struct {
	// Instance names this runner in claims (a random suffix is added, so
	// that a restarted instance never mistakes its predecessor's claim for
	// its own).
	Instance string
	// Poll is how often the runner looks for work without a wake-up
	// (default 2s).
	Poll time.Duration
	// Wake, when set, wakes the runner (after commits: a report queued).
	Wake   <-chan struct{}
	Logger *slog.Logger
}

// NewReportRunnerID returns a claim name for a runner of instance.
func NewReportRunnerID(instance string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return instance + "-" + hex.EncodeToString(b)
}

// RunReports claims and runs report jobs until ctx ends, and prunes
// expired reports every hour. A job running when ctx ends is put back to
// queued.
func (s *Services) RunReports(ctx context.Context, o ReportRunnerOptions) {
	if o.Poll <= 0 {
		o.Poll = 2 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	runner := NewReportRunnerID(o.Instance)
	t := time.NewTicker(o.Poll)
	defer t.Stop()
	nextPrune := time.Time{}
	for ctx.Err() == nil {
		if now := time.Now(); now.After(nextPrune) {
			nextPrune = now.Add(time.Hour)
			if n, err := s.PruneReports(ctx); err != nil && ctx.Err() == nil {
				o.Logger.Warn("reports: pruning failed", "err", err)
			} else if n > 0 {
				o.Logger.Info("reports: pruned expired reports", "count", n)
			}
		}
		for ctx.Err() == nil {
			r, err := s.ClaimReport(ctx, runner)
			if err != nil {
				if ctx.Err() == nil {
					o.Logger.Warn("reports: claim failed", "err", err)
				}
				break
			}
			if r == nil {
				break
			}
			o.Logger.Info("reports: running", "report", r.ID, "kind", r.Kind, "attempt", r.Attempts)
			if err := s.RunReport(ctx, r, runner); err != nil {
				o.Logger.Warn("reports: job ended", "report", r.ID, "err", err)
			}
		}
		select {
		case <-ctx.Done():
		case <-t.C:
		case <-o.Wake:
		}
	}
}

// ClaimReport claims the oldest job that is queued or whose lease has
// expired for runner, and returns it (nil when there is none). A job
// claimed more than reportMaxAttempts times is marked failed instead.
func (s *Services) ClaimReport(ctx context.Context, runner string) (*domain.Report, error) {
	return s.svc.claimReport(ctx, runner)
}

func (s *service) claimReport(ctx context.Context, runner string) (*domain.Report, error) {
	sys := domain.WithActor(ctx, domain.SystemActor())
	now := micros(s.now())
	const claimable = `(status = 'queued' OR (status = 'running' AND lease_until < ?))`
	// A read first: polling an idle table must not take the write lock.
	var id int64
	err := s.read(sys, func(tx *store.Tx) error {
		return tx.QueryRow(sys, `SELECT COALESCE(MIN(id), 0) FROM reports WHERE `+claimable, now).Scan(&id)
	})
	if err != nil || id == 0 {
		return nil, err
	}
	var out *domain.Report
	err = s.write(sys, func(tx *store.Tx) error {
		at := s.stamp(tx)
		res, err := tx.Exec(sys, `UPDATE reports SET status = 'running', claimed_by = ?, lease_until = ?, heartbeat_at = ?,
			started_at = ?, attempts = attempts + 1, done = 0, updated_at = ? WHERE id = ? AND `+claimable,
			runner, micros(at.Add(s.reportLease())), micros(at), micros(at), micros(at), id, micros(at))
		if err != nil {
			return fmt.Errorf("failed to claim report %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // another runner won it
		}
		r, err := s.reportByID(sys, tx, domain.SystemActor(), id)
		if err != nil {
			return err
		}
		if r.Attempts > reportMaxAttempts {
			msg := fmt.Sprintf("interrupted %d times (its server stopped or restarted while it ran); request it again", r.Attempts-1)
			return s.failReport(sys, tx, r, runner, msg)
		}
		out = r
		return nil
	})
	return out, err
}

// RunReport runs a job claimed by runner to its end: ready, failed, lost
// (cancelled or taken over: nothing more is written), or, when ctx ends
// first, back to queued.
func (s *Services) RunReport(ctx context.Context, r *domain.Report, runner string) error {
	return s.svc.runReport(ctx, r, runner)
}

func (s *service) runReport(ctx context.Context, r *domain.Report, runner string) error {
	job, cancel := context.WithCancelCause(domain.WithActor(ctx, domain.SystemActor()))
	defer cancel(nil)
	hb := make(chan struct{})
	go func() {
		defer close(hb)
		s.heartbeat(job, cancel, r.ID, runner)
	}()
	dir := s.reportsDir()
	if err := os.MkdirAll(dir, 0o750); err != nil {
		cancel(nil)
		<-hb
		return s.endReport(r, runner, fmt.Errorf("failed to create the reports directory: %w", err))
	}
	tmp, err := os.CreateTemp(dir, fmt.Sprintf("report-%d-*.tmp", r.ID))
	if err != nil {
		cancel(nil)
		<-hb
		return s.endReport(r, runner, fmt.Errorf("failed to create the report file: %w", err))
	}
	p := &reportProgress{s: s, r: r, runner: runner, started: time.Now()}
	name, err := s.buildReport(job, r, p, tmp)
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("failed to write the report file: %w", cerr)
	}
	cause := context.Cause(job)
	cancel(nil)
	<-hb
	switch {
	case errors.Is(cause, errReportLost) || errors.Is(err, errReportLost):
		_ = os.Remove(tmp.Name())
		return errReportLost
	case ctx.Err() != nil:
		_ = os.Remove(tmp.Name())
		return s.requeueReport(r, runner)
	case err != nil:
		_ = os.Remove(tmp.Name())
		return s.endReport(r, runner, err)
	}
	return s.finishReport(r, runner, tmp.Name(), name)
}

// heartbeat renews the job's lease every third of it until job ends, and
// cancels job with errReportLost once the claim is gone.
func (s *service) heartbeat(job context.Context, cancel context.CancelCauseFunc, id int64, runner string) {
	t := time.NewTicker(s.reportLease() / 3)
	defer t.Stop()
	for {
		select {
		case <-job.Done():
			return
		case <-t.C:
		}
		held := true
		err := s.db.WithTx(job, func(tx *store.Tx) error {
			now := s.now()
			res, err := tx.Exec(job, `UPDATE reports SET lease_until = ?, heartbeat_at = ? WHERE id = ? AND status = 'running' AND claimed_by = ?`,
				micros(now.Add(s.reportLease())), micros(now), id, runner)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			held = n > 0
			return nil
		})
		if err == nil && !held {
			cancel(errReportLost)
			return
		}
	}
}

// held is the condition of every write of a runner: the job is still its.
const held = ` WHERE id = ? AND status = 'running' AND claimed_by = ?`

// finishReport marks the job ready with its file, moved to its final name.
func (s *service) finishReport(r *domain.Report, runner, tmp, name string) error {
	ctx, cancel := context.WithTimeout(domain.WithActor(context.Background(), domain.SystemActor()), 30*time.Second)
	defer cancel()
	st, err := os.Stat(tmp)
	if err != nil {
		return s.endReport(r, runner, fmt.Errorf("failed to read the report file: %w", err))
	}
	file := strings.TrimSuffix(filepath.Base(tmp), ".tmp") + ".zip"
	if err := os.Rename(tmp, filepath.Join(s.reportsDir(), file)); err != nil {
		_ = os.Remove(tmp)
		return s.endReport(r, runner, fmt.Errorf("failed to store the report file: %w", err))
	}
	lost := false
	err = s.write(ctx, func(tx *store.Tx) error {
		at := s.stamp(tx)
		res, err := tx.Exec(ctx, `UPDATE reports SET status = 'ready', done = total, file_path = ?, file_name = ?, bytes = ?, finished_at = ?,
			updated_at = ?, claimed_by = NULL, lease_until = NULL`+held, file, name, st.Size(), micros(at), micros(at), r.ID, runner)
		if err != nil {
			return fmt.Errorf("failed to mark report %d ready: %w", r.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			lost = true
			return nil
		}
		out, err := s.reportByID(ctx, tx, domain.SystemActor(), r.ID)
		if err != nil {
			return err
		}
		return appendReportEvent(ctx, tx, domain.SystemActor(), at, domain.ActionReportReady, out,
			fmt.Sprintf("Report #%d (%s, requested by %s) is ready", r.ID, r.Kind, r.RequestedByName))
	})
	if err != nil || lost {
		_ = os.Remove(filepath.Join(s.reportsDir(), file))
	}
	if lost {
		return errReportLost
	}
	return err
}

// endReport marks the job failed with cause (when the runner still holds it).
func (s *service) endReport(r *domain.Report, runner string, cause error) error {
	ctx, cancel := context.WithTimeout(domain.WithActor(context.Background(), domain.SystemActor()), 30*time.Second)
	defer cancel()
	msg := cause.Error()
	var de *domain.Error
	if errors.As(cause, &de) {
		msg = de.Message
	}
	if len(msg) > 500 {
		msg = msg[:500]
	}
	if err := s.write(ctx, func(tx *store.Tx) error { return s.failReport(ctx, tx, r, runner, msg) }); err != nil {
		return err
	}
	return cause
}

func (s *service) failReport(ctx context.Context, tx *store.Tx, r *domain.Report, runner, msg string) error {
	at := s.stamp(tx)
	res, err := tx.Exec(ctx, `UPDATE reports SET status = 'failed', error = ?, finished_at = ?, updated_at = ?,
		claimed_by = NULL, lease_until = NULL`+held, msg, micros(at), micros(at), r.ID, runner)
	if err != nil {
		return fmt.Errorf("failed to mark report %d failed: %w", r.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	out, err := s.reportByID(ctx, tx, domain.SystemActor(), r.ID)
	if err != nil {
		return err
	}
	return appendReportEvent(ctx, tx, domain.SystemActor(), at, domain.ActionReportFailed, out,
		fmt.Sprintf("Report #%d (%s) failed: %s", r.ID, r.Kind, msg))
}

// requeueReport puts a job interrupted by a shutdown back to queued.
func (s *service) requeueReport(r *domain.Report, runner string) error {
	ctx, cancel := context.WithTimeout(domain.WithActor(context.Background(), domain.SystemActor()), 5*time.Second)
	defer cancel()
	return s.write(ctx, func(tx *store.Tx) error {
		at := s.stamp(tx)
		res, err := tx.Exec(ctx, `UPDATE reports SET status = 'queued', done = 0, updated_at = ?, claimed_by = NULL, lease_until = NULL`+held,
			micros(at), r.ID, runner)
		if err != nil {
			return fmt.Errorf("failed to requeue report %d: %w", r.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		out, err := s.reportByID(ctx, tx, domain.SystemActor(), r.ID)
		if err != nil {
			return err
		}
		return appendReportEvent(ctx, tx, domain.SystemActor(), at, domain.ActionReportRequeued, out,
			fmt.Sprintf("Report #%d (%s) was interrupted by a restart; it will run again", r.ID, r.Kind))
	})
}

// reportProgress writes a job's progress, throttled, as report.progress
// events; each write also renews the lease and checks the claim.
type reportProgress struct {
	s       *service
	r       *domain.Report
	runner  string
	started time.Time
	last    time.Time
	sent    bool
}

// step records done of total items. It returns errReportLost when the job
// is no longer the runner's, or the context's error.
func (p *reportProgress) step(ctx context.Context, done, total int) error {
	if err := context.Cause(ctx); err != nil {
		return err
	}
	now := time.Now()
	if p.sent && done < total && now.Sub(p.last) < reportProgressGap {
		return nil
	}
	pr := domain.ReportProgress{ID: p.r.ID, Done: done, Total: total}
	if done > 0 {
		eta := 0
		if done < total {
			eta = int(math.Ceil(now.Sub(p.started).Seconds() / float64(done) * float64(total-done)))
		}
		pr.EtaSeconds = &eta
	}
	s := p.s
	lost := false
	err := s.write(ctx, func(tx *store.Tx) error {
		at := s.stamp(tx)
		res, err := tx.Exec(ctx, `UPDATE reports SET done = ?, total = ?, lease_until = ?, heartbeat_at = ?, updated_at = ?`+held,
			done, total, micros(at.Add(s.reportLease())), micros(at), micros(at), p.r.ID, p.runner)
		if err != nil {
			return fmt.Errorf("failed to record the progress of report %d: %w", p.r.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			lost = true
			return nil
		}
		return appendEvent(ctx, tx, domain.SystemActor(), at, domain.ActionReportProgress, domain.EntityReport, p.r.ID, p.r.VendorID,
			fmt.Sprintf("Report #%d: %d of %d", p.r.ID, done, total), map[string]any{"progress": pr})
	})
	if err != nil {
		return err
	}
	if lost {
		return errReportLost
	}
	p.last, p.sent = now, true
	return nil
}
