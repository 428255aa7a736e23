package redisadapter

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/livedesk/livedesk/socketio"
)

// request is a cluster operation waiting for the other nodes' answers.
type request struct {
	typ     messageType
	missing map[string]struct{}
	sockets []socketio.SocketInfo
	err     error // set when the request can no longer be answered
	done    chan struct{}
}

// finishLocked closes done once nothing is missing; a.mu is held.
func (r *request) finishLocked() {
	if len(r.missing) == 0 {
		select {
		case <-r.done:
		default:
			close(r.done)
		}
	}
}

// request publishes a request to every node and waits for the answers of
// the nodes known now. Nodes that start meanwhile still apply it (they are
// subscribed) but are not waited for.
func (a *Adapter) request(ctx context.Context, typ messageType, d *payload) ([]socketio.SocketInfo, error) {
	id := randomID()
	r := &request{typ: typ, missing: map[string]struct{}{}, done: make(chan struct{})}
	a.mu.Lock()
	for uid := range a.nodes {
		r.missing[uid] = struct{}{}
	}
	expected := len(r.missing)
	a.pending[id] = r
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		delete(a.pending, id)
		a.mu.Unlock()
	}()

	d.RequestID = id
	if err := a.publish(ctx, a.chRequest, typ, d); err != nil {
		return nil, err
	}
	if expected == 0 {
		return nil, nil
	}
	timer := time.NewTimer(a.opts.RequestTimeout)
	defer timer.Stop()
	select {
	case <-r.done:
		a.mu.Lock()
		defer a.mu.Unlock()
		if r.err != nil {
			return r.sockets, fmt.Errorf("%s: %w", typ, r.err)
		}
		return r.sockets, nil
	case <-timer.C:
	case <-ctx.Done():
	case <-a.ctx.Done():
	}
	a.mu.Lock()
	missing := make([]string, 0, len(r.missing))
	for uid := range r.missing {
		missing = append(missing, uid)
	}
	sockets, rerr := r.sockets, r.err
	a.mu.Unlock()
	if rerr != nil {
		return sockets, fmt.Errorf("%s: %w", typ, rerr)
	}
	if len(missing) == 0 { // answered just now
		return sockets, nil
	}
	switch {
	case a.ctx.Err() != nil:
		return sockets, ErrClosed
	case ctx.Err() != nil:
		return sockets, fmt.Errorf("%s interrupted: %w", typ, ctx.Err())
	}
	// A node that does not answer is most likely gone; forgetting it
	// until its next message keeps it from delaying every request until
	// its heartbeat expires.
	slices.Sort(missing)
	for _, uid := range missing {
		a.removeNode(uid)
	}
	a.log.Warn("redisadapter: nodes did not answer in time; forgetting them until they are heard from",
		"request", typ.String(), "missing", missing, "timeout", a.opts.RequestTimeout)
	return sockets, fmt.Errorf("%s: %d of %d nodes did not answer within %s: %w",
		typ, len(missing), expected, a.opts.RequestTimeout, ErrTimeout)
}

// answered records a node's answer to a pending request.
func (a *Adapter) answered(m *message) {
	a.mu.Lock()
	defer a.mu.Unlock()
	r := a.pending[m.Data.RequestID]
	if r == nil {
		return // timed out, or not ours
	}
	if _, ok := r.missing[m.UID]; !ok {
		return
	}
	delete(r.missing, m.UID)
	r.sockets = append(r.sockets, m.Data.Sockets...)
	r.finishLocked()
}

// heard records that node uid is alive; it reports whether the node was
// new.
func (a *Adapter) heard(uid string) bool {
	a.mu.Lock()
	if _, ok := a.closed[uid]; ok {
		a.mu.Unlock()
		return false // a straggler from a node that closed
	}
	_, known := a.nodes[uid]
	a.nodes[uid] = time.Now()
	a.mu.Unlock()
	if !known {
		a.log.Debug("redisadapter: node joined", "node", uid)
	}
	return !known
}

// removeNode forgets uid and stops waiting for its answers.
func (a *Adapter) removeNode(uid string) {
	a.mu.Lock()
	_, known := a.nodes[uid]
	delete(a.nodes, uid)
	for _, r := range a.pending {
		delete(r.missing, uid)
		r.finishLocked()
	}
	a.mu.Unlock()
	if known && a.opts.OnNodeLeft != nil && a.ctx.Err() == nil {
		go a.opts.OnNodeLeft(uid)
	}
}

// nodeClosed forgets uid, which announced its close, and ignores what
// still arrives from it for HeartbeatTimeout.
func (a *Adapter) nodeClosed(uid string) {
	a.mu.Lock()
	a.closed[uid] = time.Now()
	a.mu.Unlock()
	a.removeNode(uid)
}

// expireNodes forgets the nodes silent for longer than HeartbeatTimeout,
// and the closed ones after as long.
func (a *Adapter) expireNodes(now time.Time) {
	var gone []string
	a.mu.Lock()
	for uid, at := range a.closed {
		if now.Sub(at) > a.opts.HeartbeatTimeout {
			delete(a.closed, uid)
		}
	}
	for uid, seen := range a.nodes {
		if now.Sub(seen) > a.opts.HeartbeatTimeout {
			gone = append(gone, uid)
		}
	}
	a.mu.Unlock()
	for _, uid := range gone {
		a.log.Info("redisadapter: node seems down", "node", uid)
		a.removeNode(uid)
	}
}

func (a *Adapter) knownNodes() []string {
	a.mu.Lock()
	out := make([]string, 0, len(a.nodes))
	for uid := range a.nodes {
		out = append(out, uid)
	}
	a.mu.Unlock()
	slices.Sort(out)
	return out
}
