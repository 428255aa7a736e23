package httpapi

import (
	"net/http"
	"slices"

	"github.com/livedesk/livedesk/internal/clientip"
	"github.com/livedesk/livedesk/internal/domain"
)

// security records a security event seen here. It never fails the
// request: a busy database loses the record, and the log says so. The
// email is the one typed (never the password); the address is the trusted
// client address.
func (s *server) security(r *http.Request, kind, email, detail string) {
	if s.Security == nil {
		return
	}
	e := &domain.SecurityEvent{Kind: kind, Address: clientip.Addr(r), Email: email, Detail: detail}
	if err := s.Security.RecordSecurityEvent(r.Context(), e); err != nil {
		s.Logger.WarnContext(r.Context(), "failed to record a security event", "kind", kind, "err", err)
	}
}

// securityPage is a page of GET /api/security/events: nextAfter is the
// cursor of the next page (the last item's seq, or after when empty) and
// hasMore whether a next page may hold more.
type securityPage struct {
	Items     []*domain.SecurityEvent `json:"items"`
	NextAfter int64                   `json:"nextAfter"`
	HasMore   bool                    `json:"hasMore"`
}

// handleSecurityEvents lists security events after a seq, optionally of
// one kind (admins only).
func (s *server) handleSecurityEvents() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		sq := domain.SecurityQuery{After: q.int64("after"), Kind: q.str("kind"), Limit: q.int("limit", 1000)}
		if sq.Kind != "" && !slices.Contains(domain.SecurityKinds, sq.Kind) {
			q.fail("kind", "unknown kind %q", sq.Kind)
		}
		if q.err != nil {
			s.error(w, r, q.err)
			return
		}
		if s.Security == nil {
			s.error(w, r, &domain.Error{Code: domain.CodeUnavailable, Message: "security monitoring is not configured"})
			return
		}
		if sq.Limit == 0 {
			sq.Limit = 100
		}
		items, err := s.Security.SecurityEvents(r.Context(), sq)
		if err != nil {
			s.error(w, r, err)
			return
		}
		p := securityPage{Items: items, NextAfter: sq.After, HasMore: len(items) == sq.Limit}
		if n := len(items); n > 0 {
			p.NextAfter = items[n-1].Seq
		}
		s.respond(w, r, http.StatusOK, p)
	})
}
