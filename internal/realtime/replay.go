package realtime

import (
	"cmp"
	"context"
	"fmt"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/socketio"
)

// compareOffsets orders "SEQ-PART" offsets; anything unparsable sorts first
// so that it never suppresses a real event.
func compareOffsets(a, b string) int {
	as, ap, aerr := ParseOffset(a)
	bs, bp, berr := ParseOffset(b)
	switch {
	case aerr != nil && berr != nil:
		return 0
	case aerr != nil:
		return -1
	case berr != nil:
		return 1
	}
	if c := cmp.Compare(as, bs); c != 0 {
		return c
	}
	return cmp.Compare(ap, bp)
}

// sendQueue is the engine's per-connection send queue for a replay limit.
// A replay hands the transport up to two messages per missed event at
// once, as fast as it reads the log; with a shorter queue the very client
// that is catching up is dropped as a slow consumer (a transport error),
// reconnects and is dropped again further on, again and again over
// long-polling or a slow link. The engine's default of 1024 packets stays
// on top for live traffic. Broadcast frames are shared between
// connections, so a long queue costs a stalled client little.
func sendQueue(replayLimit int) int { return 2*replayLimit + 1024 }

// published returns the seq of the last event handed to the adapter.
func (h *Hub) published() int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.cursor
}

// replay sends a recovered socket, in order, every message after its
// offset that it may see, up to the last event the hub has broadcast; the
// socket is already in its rooms, so everything later reaches it live.
func (h *Hub) replay(ctx context.Context, s *socketio.Socket, offset string) error {
	h.counters.recoveries.Add(1)
	var d socketData
	if err := s.Data(&d); err != nil || d.UserID == 0 {
		return fmt.Errorf("recovered socket has no user")
	}
	seq, part, err := ParseOffset(offset)
	if err != nil {
		// The client never got an event: it has nothing to catch up from
		// the log that it did not fetch when it first loaded.
		return nil
	}
	upto := h.published()
	if seq > upto {
		// The client saw events this instance has not published yet:
		// another instance, tailing the same log, delivered them first.
		// Publish up to them now. Live delivery drops what the client has
		// only while it recovers, so published later they would reach it
		// a second time.
		h.drain(domain.WithActor(ctx, domain.SystemActor()))
		upto = h.published()
	}
	if upto-seq > int64(h.opts.ReplayLimit) {
		h.counters.resyncs.Add(1)
		return s.Emit(EventError, ErrorPayload{Code: CodeResyncRequired,
			Message: fmt.Sprintf("missed %d events, more than can be replayed; reload the data", upto-seq)})
	}
	actx := domain.WithActor(ctx, d.actor())
	after := max(seq-1, 0)
	for after < upto {
		evs, err := h.deps.Events.EventsAfter(actx, after, 500)
		if err != nil {
			return fmt.Errorf("failed to read events to replay: %w", err)
		}
		if len(evs) == 0 {
			break
		}
		for _, ev := range evs {
			if ev.Seq > upto {
				return nil
			}
			after = ev.Seq
			if !d.receives(ev) {
				continue
			}
			msgs, err := Messages(ev)
			if err != nil {
				continue
			}
			for _, m := range msgs {
				if m.Seq == seq && m.Part <= part {
					continue // the client has it
				}
				if err := s.EmitWithOffset(m.Offset(), m.Name, m.Payload); err != nil {
					return err
				}
				h.counters.replayed.Add(1)
			}
		}
	}
	h.counters.recovered.Add(1)
	return nil
}
