package service

import (
	"context"
	"fmt"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

// scanner is what scan functions read a row from.
type scanner interface{ Scan(...any) error }

// pageQuery is one list call: the rows of `count` (FROM ... WHERE ...)
// counted, and one page of `list` (SELECT ... FROM ... WHERE ...) read in
// order, both in the caller's read transaction so the total matches the page.
type pageQuery struct {
	what  string // for error messages: "customers"
	count string // SELECT COUNT(*) ...
	list  string // SELECT ... (without ORDER BY / LIMIT)
	order string // ORDER BY clause body
	args  []any  // the WHERE arguments, shared by both queries
}

// listPage runs q in one read transaction of s (or the caller's, inside a
// Batch).
func listPage[T any](ctx context.Context, s *service, q pageQuery, p domain.Page, scan func(scanner) (T, error)) (list []T, total int, err error) {
	err = s.read(ctx, func(tx *store.Tx) (err error) {
		list, total, err = readPage(ctx, tx, q, p, scan)
		return err
	})
	return list, total, err
}

func readPage[T any](ctx context.Context, tx *store.Tx, q pageQuery, p domain.Page, scan func(scanner) (T, error)) ([]T, int, error) {
	var total int
	if err := tx.QueryRow(ctx, q.count, q.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("failed to count %s: %w", q.what, err)
	}
	args := append(append([]any{}, q.args...), p.Limit, p.Offset)
	rows, err := tx.Query(ctx, q.list+` ORDER BY `+q.order+` LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("failed to list %s: %w", q.what, err)
	}
	defer rows.Close()
	list := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("failed to scan %s: %w", q.what, err)
		}
		list = append(list, v)
	}
	return list, total, rows.Err()
}
