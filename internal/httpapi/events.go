package httpapi

import (
	"net/http"

	"github.com/livedesk/livedesk/internal/domain"
)

// Event page sizes.
const (
	defaultEventLimit = 100
	maxEventLimit     = 1000
)

// handleActivity serves the activity feed: the newest entries first, or
// with ?after=SEQ the entries after that seq, oldest first.
func (s *server) handleActivity() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		after := q.int64("after")
		limit := q.int("limit", maxEventLimit)
		if q.err != nil {
			s.error(w, r, q.err)
			return
		}
		if limit == 0 {
			limit = 50
		}
		var (
			events []*domain.Event
			err    error
		)
		if q.str("after") == "" {
			events, err = s.Events.RecentEvents(r.Context(), limit)
		} else {
			events, err = s.Events.EventsAfter(r.Context(), after, limit)
		}
		if err != nil {
			s.error(w, r, err)
			return
		}
		items := make([]domain.ActivityEntry, len(events))
		for i, e := range events {
			items[i] = e.Activity()
		}
		s.respond(w, r, http.StatusOK, struct {
			Items []domain.ActivityEntry `json:"items"`
		}{items})
	})
}

// eventPage is a page of the event log and the cursor to ask from next.
type eventPage struct {
	Items   []*domain.Event `json:"items"`
	LastSeq int64           `json:"lastSeq"`
}

// handleEvents serves the event log after a seq, oldest first: the REST
// polling fallback of the dashboard, sharing its cursor with the socket's
// recovery offset.
func (s *server) handleEvents() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		after := q.int64("after")
		limit := q.int("limit", maxEventLimit)
		if q.err != nil {
			s.error(w, r, q.err)
			return
		}
		if limit == 0 {
			limit = defaultEventLimit
		}
		// Read the head of the log before the page: every event up to it
		// was committed by then (seqs are handed out in commit order), so a
		// short page proves the caller has seen everything visible to it
		// up to head, and its cursor may jump there even when the events
		// in between belong to other vendors.
		head, err := s.Events.LastSeq(r.Context())
		if err != nil {
			s.error(w, r, err)
			return
		}
		events, err := s.Events.EventsAfter(r.Context(), after, limit)
		if err != nil {
			s.error(w, r, err)
			return
		}
		if events == nil {
			events = []*domain.Event{}
		}
		page := eventPage{Items: events, LastSeq: after}
		if n := len(events); n > 0 {
			page.LastSeq = events[n-1].Seq
		}
		if len(events) < limit && head > page.LastSeq {
			page.LastSeq = head
		}
		s.respond(w, r, http.StatusOK, page)
	})
}
