package redisadapter

import (
	"errors"
	"net"
	"time"

	"github.com/redis/go-redis/v9"
)

// Reconnection backoff of the subscription while Redis is unreachable.
const (
	minBackoff = 100 * time.Millisecond
	maxBackoff = 2 * time.Second
)

// receive reads the three channels until Close, reconnecting by itself.
// Messages are handled one at a time, in the order Redis delivers them, so
// that a join followed by a broadcast from the same node is applied in that
// order.
func (a *Adapter) receive() {
	defer a.wg.Done()
	a.psMu.Lock()
	// Subscribe records the channels even when Redis is unreachable; the
	// subscription's reconnections subscribe them again.
	a.subscribeLocked()
	a.psMu.Unlock()
	backoff := minBackoff
	lastRecv := time.Now()
	for a.ctx.Err() == nil {
		a.psMu.Lock()
		ps := a.ps
		a.psMu.Unlock()
		msg, err := ps.ReceiveTimeout(a.ctx, a.opts.HeartbeatInterval)
		if err != nil {
			if a.ctx.Err() != nil {
				return
			}
			if errors.Is(err, redis.ErrClosed) {
				// The Redis client was closed under the adapter: nothing
				// more can be sent or received, so stop as Close would.
				a.down(err)
				a.cancel()
				return
			}
			var nerr net.Error
			if errors.As(err, &nerr) && nerr.Timeout() {
				// Our own heartbeats come back every interval: a long
				// silence means a dead connection the kernel has not
				// noticed. A shorter one gets a ping to find out.
				if time.Since(lastRecv) < 3*a.opts.HeartbeatInterval {
					_ = ps.Ping(a.ctx)
					continue
				}
				err = errors.New("no message from redis for " + time.Since(lastRecv).Round(time.Second).String())
				a.resubscribe()
			}
			a.down(err)
			select {
			case <-a.ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, maxBackoff)
			continue
		}
		lastRecv, backoff = time.Now(), minBackoff
		switch m := msg.(type) {
		case *redis.Subscription:
			if m.Kind == "subscribe" {
				a.up()
			}
		case *redis.Message:
			a.up()
			a.handle([]byte(m.Payload))
		}
	}
}

// resubscribe replaces a subscription whose connection went silent.
func (a *Adapter) resubscribe() {
	a.psMu.Lock()
	defer a.psMu.Unlock()
	if a.ctx.Err() != nil {
		return
	}
	_ = a.ps.Close()
	a.ps = a.rdb.Subscribe(a.ctx)
	a.subscribeLocked()
}

func (a *Adapter) subscribeLocked() {
	if err := a.ps.Subscribe(a.ctx, a.chBroadcast, a.chRequest, a.responseChannel(a.uid)); err != nil {
		a.down(err)
	}
}

// up marks the subscription live; after a start or an outage, the node
// announces itself so that the others count it again at once (and answer
// with their own heartbeats).
func (a *Adapter) up() {
	if prev := a.state.Swap(stateUp); prev != stateUp {
		if prev == stateDown {
			a.log.Info("redisadapter: reconnected to redis; cross-node operations resume")
		}
		a.goPublish(a.chRequest, typeInitialHeartbeat, nil)
	}
}

// down marks the subscription lost: publishes fail fast until it is back,
// and the requests waiting for answers give up now rather than at their
// timeout (the answers could not reach us).
func (a *Adapter) down(err error) {
	if a.state.Swap(stateDown) != stateDown {
		a.log.Warn("redisadapter: lost redis; local delivery continues, cross-node operations fail until it is back", "err", err)
		a.mu.Lock()
		for _, r := range a.pending {
			r.err = ErrUnavailable
			clear(r.missing)
			r.finishLocked()
		}
		a.mu.Unlock()
	}
}

// heartbeat announces this node every HeartbeatInterval and forgets the
// nodes that went silent.
func (a *Adapter) heartbeat() {
	defer a.wg.Done()
	tick := time.NewTicker(min(time.Second, a.opts.HeartbeatInterval))
	defer tick.Stop()
	var last time.Time
	for {
		select {
		case <-a.ctx.Done():
			return
		case now := <-tick.C:
			a.expireNodes(now)
			if now.Sub(last) >= a.opts.HeartbeatInterval {
				last = now
				if err := a.publish(a.ctx, a.chRequest, typeHeartbeat, nil); err != nil {
					a.log.Debug("redisadapter: heartbeat not sent", "err", err)
				}
			}
		}
	}
}

// goPublish publishes without holding up the receive loop.
func (a *Adapter) goPublish(channel string, typ messageType, d *payload) {
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		if err := a.publish(a.ctx, channel, typ, d); err != nil {
			a.log.Debug("redisadapter: publish failed", "type", typ.String(), "err", err)
		}
	}()
}

// handle applies one message from another node to this node's sockets.
func (a *Adapter) handle(b []byte) {
	m, err := decodeMessage(b)
	if err != nil {
		a.log.Warn("redisadapter: ignoring a malformed message", "err", err)
		return
	}
	if m.UID == a.uid || m.Nsp != a.ns.Name() {
		return
	}
	if m.Type == typeAdapterClose {
		a.log.Debug("redisadapter: node left", "node", m.UID)
		a.nodeClosed(m.UID)
		return
	}
	a.heard(m.UID)
	ctx, d := a.ctx, m.Data
	switch m.Type {
	case typeInitialHeartbeat:
		a.goPublish(a.chRequest, typeHeartbeat, nil)
	case typeHeartbeat:
	case typeBroadcast:
		if d.RequestID != "" {
			a.applyBroadcastWithAck(m)
			break
		}
		_ = a.MemoryAdapter.Broadcast(ctx, d.Packet.packet(), *d.Opts)
	case typeSocketsJoin:
		_ = a.MemoryAdapter.AddSockets(ctx, *d.Opts, d.Rooms)
		a.answer(m, typeOperationAck, &payload{})
	case typeSocketsLeave:
		_ = a.MemoryAdapter.DelSockets(ctx, *d.Opts, d.Rooms)
		a.answer(m, typeOperationAck, &payload{})
	case typeDisconnectSockets:
		_ = a.MemoryAdapter.DisconnectSockets(ctx, *d.Opts, d.Close)
		a.answer(m, typeOperationAck, &payload{})
	case typeFetchSockets:
		sockets, _ := a.MemoryAdapter.FetchSockets(ctx, *d.Opts)
		a.answer(m, typeFetchSocketsResponse, &payload{Sockets: sockets})
	case typeServerSideEmit:
		if err := a.ns.DispatchServerSideEmit(ctx, d.Packet.packet()); err != nil {
			a.log.Warn("redisadapter: bad server-side emit", "from", m.UID, "err", err)
		}
	case typeFetchSocketsResponse, typeOperationAck:
		a.answered(m)
	case typeBroadcastClientCount, typeBroadcastAck:
		a.ackAnswered(m)
	default:
		a.log.Debug("redisadapter: ignoring an unknown message type", "type", m.Type.String(), "from", m.UID)
	}
}

// answer sends the answer to a request to the node that made it.
func (a *Adapter) answer(m *message, typ messageType, d *payload) {
	if m.Data.RequestID == "" {
		return // the sender does not wait
	}
	d.RequestID = m.Data.RequestID
	a.goPublish(a.responseChannel(m.UID), typ, d)
}
