package store_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/store"
	"modernc.org/sqlite"
)

// countingConnector counts the statements the driver prepares (the real
// SQLite driver underneath) and the ones it closes.
type countingConnector struct {
	driver.Connector
	mu       sync.Mutex
	prepared map[string]int
	closed   int
}

func (c *countingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: conn, c: c}, nil
}

func (c *countingConnector) closedCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

func (c *countingConnector) count(q string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.prepared[q]
}

type countingConn struct {
	driver.Conn
	c *countingConnector
}

func (c *countingConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	c.c.mu.Lock()
	c.c.prepared[q]++
	c.c.mu.Unlock()
	si, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	return &countingStmt{Stmt: si, c: c.c}, nil
}

func (c *countingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

type countingStmt struct {
	driver.Stmt
	c *countingConnector
}

func (s *countingStmt) Close() error {
	s.c.mu.Lock()
	s.c.closed++
	s.c.mu.Unlock()
	return s.Stmt.Close()
}

func (s *countingStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return s.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (s *countingStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return s.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
}

// openCounted opens a one-connection SQLite handle through the statement
// cache of size, over the counting layer.
func openCounted(t *testing.T, size int) (*sql.DB, *countingConnector) {
	t.Helper()
	base, err := sqlite.NewConnector("file:" + filepath.Join(t.TempDir(), "cache.db"))
	if err != nil {
		t.Fatal(err)
	}
	cc := &countingConnector{Connector: base, prepared: map[string]int{}}
	db := sql.OpenDB(store.CacheStatements(cc, size))
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)`); err != nil {
		t.Fatal(err)
	}
	return db, cc
}

func TestStatementCacheReusesAcrossTransactions(t *testing.T) {
	t.Parallel()
	db, cc := openCounted(t, 8)
	ctx := context.Background()
	const ins, sel = `INSERT INTO t (name) VALUES (?)`, `SELECT COUNT(*) FROM t WHERE name <> ?`
	for i := range 5 {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, ins, string(rune('a'+i))); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := tx.QueryRowContext(ctx, sel, "zz").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != i+1 {
			t.Fatalf("count = %d, want %d", n, i+1)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	if got := cc.count(ins) + cc.count(sel); got != 2 {
		t.Fatalf("prepared the two queries %d times over five transactions, want 2", got)
	}
}

// The same query while its rows are open runs through a statement of its
// own: sharing one would reset the first rows under the loop.
func TestStatementCacheNestedSameQuery(t *testing.T) {
	t.Parallel()
	db, cc := openCounted(t, 8)
	ctx := context.Background()
	for _, n := range []string{"a", "b", "c"} {
		if _, err := db.Exec(`INSERT INTO t (name) VALUES (?)`, n); err != nil {
			t.Fatal(err)
		}
	}
	const q = `SELECT name FROM t WHERE id >= ? ORDER BY id`
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, q, 1)
	if err != nil {
		t.Fatal(err)
	}
	var outer, inner []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		outer = append(outer, name)
		var first string
		if err := tx.QueryRowContext(ctx, q, 3).Scan(&first); err != nil {
			t.Fatal(err)
		}
		inner = append(inner, first)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if want := []string{"a", "b", "c"}; !equal(outer, want) {
		t.Fatalf("outer rows = %v, want %v", outer, want)
	}
	if want := []string{"c", "c", "c"}; !equal(inner, want) {
		t.Fatalf("inner rows = %v, want %v", inner, want)
	}
	// The cached one, then one of its own for each inner use while the
	// outer rows were open.
	if got := cc.count(q); got != 4 {
		t.Fatalf("prepared %d times, want 4", got)
	}
	// Given back: the next use takes the cached one again.
	var name string
	if err := tx.QueryRowContext(ctx, q, 2).Scan(&name); err != nil || name != "b" {
		t.Fatalf("after the loop: %q, %v", name, err)
	}
	if got := cc.count(q); got != 4 {
		t.Fatalf("prepared %d times after the loop, want 4", got)
	}
}

func TestStatementCacheEvictsLeastRecentlyUsed(t *testing.T) {
	t.Parallel()
	db, cc := openCounted(t, 2)
	qs := []string{`SELECT 1`, `SELECT 2`, `SELECT 3`}
	closedBefore := cc.closedCount()
	for _, q := range qs {
		var n int
		if err := db.QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	// Evicted: the CREATE TABLE of openCounted, then SELECT 1.
	if got := cc.closedCount() - closedBefore; got != 2 {
		t.Fatalf("closed %d statements, want the two evicted", got)
	}
	var n int
	if err := db.QueryRow(qs[2]).Scan(&n); err != nil || n != 3 { // still cached
		t.Fatal(n, err)
	}
	if err := db.QueryRow(qs[0]).Scan(&n); err != nil || n != 1 { // evicted: prepared again
		t.Fatal(n, err)
	}
	if cc.count(qs[0]) != 2 || cc.count(qs[2]) != 1 {
		t.Fatalf("prepared %d and %d times, want 2 and 1", cc.count(qs[0]), cc.count(qs[2]))
	}
}

// A statement evicted while its rows are open is closed once they are,
// not before.
func TestStatementCacheEvictsBusyStatementAfterUse(t *testing.T) {
	t.Parallel()
	db, cc := openCounted(t, 1)
	ctx := context.Background()
	for _, n := range []string{"a", "b"} {
		if _, err := db.Exec(`INSERT INTO t (name) VALUES (?)`, n); err != nil {
			t.Fatal(err)
		}
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT name FROM t ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	closed := cc.closedCount()
	var got []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil { // evicts the busy one
			t.Fatal(err)
		}
		if cc.closedCount() != closed {
			t.Fatal("the rows' statement was closed while they were read")
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !equal(got, []string{"a", "b"}) {
		t.Fatalf("rows = %v", got)
	}
	rows.Close()
	if got := cc.closedCount() - closed; got != 1 {
		t.Fatalf("closed %d statements once the rows were, want the evicted one", got)
	}
}

// A failed statement (a unique violation) reports the driver's error and
// stays usable.
func TestStatementCacheErrorThenReuse(t *testing.T) {
	t.Parallel()
	db, cc := openCounted(t, 8)
	const ins = `INSERT INTO t (name) VALUES (?)`
	if _, err := db.Exec(ins, "a"); err != nil {
		t.Fatal(err)
	}
	_, err := db.Exec(ins, "a")
	var se *sqlite.Error
	if !errors.As(err, &se) {
		t.Fatalf("duplicate insert: %v, want the driver's error", err)
	}
	if _, err := db.Exec(ins, "b"); err != nil {
		t.Fatal(err)
	}
	if got := cc.count(ins); got != 1 {
		t.Fatalf("prepared %d times, want 1", got)
	}
}

// A cached statement follows a schema change made after it was prepared.
func TestStatementCacheAfterSchemaChange(t *testing.T) {
	t.Parallel()
	db, _ := openCounted(t, 8)
	if _, err := db.Exec(`INSERT INTO t (name) VALUES ('a')`); err != nil {
		t.Fatal(err)
	}
	const q = `SELECT * FROM t`
	cols := func() int {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		c, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		return len(c)
	}
	if n := cols(); n != 2 {
		t.Fatalf("%d columns, want 2", n)
	}
	if _, err := db.Exec(`ALTER TABLE t ADD COLUMN note TEXT`); err != nil {
		t.Fatal(err)
	}
	if n := cols(); n != 3 {
		t.Fatalf("%d columns after ALTER TABLE, want 3", n)
	}
}

// A query cancelled by its context leaves the statement usable.
func TestStatementCacheAfterCancel(t *testing.T) {
	t.Parallel()
	db, _ := openCounted(t, 8)
	const q = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) SELECT COUNT(*) FROM n`
	var n int
	if err := db.QueryRow(q, 1).Scan(&n); err != nil { // cached
		t.Fatal(err)
	}
	// Cancelled while it runs (a billion rows take far longer).
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := db.QueryRowContext(ctx, q, 1_000_000_000).Scan(&n); err == nil {
		t.Fatal("a cancelled query succeeded")
	}
	if err := db.QueryRow(q, 10).Scan(&n); err != nil || n != 10 {
		t.Fatalf("after a cancelled query: %d, %v", n, err)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Connections of a pool used from many goroutines at once, rows closed by
// their transaction's end as well as by the caller (run it with -race).
func TestStatementCacheConcurrentPool(t *testing.T) {
	t.Parallel()
	db, _ := openCounted(t, 4)
	db.SetMaxOpenConns(4)
	if _, err := db.Exec(`INSERT INTO t (name) VALUES ('a'), ('b'), ('c')`); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
				if err != nil {
					errs <- err
					return
				}
				rows, err := tx.QueryContext(ctx, `SELECT name FROM t WHERE id > ? ORDER BY id`, (g+i)%3)
				if err != nil {
					tx.Rollback()
					errs <- err
					return
				}
				n := 0
				for rows.Next() {
					n++
					if i%2 == 0 {
						break // left open: the rollback closes them
					}
				}
				if i%2 == 1 && n != 3-(g+i)%3 {
					errs <- errors.New("wrong row count")
				}
				var c int
				if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM t`).Scan(&c); err != nil || c != 3 {
					errs <- errors.Join(err, errors.New("wrong count"))
				}
				tx.Rollback()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
