package realtime

import (
	"context"
	"slices"
	"time"

	"github.com/livedesk/livedesk/socketio"
)

// PresenceAdmin is one admin currently connected.
type PresenceAdmin struct {
	ID    int64     `json:"id"`
	Name  string    `json:"name"`
	Since time.Time `json:"since"`
}

// PresencePayload is the payload of presence:updated.
type PresencePayload struct {
	Admins []PresenceAdmin `json:"admins"`
}

// presenceInterval is the shortest time between two presence:updated
// broadcasts. Every admin socket that connects or leaves changes presence,
// and each broadcast lists the admins' sockets of every node and reaches
// every admin: one per socket made a burst of N admins connecting (a
// restart, a storm of reconnects) cost N² (the first 10,000 dashboards of
// the application benchmark spent most of their connection time there).
// Coalesced, the first change of a burst is told at once and the rest
// together at most this much later.
const presenceInterval = 250 * time.Millisecond

// presenceSocket is what presence reads of a socket's data.
type presenceSocket struct {
	UserID int64  `json:"userId"`
	Name   string `json:"name"`
}

// presenceOf turns the admins' sockets (of every node, through the adapter)
// into who is online: one entry per admin, online since its oldest socket
// connected, longest online first.
func presenceOf(infos []socketio.SocketInfo) []PresenceAdmin {
	byID := map[int64]PresenceAdmin{}
	for _, info := range infos {
		var d presenceSocket
		if decodeJSON(info.Data, &d) != nil || d.UserID == 0 {
			continue
		}
		since := time.Time{}
		if info.Handshake != nil {
			since = info.Handshake.Time.UTC()
		}
		if e, ok := byID[d.UserID]; !ok || since.Before(e.Since) {
			byID[d.UserID] = PresenceAdmin{ID: d.UserID, Name: d.Name, Since: since}
		}
	}
	out := make([]PresenceAdmin, 0, len(byID))
	for _, a := range byID {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b PresenceAdmin) int {
		if c := a.Since.Compare(b.Since); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	return out
}

// presence lists the admins online across every node.
func (h *Hub) presence(ctx context.Context) ([]PresenceAdmin, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	infos, err := h.ns.In(roomAdmins).FetchSockets(ctx)
	if err != nil {
		return nil, err
	}
	return presenceOf(infos), nil
}

// presenceChanged asks for a presence:updated soon (coalesced: see
// presenceInterval); it never blocks.
func (h *Hub) presenceChanged() { h.presenceRun.trigger() }

// broadcastPresence tells every admin, on every node, who is online.
func (h *Hub) broadcastPresence(ctx context.Context) {
	admins, err := h.presence(ctx)
	if err != nil {
		h.log.Warn("realtime: cannot list the admins online", "err", err)
		return
	}
	_ = h.ns.To(roomAdmins).Emit(ctx, EventPresence, PresencePayload{Admins: admins})
	h.counters.presenceSent.Add(1)
}

// RefreshPresence recomputes who is online and tells the admins, for when
// the cluster changed under the hub (an instance died with admins on it).
func (h *Hub) RefreshPresence() { h.presenceChanged() }
