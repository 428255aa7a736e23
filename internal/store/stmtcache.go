package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"reflect"
)

// CacheStatements wraps a driver's connector so that every connection it
// opens keeps up to size prepared statements, keyed by their text, and runs
// a query through its statement instead of parsing the text again.
//
// It is for drivers that parse every query they are given (SQLite's: the
// parse of a small query costs about as much as running it); PostgreSQL's
// pgx keeps its own per-connection cache. A transaction's queries are then
// prepared once per connection, not once per transaction: SQLite's single
// writer connection and its few readers run the same few dozen queries all
// day.
//
// The connections forward the optional interfaces of the driver's
// connections (contexts on begin, prepare, exec and query, ping, session
// reset and validity), and Unwrap returns the driver's own. A statement is
// used by one caller at a time: while its rows are open, or while
// database/sql holds it prepared, the same text runs through a statement of
// its own, closed after use. The least recently used statements are closed
// when the cache is full; the rest close with their connection.
//
// database/sql never uses a connection from two goroutines at once (calls,
// and the closing of rows, hold the connection's lock), so the cache needs
// no lock of its own.
func CacheStatements(c driver.Connector, size int) driver.Connector {
	return &cachingConnector{Connector: c, size: max(size, 1)}
}

type cachingConnector struct {
	driver.Connector
	size int
}

func (c *cachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &cachingConn{Conn: conn, size: c.size, stmts: make(map[string]*cachedStmt, c.size)}, nil
}

// cachingConn is a connection with its statement cache.
type cachingConn struct {
	driver.Conn
	size   int
	closed bool
	stmts  map[string]*cachedStmt
	// head is the most recently used statement, tail the least; the list
	// links every statement of stmts.
	head, tail *cachedStmt
}

// cachedStmt is a prepared statement of the cache.
type cachedStmt struct {
	si         driver.Stmt
	query      string
	busy       bool // in use: prepared by database/sql or rows open
	evicted    bool // out of the cache while busy: close it when released
	prev, next *cachedStmt
}

// Unwrap returns the driver's connection.
func (c *cachingConn) Unwrap() driver.Conn { return c.Conn }

// acquire returns the cached statement of query, prepared now if it is not
// cached, marked busy; nil when the cached one is busy (the caller then
// prepares a statement of its own).
func (c *cachingConn) acquire(ctx context.Context, query string) (*cachedStmt, error) {
	if cs, ok := c.stmts[query]; ok {
		if cs.busy {
			return nil, nil
		}
		c.unlink(cs)
		c.pushFront(cs)
		cs.busy = true
		return cs, nil
	}
	si, err := c.prepare(ctx, query)
	if err != nil {
		return nil, err
	}
	for len(c.stmts) >= c.size && c.tail != nil {
		old := c.tail
		c.unlink(old)
		delete(c.stmts, old.query)
		if old.busy {
			old.evicted = true
		} else {
			_ = old.si.Close()
		}
	}
	cs := &cachedStmt{si: si, query: query, busy: true}
	c.stmts[query] = cs
	c.pushFront(cs)
	return cs, nil
}

// release ends a use of cs.
func (c *cachingConn) release(cs *cachedStmt) error {
	cs.busy = false
	if cs.evicted && !c.closed {
		return cs.si.Close()
	}
	return nil
}

func (c *cachingConn) pushFront(cs *cachedStmt) {
	cs.prev, cs.next = nil, c.head
	if c.head != nil {
		c.head.prev = cs
	}
	c.head = cs
	if c.tail == nil {
		c.tail = cs
	}
}

func (c *cachingConn) unlink(cs *cachedStmt) {
	if cs.prev != nil {
		cs.prev.next = cs.next
	} else {
		c.head = cs.next
	}
	if cs.next != nil {
		cs.next.prev = cs.prev
	} else {
		c.tail = cs.prev
	}
	cs.prev, cs.next = nil, nil
}

func (c *cachingConn) prepare(ctx context.Context, query string) (driver.Stmt, error) {
	if p, ok := c.Conn.(driver.ConnPrepareContext); ok {
		return p.PrepareContext(ctx, query)
	}
	return c.Conn.Prepare(query)
}

// Prepare implements driver.Conn.
func (c *cachingConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// PrepareContext returns the cached statement (its Close only gives it
// back), or one of its own when the cached one is in use.
func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	cs, err := c.acquire(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.prepare(ctx, query)
	}
	return &lentStmt{c: c, cs: cs}, nil
}

// ExecContext runs query through its cached statement.
func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	cs, err := c.acquire(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		si, err := c.prepare(ctx, query)
		if err != nil {
			return nil, err
		}
		res, err := stmtExec(ctx, si, args)
		return res, errors.Join(err, si.Close())
	}
	res, err := stmtExec(ctx, cs.si, args)
	if rerr := c.release(cs); err == nil && rerr != nil {
		err = rerr
	}
	return res, err
}

// QueryContext runs query through its cached statement, which stays busy
// until the rows are closed.
func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	cs, err := c.acquire(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		si, err := c.prepare(ctx, query)
		if err != nil {
			return nil, err
		}
		rows, err := stmtQuery(ctx, si, args)
		if err != nil {
			return nil, errors.Join(err, si.Close())
		}
		return &cachedRows{Rows: rows, done: si.Close}, nil
	}
	rows, err := stmtQuery(ctx, cs.si, args)
	if err != nil {
		_ = c.release(cs)
		return nil, err
	}
	return &cachedRows{Rows: rows, done: func() error { return c.release(cs) }}, nil
}

// Close closes the cached statements, then the connection.
func (c *cachingConn) Close() error {
	var errs []error
	for _, cs := range c.stmts {
		errs = append(errs, cs.si.Close())
	}
	c.stmts, c.head, c.tail, c.closed = nil, nil, nil, true
	errs = append(errs, c.Conn.Close())
	return errors.Join(errs...)
}

// BeginTx forwards driver.ConnBeginTx.
func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if b, ok := c.Conn.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	if opts.Isolation != driver.IsolationLevel(0) || opts.ReadOnly {
		return nil, errors.New("store: the driver does not support transaction options")
	}
	//lint:ignore SA1019 the driver's only way
	return c.Conn.Begin()
}

// Ping forwards driver.Pinger.
func (c *cachingConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

// ResetSession forwards driver.SessionResetter.
func (c *cachingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

// IsValid forwards driver.Validator.
func (c *cachingConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

// CheckNamedValue forwards driver.NamedValueChecker (ErrSkip: the default
// conversion).
func (c *cachingConn) CheckNamedValue(nv *driver.NamedValue) error {
	if v, ok := c.Conn.(driver.NamedValueChecker); ok {
		return v.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

// lentStmt is a cached statement lent to database/sql; closing it gives it
// back to the cache.
type lentStmt struct {
	c      *cachingConn
	cs     *cachedStmt
	closed bool
}

func (s *lentStmt) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	return s.c.release(s.cs)
}

func (s *lentStmt) NumInput() int { return s.cs.si.NumInput() }

func (s *lentStmt) Exec(args []driver.Value) (driver.Result, error) {
	//lint:ignore SA1019 forwarded as is
	return s.cs.si.Exec(args)
}

func (s *lentStmt) Query(args []driver.Value) (driver.Rows, error) {
	//lint:ignore SA1019 forwarded as is
	return s.cs.si.Query(args)
}

func (s *lentStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return stmtExec(ctx, s.cs.si, args)
}

func (s *lentStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return stmtQuery(ctx, s.cs.si, args)
}

func (s *lentStmt) CheckNamedValue(nv *driver.NamedValue) error {
	if v, ok := s.cs.si.(driver.NamedValueChecker); ok {
		return v.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

func stmtExec(ctx context.Context, si driver.Stmt, args []driver.NamedValue) (driver.Result, error) {
	if e, ok := si.(driver.StmtExecContext); ok {
		return e.ExecContext(ctx, args)
	}
	vals, err := namedValues(args)
	if err != nil {
		return nil, err
	}
	//lint:ignore SA1019 the driver's only way
	return si.Exec(vals)
}

func stmtQuery(ctx context.Context, si driver.Stmt, args []driver.NamedValue) (driver.Rows, error) {
	if q, ok := si.(driver.StmtQueryContext); ok {
		return q.QueryContext(ctx, args)
	}
	vals, err := namedValues(args)
	if err != nil {
		return nil, err
	}
	//lint:ignore SA1019 the driver's only way
	return si.Query(vals)
}

func namedValues(args []driver.NamedValue) ([]driver.Value, error) {
	vals := make([]driver.Value, len(args))
	for i, a := range args {
		if a.Name != "" {
			return nil, errors.New("store: the driver does not support named arguments")
		}
		vals[i] = a.Value
	}
	return vals, nil
}

// cachedRows are rows of a statement that is given back (or closed) when
// they close.
type cachedRows struct {
	driver.Rows
	done func() error
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	if r.done != nil {
		err = errors.Join(err, r.done())
		r.done = nil
	}
	return err
}

func (r *cachedRows) ColumnTypeScanType(i int) reflect.Type {
	if t, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}

func (r *cachedRows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r *cachedRows) ColumnTypeLength(i int) (int64, bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeLength); ok {
		return t.ColumnTypeLength(i)
	}
	return 0, false
}

func (r *cachedRows) ColumnTypeNullable(i int) (nullable, ok bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeNullable); ok {
		return t.ColumnTypeNullable(i)
	}
	return false, false
}

func (r *cachedRows) ColumnTypePrecisionScale(i int) (precision, scale int64, ok bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypePrecisionScale); ok {
		return t.ColumnTypePrecisionScale(i)
	}
	return 0, 0, false
}
