package engineio

import (
	"encoding/base64"
	"errors"
	"fmt"
)

// PacketType is the type of an Engine.IO packet, sent as one ASCII digit.
type PacketType byte

// The packet types of protocol revision 4.
const (
	PacketOpen    PacketType = '0'
	PacketClose   PacketType = '1'
	PacketPing    PacketType = '2'
	PacketPong    PacketType = '3'
	PacketMessage PacketType = '4'
	PacketUpgrade PacketType = '5'
	PacketNoop    PacketType = '6'
)

// String returns the protocol name of the packet type.
func (t PacketType) String() string {
	switch t {
	case PacketOpen:
		return "open"
	case PacketClose:
		return "close"
	case PacketPing:
		return "ping"
	case PacketPong:
		return "pong"
	case PacketMessage:
		return "message"
	case PacketUpgrade:
		return "upgrade"
	case PacketNoop:
		return "noop"
	}
	return fmt.Sprintf("PacketType(%d)", byte(t))
}

// Packet is one Engine.IO packet. Binary is only meaningful for message
// packets: their Data is raw bytes rather than UTF-8 text.
type Packet struct {
	Type   PacketType
	Data   []byte
	Binary bool
}

// ErrInvalidPacket reports bytes that are not an Engine.IO packet.
var ErrInvalidPacket = errors.New("engineio: invalid packet")

// binaryPrefix marks a base64-encoded binary message in text encodings.
const binaryPrefix = 'b'

// DecodePacket decodes one packet as carried by a WebSocket frame or by one
// segment of a polling payload. A binary frame (binary=true) is a message
// packet whose data is b itself. A text packet starting with 'b' is a binary
// message in base64.
//
// The returned Data aliases b, except for base64 packets, which are decoded
// into a new slice.
func DecodePacket(b []byte, binary bool) (Packet, error) {
	if binary {
		return Packet{Type: PacketMessage, Data: b, Binary: true}, nil
	}
	if len(b) == 0 {
		return Packet{}, fmt.Errorf("%w: empty", ErrInvalidPacket)
	}
	if b[0] == binaryPrefix {
		data := make([]byte, base64.StdEncoding.DecodedLen(len(b)-1))
		n, err := base64.StdEncoding.Decode(data, b[1:])
		if err != nil {
			return Packet{}, fmt.Errorf("%w: bad base64: %w", ErrInvalidPacket, err)
		}
		return Packet{Type: PacketMessage, Data: data[:n], Binary: true}, nil
	}
	t := PacketType(b[0])
	if t < PacketOpen || t > PacketNoop {
		return Packet{}, fmt.Errorf("%w: unknown type %q", ErrInvalidPacket, b[0])
	}
	return Packet{Type: t, Data: b[1:]}, nil
}

// AppendPacket appends the text encoding of p to dst: the type digit and the
// data, or 'b' and base64 for a binary message.
func AppendPacket(dst []byte, p Packet) []byte {
	if p.Binary {
		dst = append(dst, binaryPrefix)
		return base64.StdEncoding.AppendEncode(dst, p.Data)
	}
	dst = append(dst, byte(p.Type))
	return append(dst, p.Data...)
}

// encodedLen is the length AppendPacket adds for p.
func encodedLen(p Packet) int {
	if p.Binary {
		return 1 + base64.StdEncoding.EncodedLen(len(p.Data))
	}
	return 1 + len(p.Data)
}
