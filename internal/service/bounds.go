package service

import (
	"strings"
	"unicode/utf8"

	"github.com/livedesk/livedesk/internal/domain"
)

// Bounds of the list parameters the services take: anything longer or
// more numerous is a client mistake or an attack, refused as INVALID (400)
// before it reaches the database (a 60,000-character search used to make
// SQLite's LIKE fail with "pattern too complex").
const (
	MaxSearchLen = 200 // characters of a search
	MaxIDs       = 500 // ids in one request
)

// checkSearch refuses a search longer than MaxSearchLen characters.
func checkSearch(q string) error {
	if n := utf8.RuneCountInString(q); n > MaxSearchLen {
		return domain.Invalid("search", "search must be at most %d characters (got %d)", MaxSearchLen, n)
	}
	return nil
}

// uniqueIDs refuses more than MaxIDs ids and drops repeats, keeping the
// first occurrence's order.
func uniqueIDs(field string, ids []int64) ([]int64, error) {
	if len(ids) > MaxIDs {
		return nil, domain.Invalid(field, "%s may list at most %d ids (got %d)", field, MaxIDs, len(ids))
	}
	seen := make(map[int64]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, nil
}

// placeholders returns n comma-separated `?`, built in one allocation
// (the old loop of string concatenations was quadratic: 1.9 s for 40,000).
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?,", n-1) + "?"
}
