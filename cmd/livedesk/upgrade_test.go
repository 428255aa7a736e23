package main

import (
	"context"
	"database/sql"
	"strings"
	"testing"
)

// TestOlderBinaryRefusesNewerSchema: a database migrated by a newer
// Livedesk (a migration this binary does not know) is refused by serve and
// migrate, with a message naming the versions.
func TestOlderBinaryRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	dsn := dbURL(t, "sqlite")
	if out, err := runCmd(t, "migrate", "--db", dsn); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	raw, err := sql.Open("sqlite", "file:"+strings.TrimPrefix(dsn, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(context.Background(), `INSERT INTO schema_migrations (version, name, applied_at) VALUES (9042, '9042_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	for _, args := range [][]string{{"migrate", "--db", dsn}, {"serve", "--addr", "127.0.0.1:0", "--db", dsn}} {
		_, err := runCmd(t, args...)
		if err == nil || !strings.Contains(err.Error(), "9042") {
			t.Errorf("%s on a newer schema = %v, want a refusal naming 9042", args[0], err)
		}
	}
}
