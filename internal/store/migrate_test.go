package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/livedesk/livedesk/internal/store"
	"github.com/livedesk/livedesk/internal/store/storetest"
)

// TestMigrateRefusesUnknownVersions: a database migrated by a newer
// binary (versions this one does not know) is refused, naming them, and
// left untouched.
func TestMigrateRefusesUnknownVersions(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for _, v := range []int{9001, 9003} {
			if err := db.WithTx(ctx, func(tx *store.Tx) error {
				_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 0)`, v, "future.sql")
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		_, err := db.Migrate(ctx)
		if err == nil {
			t.Fatal("Migrate on a database with unknown migrations succeeded, want a refusal")
		}
		for _, want := range []string{"9001", "9003", "newer"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not mention %q", err, want)
			}
		}
	})
}
