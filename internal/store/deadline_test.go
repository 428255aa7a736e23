package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestDeadlineIsUnavailable checks that a transaction whose context
// expires (a socket command's timeout while the database is locked) is a
// retryable UNAVAILABLE, not an internal error; found by the hardening
// fault tests (cmd/livedesk TestSQLiteLockedWrites).
func TestDeadlineIsUnavailable(t *testing.T) {
	t.Parallel()
	db := storetest.OpenSQLite(t)
	err := db.MapError(fmt.Errorf("failed to begin transaction: %w", context.DeadlineExceeded))
	if got := domain.ErrorCode(err); got != domain.CodeUnavailable {
		t.Fatalf("deadline mapped to %s (%v), want %s", got, err, domain.CodeUnavailable)
	}
	if err := db.MapError(context.Canceled); domain.ErrorCode(err) == domain.CodeUnavailable {
		t.Fatalf("a cancelled request (client gone) mapped to UNAVAILABLE: %v", err)
	}
}
