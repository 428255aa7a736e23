package realtime

import (
	"cmp"
	"context"
	"fmt"

	"github.com/livedesk/livedesk/internal/domain"
	"github.com/livedesk/livedesk/socketio"
)

// compareOffsets orders "EPOCH:SEQ-PART" offsets. An offset of another
// epoch than the hub's sorts before one of the hub's (it is of an older
// history), and anything unparsable sorts first, so that neither ever
// suppresses a real event.
func (h *Hub) compareOffsets(a, b string) int {
	epoch := h.logEpoch()
	ae, as, ap, aerr := ParseOffset(a)
	be, bs, bp, berr := ParseOffset(b)
	aold, bold := aerr != nil || ae != epoch, berr != nil || be != epoch
	switch {
	case aold && bold:
		return 0
	case aold:
		return -1
	case bold:
		return 1
	}
	if c := cmp.Compare(as, bs); c != 0 {
		return c
	}
	return cmp.Compare(ap, bp)
}

// logEpoch returns the event log's epoch the hub publishes in (set by Start).
func (h *Hub) logEpoch() string {
	if e := h.epoch.Load(); e != nil {
		return *e
	}
	return ""
}

// resync tells a recovered socket that it must reload its data.
func (h *Hub) resync(s *socketio.Socket, message string) error {
	h.counters.resyncs.Add(1)
	return s.Emit(EventError, ErrorPayload{Code: CodeResyncRequired, Message: message})
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
	epoch, seq, part, err := ParseOffset(offset)
	if err != nil {
		// The client never got an event: it has nothing to catch up from
		// the log that it did not fetch when it first loaded.
		return nil
	}
	if epoch != h.logEpoch() {
		// Its seqs name events of another history (the database was
		// restored, or the offset predates epochs): replaying from them
		// would skip or repeat events silently.
		return h.resync(s, "the event log was restored or rewound since this connection's offset was given out; reload the data")
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
	if seq > upto {
		// Beyond the end of the log even so: the log rewound (a restore
		// that kept the epoch); the events the client saw are gone.
		return h.resync(s, fmt.Sprintf("the offset (%d) is beyond the end of the event log (%d); reload the data", seq, upto))
	}
	if upto-seq > int64(h.opts.ReplayLimit) {
		return h.resync(s, fmt.Sprintf("missed %d events, more than can be replayed; reload the data", upto-seq))
	}
	// The log is read with the system actor (once for every socket
	// recovering from about the same offset, see logTail); what this
	// socket may see is chosen here, as live delivery chooses it.
	entries, err := h.logBetween(ctx, max(seq-1, 0), upto)
	if err != nil {
		return fmt.Errorf("failed to read events to replay: %w", err)
	}
	for _, e := range entries {
		ev := e.ev
		var msgs []Message
		switch {
		case d.Role == domain.RoleStaff:
			// Exactly what staffMessages chooses, as live.
			msgs = h.staffReplay(ctx, &d, ev)
		case d.receives(ev) && (d.Role == domain.RoleAdmin || ev.VendorID == d.UserID):
			if msgs, err = e.messages(); err != nil {
				continue
			}
		}
		for _, m := range msgs {
			if m.Seq == seq && m.Part <= part {
				continue // the client has it
			}
			if err := s.EmitWithOffset(FormatOffset(epoch, m.Seq, m.Part), m.Name, m.Payload); err != nil {
				return err
			}
			h.counters.replayed.Add(1)
		}
	}
	h.counters.recovered.Add(1)
	return nil
}
