package service

import (
	"context"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/internal/store"
)

// Event reads are capped so that one call stays cheap.
const (
	defaultEventLimit = 100
	maxEventLimit     = 1000
)

func eventLimit(n int) int {
	if n <= 0 {
		return defaultEventLimit
	}
	return min(n, maxEventLimit)
}

// EventsAfter returns the events visible to the actor with seq > after,
// oldest first.
func (s *service) EventsAfter(ctx context.Context, after int64, limit int) ([]*domain.Event, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if after < 0 {
		return nil, domain.Invalid("after", "after must not be negative")
	}
	var evs []*domain.Event
	err = s.read(ctx, func(tx *store.Tx) error {
		evs, err = tx.Events(ctx, store.EventQuery{After: after, VendorID: vendorScope(a), Limit: eventLimit(limit)})
		return err
	})
	return evs, err
}

// RecentEvents returns the latest entries of the activity feed visible to
// the actor, newest first (see domain.Event.InActivity).
func (s *service) RecentEvents(ctx context.Context, limit int) ([]*domain.Event, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var evs []*domain.Event
	err = s.read(ctx, func(tx *store.Tx) error {
		evs, err = tx.Events(ctx, store.EventQuery{VendorID: vendorScope(a), Limit: eventLimit(limit), Newest: true, Activity: true})
		return err
	})
	return evs, err
}

// EventsBefore returns the entries of the activity feed visible to the
// actor with seq < before, newest first.
func (s *service) EventsBefore(ctx context.Context, before int64, limit int) ([]*domain.Event, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if before <= 0 {
		return nil, domain.Invalid("before", "before must be a seq greater than 0")
	}
	var evs []*domain.Event
	err = s.read(ctx, func(tx *store.Tx) error {
		evs, err = tx.Events(ctx, store.EventQuery{VendorID: vendorScope(a), Limit: eventLimit(limit), Newest: true, Before: before, Activity: true})
		return err
	})
	return evs, err
}

// LastSeq returns the highest committed seq of the whole log (not filtered:
// it is a cursor position, and reveals only how busy the business is).
func (s *service) LastSeq(ctx context.Context) (int64, error) {
	if _, err := actor(ctx); err != nil {
		return 0, err
	}
	var seq int64
	err := s.read(ctx, func(tx *store.Tx) error {
		var err error
		seq, err = tx.LastEventSeq(ctx)
		return err
	})
	return seq, err
}

// Epoch returns the event log's epoch (see domain.EventService).
func (s *service) Epoch(ctx context.Context) (string, error) {
	if _, err := actor(ctx); err != nil {
		return "", err
	}
	return s.db.EventEpoch(ctx)
}
