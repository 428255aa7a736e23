package socketio

import "time"

// Hooks are optional callbacks at the notable moments of a server's
// sockets, so that an application can count them (metrics, tracing)
// without this package depending on a metrics library. A nil *Hooks, or a
// nil field, is skipped. Hooks run on the server's goroutines, sometimes
// with a socket's lock held: they must be fast, must not block and must not
// call back into the server. Engine.IO sessions have their own hooks in
// Options.Engine.Hooks.
type Hooks struct {
	// Connect is called when a socket joins namespace nsp (recovered: it
	// resumed a previous session).
	Connect func(nsp string, recovered bool)
	// Disconnect is called once when a connected socket leaves nsp.
	Disconnect func(nsp string, reason DisconnectReason)
	// EventReceived is called for every event a client sends; handled is
	// false when the namespace has no handler for it. The name comes from
	// the client: count unhandled ones under one label, never by name.
	EventReceived func(nsp, event string, handled bool)
	// EventSent is called for every event emitted to one socket, and once
	// for every broadcast.
	EventSent func(nsp, event string)
	// Broadcast is called after a broadcast was handed to every local
	// recipient's queue, with the time that took (the fan-out).
	Broadcast func(nsp, event string, d time.Duration)
}

func (h *Hooks) connect(nsp string, recovered bool) {
	if h != nil && h.Connect != nil {
		h.Connect(nsp, recovered)
	}
}

func (h *Hooks) disconnect(nsp string, reason DisconnectReason) {
	if h != nil && h.Disconnect != nil {
		h.Disconnect(nsp, reason)
	}
}

func (h *Hooks) eventReceived(nsp, event string, handled bool) {
	if h != nil && h.EventReceived != nil {
		h.EventReceived(nsp, event, handled)
	}
}

func (h *Hooks) eventSent(nsp, event string) {
	if h != nil && h.EventSent != nil {
		h.EventSent(nsp, event)
	}
}

// broadcastDone reports a broadcast started at start.
func (h *Hooks) broadcastDone(nsp, event string, start time.Time) {
	if h != nil {
		if h.Broadcast != nil {
			h.Broadcast(nsp, event, time.Since(start))
		}
		h.eventSent(nsp, event)
	}
}
