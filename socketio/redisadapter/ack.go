package redisadapter

import (
	"context"
	"time"

	"github.com/livedesk/livedesk/socketio"
)

// BroadcastWithAck delivers p to the selected sockets of every node and
// collects their acknowledgements as the reference cluster adapter does:
// the broadcast goes out with a request id, each other node answers with
// the number of sockets it reached (BROADCAST_CLIENT_COUNT) and forwards
// each socket's answer (BROADCAST_ACK). The nodes waited for are those
// known now. If Redis cannot be reached, this node's sockets are still
// reached and the error says so.
func (a *Adapter) BroadcastWithAck(ctx context.Context, p *socketio.Packet, opts socketio.BroadcastOptions, acks socketio.BroadcastAcks) error {
	if opts.Flags.Local {
		return a.MemoryAdapter.BroadcastWithAck(ctx, p, opts, acks)
	}
	id := randomID()
	a.mu.Lock()
	others := len(a.nodes)
	a.ackRequests[id] = acks
	a.mu.Unlock()
	// The answers are taken until the caller stops waiting.
	forget := func() {
		a.mu.Lock()
		delete(a.ackRequests, id)
		a.mu.Unlock()
	}
	err := a.publish(ctx, a.chRequest, typeBroadcast, &payload{RequestID: id, Opts: &opts, Packet: toWire(p)})
	if err != nil {
		forget()
		others = 0
	} else {
		context.AfterFunc(ctx, forget)
	}
	acks.Nodes(1 + others)
	a.MemoryAdapter.BroadcastWithAckLocal(ctx, p, opts, acks)
	return err
}

// applyBroadcastWithAck reaches this node's sockets for another node's
// broadcast with acknowledgements, and sends it the count and the answers.
func (a *Adapter) applyBroadcastWithAck(m *message) {
	d := m.Data
	timeout := time.Duration(d.Opts.Flags.Timeout) * time.Millisecond
	if timeout <= 0 {
		timeout = a.opts.RequestTimeout
	}
	ctx, cancel := context.WithTimeout(a.ctx, timeout)
	context.AfterFunc(ctx, cancel)
	a.MemoryAdapter.BroadcastWithAckLocal(ctx, d.Packet.packet(), *d.Opts, &remoteAcks{a: a, to: m.UID, id: d.RequestID})
}

// remoteAcks forwards what a broadcast with acknowledgements produces on
// this node to the node that made it.
type remoteAcks struct {
	a      *Adapter
	to, id string
}

func (r *remoteAcks) Nodes(int) {}

func (r *remoteAcks) Reached(n int) {
	r.a.goPublish(r.a.responseChannel(r.to), typeBroadcastClientCount, &payload{RequestID: r.id, ClientCount: &n})
}

func (r *remoteAcks) Answered(args socketio.Args) {
	data, atts, err := socketio.EncodeArgs(args)
	if err != nil {
		r.a.log.Warn("redisadapter: cannot forward an acknowledgement", "err", err)
		return
	}
	r.a.goPublish(r.a.responseChannel(r.to), typeBroadcastAck, &payload{RequestID: r.id,
		Packet: &wirePacket{Type: socketio.PacketAck, Nsp: r.a.ns.Name(), Data: data, Attachments: atts}})
}

// ackAnswered records another node's count or answer for one of this
// node's broadcasts with acknowledgements.
func (a *Adapter) ackAnswered(m *message) {
	a.mu.Lock()
	acks := a.ackRequests[m.Data.RequestID]
	a.mu.Unlock()
	if acks == nil {
		return // no longer waited for, or not ours
	}
	if m.Type == typeBroadcastClientCount {
		acks.Reached(*m.Data.ClientCount)
		return
	}
	args, err := socketio.DecodeArgs(m.Data.Packet.Data, m.Data.Packet.Attachments)
	if err != nil {
		a.log.Warn("redisadapter: ignoring a malformed acknowledgement", "from", m.UID, "err", err)
		return
	}
	acks.Answered(args)
}
