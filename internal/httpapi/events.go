package httpapi

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/livedesk/livedesk/internal/domain"
)

// Event page sizes.
const (
	defaultEventLimit = 100
	maxEventLimit     = 1000
)

// handleActivity serves the activity feed: the newest entries first, with
// ?before=SEQ the page older than that seq (newest first), or with
// ?after=SEQ the entries after that seq, oldest first.
func (s *server) handleActivity() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		after := q.int64("after")
		before := q.int64("before")
		limit := q.int("limit", maxEventLimit)
		if q.str("after") != "" && q.str("before") != "" {
			q.fail("before", "give after or before, not both")
		}
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
		switch {
		case q.str("before") != "":
			events, err = s.Events.EventsBefore(r.Context(), before, limit)
		case q.str("after") == "":
			events, err = s.Events.RecentEvents(r.Context(), limit)
		default:
			events, err = s.activityAfter(r, after, limit)
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

// activityAfter returns up to limit entries of the activity feed after
// seq after, oldest first: the log's events less those that are not in the
// feed (domain.Event.InActivity), read on until the page is full or the
// log ends, so that a short page still means "nothing more".
func (s *server) activityAfter(r *http.Request, after int64, limit int) ([]*domain.Event, error) {
	if limit <= 0 {
		limit = defaultEventLimit
	}
	out := []*domain.Event{}
	for len(out) < limit {
		evs, err := s.Events.EventsAfter(r.Context(), after, limit)
		if err != nil {
			return nil, err
		}
		for _, e := range evs {
			if e.InActivity() && len(out) < limit {
				out = append(out, e)
			}
		}
		if len(evs) < limit {
			break
		}
		after = evs[len(evs)-1].Seq
	}
	return out, nil
}

// eventPage is a page of the event log and the cursor to ask from next.
type eventPage struct {
	Items   []*domain.Event `json:"items"`
	LastSeq int64           `json:"lastSeq"`
	Epoch   string          `json:"epoch"`
	Cursor  string          `json:"cursor"` // "EPOCH:LASTSEQ": the after of the next page
}

// parseCursor reads ?after: "EPOCH:SEQ" (a cursor this API gave out) or a
// bare SEQ (older clients: no epoch to check, only the head).
func parseCursor(v string) (epoch string, seq int64, err error) {
	num := v
	if e, n, ok := strings.Cut(v, ":"); ok {
		epoch, num = e, n
		if epoch == "" {
			return "", 0, domain.Invalid("after", "after must be a cursor EPOCH:SEQ or a seq")
		}
	}
	seq, perr := strconv.ParseInt(num, 10, 64)
	if perr != nil || seq < 0 {
		return "", 0, domain.Invalid("after", "after must be a cursor EPOCH:SEQ or a non-negative seq")
	}
	return epoch, seq, nil
}

// handleEvents serves the event log after a cursor, oldest first: the REST
// polling fallback of the dashboard, sharing its cursor with the socket's
// recovery offset. A cursor of another epoch (the database was restored or
// its log rewound since) or beyond the head is 409 RESYNC_REQUIRED: its
// seqs may name other events now, and answering would skip some silently.
func (s *server) handleEvents() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		var epoch string
		var after int64
		if v := q.str("after"); v != "" {
			var err error
			if epoch, after, err = parseCursor(v); err != nil {
				s.error(w, r, err)
				return
			}
		}
		limit := q.int("limit", maxEventLimit)
		if q.err != nil {
			s.error(w, r, q.err)
			return
		}
		if limit == 0 {
			limit = defaultEventLimit
		}
		current, err := s.Events.Epoch(r.Context())
		if err != nil {
			s.error(w, r, err)
			return
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
		switch {
		case epoch != "" && epoch != current:
			s.error(w, r, &domain.Error{Code: domain.CodeResyncRequired, Field: "after",
				Message: "the event log was restored or rewound since this cursor was given out; reload the data and continue from the stats' epoch and seq"})
			return
		case after > head:
			s.error(w, r, &domain.Error{Code: domain.CodeResyncRequired, Field: "after",
				Message: fmt.Sprintf("the cursor (%d) is beyond the end of the event log (%d): the database was restored; reload the data", after, head)})
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
		page := eventPage{Items: events, LastSeq: after, Epoch: current}
		if n := len(events); n > 0 {
			page.LastSeq = events[n-1].Seq
		}
		if len(events) < limit && head > page.LastSeq {
			page.LastSeq = head
		}
		page.Cursor = current + ":" + strconv.FormatInt(page.LastSeq, 10)
		s.respond(w, r, http.StatusOK, page)
	})
}
