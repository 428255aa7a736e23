package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/livedesk/livedesk/internal/domain"
)

// query reads URL query parameters, remembering the first bad one so that a
// handler can read all it needs and check once.
type query struct {
	r   *http.Request
	err error
}

func newQuery(r *http.Request) *query { return &query{r: r} }

func (q *query) str(name string) string { return q.r.URL.Query().Get(name) }

func (q *query) fail(name, format string, args ...any) {
	if q.err == nil {
		q.err = domain.Invalid(name, format, args...)
	}
}

// int64 reads a non-negative integer; absent means 0.
func (q *query) int64(name string) int64 {
	v := q.str(name)
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		q.fail(name, "%s must be a non-negative integer", name)
		return 0
	}
	return n
}

// int reads a non-negative integer of at most max; absent means 0.
func (q *query) int(name string, max int) int {
	n := q.int64(name)
	if n > int64(max) {
		q.fail(name, "%s must be at most %d", name, max)
		return 0
	}
	return int(n)
}

// date reads a YYYY-MM-DD date; absent means "".
func (q *query) date(name string) string {
	v := q.str(name)
	if v == "" {
		return ""
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		q.fail(name, "%s must be a date as YYYY-MM-DD", name)
		return ""
	}
	return v
}

// page reads ?limit&offset (or ?cursor, the nextCursor of a previous page).
func (q *query) page() domain.Page {
	p := domain.Page{Limit: q.int("limit", 500)}
	if q.str("cursor") != "" {
		p.Offset = q.int("cursor", 1<<30)
	} else {
		p.Offset = q.int("offset", 1<<30)
	}
	return p
}

// dateRange checks that from is not after to when both are given.
func (q *query) dateRange(from, to string) {
	if from != "" && to != "" && from > to {
		q.fail("from", "from (%s) must not be after to (%s)", from, to)
	}
}

// list is the shape of every list response.
type list[T any] struct {
	Items      []T    `json:"items"`
	Total      int    `json:"total"`
	NextCursor string `json:"nextCursor,omitempty"`
}

// newList wraps a page of items; nextCursor is set when more items follow.
func newList[T any](items []T, total int, p domain.Page) list[T] {
	if items == nil {
		items = []T{}
	}
	p = p.Normalize()
	l := list[T]{Items: items, Total: total}
	if next := p.Offset + len(items); len(items) > 0 && next < total {
		l.NextCursor = strconv.Itoa(next)
	}
	return l
}

// pathID reads the {id} path value; anything but a positive integer names
// no resource.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound("no such resource")
	}
	return id, nil
}
