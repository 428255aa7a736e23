package socketio

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// PacketType is the Socket.IO v5 packet type, the first character of every
// text packet.
type PacketType byte

// The seven packet types of the Socket.IO v5 protocol.
const (
	PacketConnect PacketType = iota
	PacketDisconnect
	PacketEvent
	PacketAck
	PacketConnectError
	PacketBinaryEvent
	PacketBinaryAck
)

func (t PacketType) String() string {
	switch t {
	case PacketConnect:
		return "CONNECT"
	case PacketDisconnect:
		return "DISCONNECT"
	case PacketEvent:
		return "EVENT"
	case PacketAck:
		return "ACK"
	case PacketConnectError:
		return "CONNECT_ERROR"
	case PacketBinaryEvent:
		return "BINARY_EVENT"
	case PacketBinaryAck:
		return "BINARY_ACK"
	}
	return "PacketType(" + strconv.Itoa(int(t)) + ")"
}

func (t PacketType) binary() bool { return t == PacketBinaryEvent || t == PacketBinaryAck }

// Packet is one decoded Socket.IO packet. Data is the raw JSON payload (nil
// when the packet has none); binary packets carry their attachments, which
// Data references with {"_placeholder":true,"num":N} objects.
//
// Packet is exported so that adapters can forward packets between nodes.
type Packet struct {
	Type        PacketType
	Namespace   string
	ID          uint64
	HasID       bool
	Data        json.RawMessage
	Attachments [][]byte
}

// ErrParse wraps every decoding failure; the server closes the offending
// connection with the reason "parse error".
var ErrParse = errors.New("socketio: parse error")

func parseErr(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrParse, fmt.Sprintf(format, a...))
}

// maxAckID keeps ack ids within the integers a JavaScript peer can represent.
const maxAckID = 1<<53 - 1

// Encode returns the wire frames of p: the text frame first, then one binary
// frame per attachment. The slices may be shared by many connections and are
// never modified afterwards.
func (p *Packet) Encode() [][]byte {
	frames := make([][]byte, 0, 1+len(p.Attachments))
	frames = append(frames, p.AppendText(nil))
	return append(frames, p.Attachments...)
}

// AppendText appends the text frame of p to buf.
func (p *Packet) AppendText(buf []byte) []byte {
	buf = append(buf, '0'+byte(p.Type))
	if p.Type.binary() {
		buf = strconv.AppendInt(buf, int64(len(p.Attachments)), 10)
		buf = append(buf, '-')
	}
	if p.Namespace != "" && p.Namespace != "/" {
		buf = append(buf, p.Namespace...)
		buf = append(buf, ',')
	}
	if p.HasID {
		buf = strconv.AppendUint(buf, p.ID, 10)
	}
	return append(buf, p.Data...)
}

// Decoder turns Engine.IO messages into packets. A binary packet spans
// several messages: its text header and then its attachments. A Decoder is
// not safe for concurrent use; each connection owns one.
type Decoder struct {
	// MaxAttachments bounds the attachment count a header may announce
	// (default 10000), and MaxAttachmentBytes the bytes buffered while a
	// binary packet is being reassembled (default 16 MiB), so that a lying
	// peer cannot make the server buffer without bound. The reference
	// server sets no count limit; these defaults are far above what a
	// client sends within the payload limit.
	MaxAttachments     int
	MaxAttachmentBytes int

	pending *Packet
	want    int
	size    int
}

// Add feeds one Engine.IO message. It returns the completed packet, or nil
// while a binary packet still awaits attachments. Every error wraps ErrParse
// and leaves the decoder unusable for this connection.
func (d *Decoder) Add(data []byte, binary bool) (*Packet, error) {
	if binary {
		if d.pending == nil {
			return nil, parseErr("binary message while not reconstructing a packet")
		}
		d.size += len(data)
		if d.size > d.maxBytes() {
			return nil, parseErr("attachments exceed %d bytes", d.maxBytes())
		}
		d.pending.Attachments = append(d.pending.Attachments, data)
		if len(d.pending.Attachments) < d.want {
			return nil, nil
		}
		p := d.pending
		d.pending = nil
		if err := checkPlaceholders(p.Data, len(p.Attachments)); err != nil {
			return nil, err
		}
		return p, nil
	}
	if d.pending != nil {
		return nil, parseErr("text message while reconstructing a binary packet")
	}
	p, n, err := decodeText(data, d.maxAttachments())
	if err != nil {
		return nil, err
	}
	if p.Type.binary() {
		if n == 0 {
			if err := checkPlaceholders(p.Data, 0); err != nil {
				return nil, err
			}
			return p, nil
		}
		d.pending, d.want, d.size = p, n, 0
		// Grown as attachments arrive: the announced count costs nothing
		// until they do.
		p.Attachments = make([][]byte, 0, min(n, 16))
		return nil, nil
	}
	return p, nil
}

func (d *Decoder) maxAttachments() int {
	if d.MaxAttachments > 0 {
		return d.MaxAttachments
	}
	return 10000
}

func (d *Decoder) maxBytes() int {
	if d.MaxAttachmentBytes > 0 {
		return d.MaxAttachmentBytes
	}
	return 16 << 20
}

// decodeText parses a text frame; n is the announced attachment count.
func decodeText(s []byte, maxAttachments int) (p *Packet, n int, err error) {
	if len(s) == 0 {
		return nil, 0, parseErr("empty packet")
	}
	if s[0] < '0' || s[0] > '6' {
		return nil, 0, parseErr("unknown packet type %q", s[0])
	}
	p = &Packet{Type: PacketType(s[0] - '0'), Namespace: "/"}
	i := 1
	if p.Type.binary() {
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if j == i || j >= len(s) || s[j] != '-' || j-i > 6 {
			return nil, 0, parseErr("illegal attachments")
		}
		n, _ = strconv.Atoi(string(s[i:j]))
		if n > maxAttachments {
			return nil, 0, parseErr("%d attachments exceed the limit of %d", n, maxAttachments)
		}
		i = j + 1
	}
	if i < len(s) && s[i] == '/' {
		j := bytes.IndexByte(s[i:], ',')
		if j < 0 {
			p.Namespace = string(s[i:])
			i = len(s)
		} else {
			p.Namespace = string(s[i : i+j])
			i += j + 1
		}
	}
	if i < len(s) && isDigit(s[i]) {
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		id, err := strconv.ParseUint(string(s[i:j]), 10, 64)
		if err != nil || id > maxAckID {
			return nil, 0, parseErr("illegal ack id")
		}
		p.ID, p.HasID = id, true
		i = j
	}
	if i < len(s) {
		p.Data = json.RawMessage(s[i:])
	}
	if err := validatePayload(p); err != nil {
		return nil, 0, err
	}
	return p, n, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// reservedEvents may not be emitted by a peer: the client library uses these
// names for its own lifecycle events.
var reservedEvents = map[string]bool{
	"connect": true, "connect_error": true, "disconnect": true,
	"disconnecting": true, "newListener": true, "removeListener": true,
}

func validatePayload(p *Packet) error {
	d := p.Data
	switch p.Type {
	case PacketConnect:
		if d == nil {
			return nil
		}
		if jsonKind(d) != '{' || !json.Valid(d) {
			return parseErr("CONNECT payload must be an object")
		}
	case PacketDisconnect:
		if d != nil {
			return parseErr("DISCONNECT takes no payload")
		}
	case PacketConnectError:
		if d == nil {
			return nil
		}
		if k := jsonKind(d); (k != '{' && k != '"') || !json.Valid(d) {
			return parseErr("CONNECT_ERROR payload must be an object or a string")
		}
	case PacketEvent, PacketBinaryEvent:
		if jsonKind(d) != '[' || !json.Valid(d) {
			return parseErr("%s payload must be an array", p.Type)
		}
		if _, err := eventName(d); err != nil {
			return err
		}
	case PacketAck, PacketBinaryAck:
		if !p.HasID {
			return parseErr("%s without an id", p.Type)
		}
		if jsonKind(d) != '[' || !json.Valid(d) {
			return parseErr("%s payload must be an array", p.Type)
		}
	}
	return nil
}

// jsonKind returns the first non-space byte of a JSON text, or 0.
func jsonKind(d []byte) byte {
	for _, c := range d {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c
	}
	return 0
}

// eventName returns the first element of a (valid) event array: a string
// that is not reserved, or a number in its JSON spelling.
func eventName(d []byte) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(d))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		return "", parseErr("invalid event payload")
	}
	tok, err := dec.Token()
	if err != nil {
		return "", parseErr("event without a name")
	}
	switch v := tok.(type) {
	case string:
		if reservedEvents[v] {
			return "", parseErr("reserved event name %q", v)
		}
		return v, nil
	case json.Number:
		return v.String(), nil
	}
	return "", parseErr("event name must be a string or a number")
}

// checkPlaceholders verifies that every placeholder in data names one of
// the n attachments, so that a lying attachment count is rejected instead
// of silently mis-binding buffers. As in the reference server, an
// attachment may be referenced twice or not at all: a client that sends a
// plain object shaped like a placeholder next to a real binary produces
// exactly that, and the object then stands for the attachment it names.
func checkPlaceholders(data json.RawMessage, n int) error {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return parseErr("invalid payload")
	}
	var walk func(v any) error
	walk = func(v any) error {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				if err := walk(e); err != nil {
					return err
				}
			}
		case map[string]any:
			if ph, ok := x["_placeholder"]; ok && ph == true {
				num, ok := x["num"].(float64)
				if !ok || num < 0 || num >= float64(n) || num != float64(int(num)) {
					return parseErr("illegal attachment placeholder")
				}
				return nil
			}
			for _, e := range x {
				if err := walk(e); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk(v)
}
