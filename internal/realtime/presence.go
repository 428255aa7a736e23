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

// presenceOf turns the admins' sockets (of every node, through the adapter)
// into who is online: one entry per admin, online since its oldest socket
// connected, longest online first.
func presenceOf(infos []socketio.SocketInfo) []PresenceAdmin {
	byID := map[int64]PresenceAdmin{}
	for _, info := range infos {
		var d socketData
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

// broadcastPresence tells every admin, on every node, who is online.
func (h *Hub) broadcastPresence(ctx context.Context) {
	admins, err := h.presence(ctx)
	if err != nil {
		h.log.Warn("realtime: cannot list the admins online", "err", err)
		return
	}
	_ = h.ns.To(roomAdmins).Emit(ctx, EventPresence, PresencePayload{Admins: admins})
}

// RefreshPresence recomputes who is online and tells the admins, for when
// the cluster changed under the hub (an instance died with admins on it).
func (h *Hub) RefreshPresence() {
	go h.broadcastPresence(context.Background())
}
