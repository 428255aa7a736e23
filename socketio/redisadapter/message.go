package redisadapter

import (
	"encoding/json"
	"fmt"

	"github.com/livedesk/livedesk/socketio"
)

// messageType numbers the cluster messages as the reference socket.io
// cluster adapter does, so that a capture of the channels reads the same.
type messageType int

const (
	typeInitialHeartbeat messageType = iota + 1
	typeHeartbeat
	typeBroadcast
	typeSocketsJoin
	typeSocketsLeave
	typeDisconnectSockets
	typeFetchSockets
	typeFetchSocketsResponse
	typeServerSideEmit
	typeServerSideEmitResponse // unused: ServerSideEmit takes no acknowledgement
	typeBroadcastClientCount
	typeBroadcastAck
	typeAdapterClose
	// typeOperationAck is ours: a node confirms that it applied a join,
	// leave or disconnection, so that the caller knows when it is done.
	typeOperationAck messageType = 100
)

func (t messageType) String() string {
	switch t {
	case typeInitialHeartbeat:
		return "INITIAL_HEARTBEAT"
	case typeHeartbeat:
		return "HEARTBEAT"
	case typeBroadcast:
		return "BROADCAST"
	case typeSocketsJoin:
		return "SOCKETS_JOIN"
	case typeSocketsLeave:
		return "SOCKETS_LEAVE"
	case typeDisconnectSockets:
		return "DISCONNECT_SOCKETS"
	case typeFetchSockets:
		return "FETCH_SOCKETS"
	case typeFetchSocketsResponse:
		return "FETCH_SOCKETS_RESPONSE"
	case typeServerSideEmit:
		return "SERVER_SIDE_EMIT"
	case typeBroadcastClientCount:
		return "BROADCAST_CLIENT_COUNT"
	case typeBroadcastAck:
		return "BROADCAST_ACK"
	case typeAdapterClose:
		return "ADAPTER_CLOSE"
	case typeOperationAck:
		return "OPERATION_ACK"
	}
	return fmt.Sprintf("messageType(%d)", int(t))
}

// message is what travels on the channels.
type message struct {
	UID  string      `json:"uid"`
	Nsp  string      `json:"nsp"`
	Type messageType `json:"type"`
	Data *payload    `json:"data,omitempty"`
}

// payload holds the fields of every message type; each type uses a few.
type payload struct {
	RequestID string                     `json:"requestId,omitempty"`
	Opts      *socketio.BroadcastOptions `json:"opts,omitempty"`
	Packet    *wirePacket                `json:"packet,omitempty"`
	Rooms     []string                   `json:"rooms,omitempty"`
	Close     bool                       `json:"close,omitempty"`
	Sockets   []socketio.SocketInfo      `json:"sockets,omitempty"`
	// ClientCount is a node's count of sockets reached by a broadcast
	// with acknowledgements.
	ClientCount *int `json:"clientCount,omitempty"`
}

// wirePacket is a socketio.Packet as JSON: Data stays raw JSON, and the
// binary attachments become base64 strings.
type wirePacket struct {
	Type        socketio.PacketType `json:"type"`
	Nsp         string              `json:"nsp"`
	ID          *uint64             `json:"id,omitempty"`
	Data        json.RawMessage     `json:"data,omitempty"`
	Attachments [][]byte            `json:"attachments,omitempty"`
}

func toWire(p *socketio.Packet) *wirePacket {
	w := &wirePacket{Type: p.Type, Nsp: p.Namespace, Data: p.Data, Attachments: p.Attachments}
	if p.HasID {
		id := p.ID
		w.ID = &id
	}
	return w
}

func (w *wirePacket) packet() *socketio.Packet {
	p := &socketio.Packet{Type: w.Type, Namespace: w.Nsp, Data: w.Data, Attachments: w.Attachments}
	if w.ID != nil {
		p.ID, p.HasID = *w.ID, true
	}
	return p
}

// decodeMessage parses a channel message and checks that it carries what
// its type needs, so that the handlers need not.
func decodeMessage(b []byte) (*message, error) {
	var m message
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("failed to decode cluster message: %w", err)
	}
	if m.UID == "" {
		return nil, fmt.Errorf("cluster message %s has no uid", m.Type)
	}
	need := func(ok bool, what string) error {
		if !ok {
			return fmt.Errorf("cluster message %s from %s has no %s", m.Type, m.UID, what)
		}
		return nil
	}
	d := m.Data
	switch m.Type {
	case typeBroadcast:
		return &m, need(d != nil && d.Opts != nil && d.Packet != nil, "opts or packet")
	case typeServerSideEmit:
		return &m, need(d != nil && d.Packet != nil, "packet")
	case typeSocketsJoin, typeSocketsLeave, typeDisconnectSockets, typeFetchSockets:
		return &m, need(d != nil && d.Opts != nil, "opts")
	case typeFetchSocketsResponse, typeOperationAck:
		return &m, need(d != nil && d.RequestID != "", "requestId")
	case typeBroadcastClientCount:
		return &m, need(d != nil && d.RequestID != "" && d.ClientCount != nil, "requestId or clientCount")
	case typeBroadcastAck:
		return &m, need(d != nil && d.RequestID != "" && d.Packet != nil, "requestId or packet")
	}
	return &m, nil
}
