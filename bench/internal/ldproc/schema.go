package ldproc

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the pgx driver for database/sql
)

// Schema is a fresh PostgreSQL schema for a benchmark's livedesk database.
type Schema struct {
	Name  string
	URL   string  // the database URL with search_path set to the schema
	Admin *sql.DB // a handle on the database (schema-qualify names)
}

// NewSchema creates a schema of its own in the database at pg.
func NewSchema(ctx context.Context, pg, prefix string) (*Schema, error) {
	admin, err := sql.Open("pgx", pg)
	if err != nil {
		return nil, err
	}
	name := fmt.Sprintf("%s_%d_%d", prefix, os.Getpid(), time.Now().UnixNano()%1_000_000)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+name); err != nil {
		admin.Close()
		return nil, fmt.Errorf("failed to create schema: %w", err)
	}
	u, err := url.Parse(pg)
	if err != nil {
		admin.Close()
		return nil, err
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return &Schema{Name: name, URL: u.String(), Admin: admin}, nil
}

// Drop removes the schema and everything in it.
func (s *Schema) Drop() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, _ = s.Admin.ExecContext(ctx, "DROP SCHEMA "+s.Name+" CASCADE")
	s.Admin.Close()
}
