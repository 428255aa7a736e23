package socketio

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"
)

// BroadcastAcks receives what a broadcast with acknowledgements produces.
// An adapter calls Nodes once with the number of nodes that will report
// (this one included), and for each node Reached once with the number of
// sockets it sent the event to; Answered is called with each socket's
// answer, from any goroutine. The reference adapters count the same way:
// the broadcast is complete when every node reported and as many answers
// as sockets reached came back.
type BroadcastAcks interface {
	Nodes(n int)
	Reached(n int)
	Answered(a Args)
}

// EmitWithAck sends an event to every selected socket, on every node, and
// waits for each one's acknowledgement: Node's
// io.timeout(ms).emit(ev, …, (err, responses) => …). It returns the answers
// in the order they came. When ctx ends first (give it a deadline, as Node
// needs a timeout) it returns the answers received so far with an error
// wrapping ctx.Err(). A socket that leaves without answering is waited for
// like one that does not answer, as with the reference server.
//
// The event is encoded once, with one acknowledgement id for all the
// sockets of a node; it carries no recovery offset and is not volatile.
func (b *BroadcastOperator) EmitWithAck(ctx context.Context, event string, args ...any) ([]Args, error) {
	opts := b.clone().opts
	opts.Flags.Offset, opts.Flags.Volatile = "", false
	if d, ok := ctx.Deadline(); ok {
		// Other nodes keep the acknowledgement ids this long.
		opts.Flags.Timeout = max(time.Until(d).Milliseconds(), 1)
	}
	p, err := newEventPacket(b.ns.name, event, args, "")
	if err != nil {
		return nil, err
	}
	c := newAckCollector()
	// An adapter error (another node unreachable) leaves this node's
	// sockets reached: their answers are still collected.
	aerr := b.ns.adapter.BroadcastWithAck(ctx, p, opts, c)
	select {
	case <-c.done:
		return c.answers(), aerr
	case <-ctx.Done():
		got := c.answers()
		return got, errors.Join(aerr, fmt.Errorf("failed to get every acknowledgement of %q (%d received): %w", event, len(got), ctx.Err()))
	}
}

// ackCollector is the BroadcastAcks of the node that broadcasts.
type ackCollector struct {
	mu        sync.Mutex
	nodes     int // -1 until told
	reported  int
	expected  int
	responses []Args
	done      chan struct{}
	closed    bool
}

func newAckCollector() *ackCollector {
	return &ackCollector{nodes: -1, done: make(chan struct{})}
}

func (c *ackCollector) Nodes(n int) {
	c.mu.Lock()
	c.nodes = n
	c.checkLocked()
	c.mu.Unlock()
}

func (c *ackCollector) Reached(n int) {
	c.mu.Lock()
	c.reported++
	c.expected += n
	c.checkLocked()
	c.mu.Unlock()
}

func (c *ackCollector) Answered(a Args) {
	c.mu.Lock()
	c.responses = append(c.responses, a)
	c.checkLocked()
	c.mu.Unlock()
}

func (c *ackCollector) checkLocked() {
	if !c.closed && c.nodes >= 0 && c.reported >= c.nodes && len(c.responses) >= c.expected {
		c.closed = true
		close(c.done)
	}
}

func (c *ackCollector) answers() []Args {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Args(nil), c.responses...)
}

// BroadcastWithAck sends p to the selected local sockets with one fresh
// acknowledgement id and reports to acks the count of sockets reached and
// their answers. The ids are forgotten when ctx ends; flags.Timeout, when
// set, bounds that too (for a node applying another's broadcast).
func (a *MemoryAdapter) BroadcastWithAck(ctx context.Context, p *Packet, opts BroadcastOptions, acks BroadcastAcks) error {
	a.broadcastWithAck(ctx, p, opts, acks)
	acks.Nodes(1)
	return nil
}

// BroadcastWithAckLocal is BroadcastWithAck for a cluster adapter: it
// reaches this node's sockets and reports Reached, never Nodes.
func (a *MemoryAdapter) BroadcastWithAckLocal(ctx context.Context, p *Packet, opts BroadcastOptions, acks BroadcastAcks) {
	a.broadcastWithAck(ctx, p, opts, acks)
}

func (a *MemoryAdapter) broadcastWithAck(ctx context.Context, p *Packet, opts BroadcastOptions, acks BroadcastAcks) {
	q := *p
	q.ID, q.HasID = a.ns.nextAckID(), true
	frames := q.Encode()
	var reached []*Socket
	a.ForEach(opts, func(s *Socket) {
		if s.deliverWithAck(frames, q.ID, acks.Answered) {
			reached = append(reached, s)
		}
	})
	acks.Reached(len(reached))
	if len(reached) == 0 {
		return
	}
	cancel := func() {}
	if opts.Flags.Timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, time.Duration(opts.Flags.Timeout)*time.Millisecond)
	}
	// Unanswered ids go when the wait ends, so that a socket that never
	// answers does not keep them.
	context.AfterFunc(ctx, func() {
		cancel()
		for _, s := range reached {
			s.forgetAck(q.ID)
		}
	})
}

// deliverWithAck registers the acknowledgement id and sends the frames of
// a broadcast that asks for it; it reports false if the socket is not
// connected.
func (s *Socket) deliverWithAck(frames [][]byte, id uint64, answered func(Args)) bool {
	s.mu.Lock()
	if s.state != stateConnected {
		s.mu.Unlock()
		return false
	}
	if s.acks == nil {
		s.acks = make(map[uint64]func(Args, bool))
	}
	s.acks[id] = func(a Args, ok bool) {
		if ok {
			answered(a)
		}
	}
	if s.recovery != nil {
		s.recovery.buffer(frames, "")
		s.mu.Unlock()
		return true
	}
	s.mu.Unlock()
	s.sendAs(frames, true)
	return true
}

func (s *Socket) forgetAck(id uint64) {
	s.mu.Lock()
	if s.acks != nil {
		delete(s.acks, id)
	}
	s.mu.Unlock()
}

// EncodeArgs encodes args as a JSON array and its binary attachments, for
// cluster adapters that carry acknowledgements between nodes.
func EncodeArgs(args Args) (json.RawMessage, [][]byte, error) {
	buf, atts, err := appendValues([]byte{'['}, nil, true, args.Values())
	if err != nil {
		return nil, nil, err
	}
	return append(buf, ']'), atts, nil
}

// DecodeArgs is the inverse of EncodeArgs.
func DecodeArgs(data json.RawMessage, attachments [][]byte) (Args, error) {
	if jsonKind(data) != '[' || !json.Valid(data) {
		return Args{}, parseErr("arguments must be an array")
	}
	if err := checkPlaceholders(data, len(attachments)); err != nil {
		return Args{}, err
	}
	return splitArgs(data, attachments, 0)
}
