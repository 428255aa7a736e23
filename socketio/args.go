package socketio

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// Args are the arguments of a received event or acknowledgement, kept as
// raw JSON until the handler decodes them into the types it expects.
// Top-level binary arguments (a Buffer or ArrayBuffer sent by the client)
// decode into []byte.
type Args struct {
	raw  []json.RawMessage
	atts [][]byte
}

// NewArgs builds Args from values encoded as for Emit, as if a client had
// sent them: handy to test event handlers without a connection.
func NewArgs(values ...any) (Args, error) {
	buf, atts, err := appendValues([]byte{'['}, nil, true, values)
	if err != nil {
		return Args{}, err
	}
	return splitArgs(append(buf, ']'), atts, 0)
}

// Len reports the number of arguments.
func (a Args) Len() int { return len(a.raw) }

// Raw returns argument i as raw JSON, or nil when i is out of range. A binary
// argument appears as its {"_placeholder":true,"num":N} object.
func (a Args) Raw(i int) json.RawMessage {
	if i < 0 || i >= len(a.raw) {
		return nil
	}
	return a.raw[i]
}

// Bytes returns argument i when it is a binary attachment.
func (a Args) Bytes(i int) ([]byte, bool) {
	n, ok := placeholderNum(a.Raw(i))
	if !ok || n >= len(a.atts) {
		return nil, false
	}
	return a.atts[n], true
}

// Attachments returns every binary attachment of the packet, indexed by the
// "num" of their placeholders (useful for binaries nested inside objects).
func (a Args) Attachments() [][]byte { return a.atts }

// ErrNoArg reports a missing argument.
var ErrNoArg = errors.New("socketio: no such argument")

// Decode stores argument i in the value pointed to by v, with encoding/json
// rules; a binary argument can be decoded into a *[]byte.
func (a Args) Decode(i int, v any) error {
	if i < 0 || i >= len(a.raw) {
		return fmt.Errorf("failed to decode argument %d: %w", i, ErrNoArg)
	}
	if b, ok := a.Bytes(i); ok {
		if p, ok := v.(*[]byte); ok {
			*p = b
			return nil
		}
	}
	if err := json.Unmarshal(a.raw[i], v); err != nil {
		return fmt.Errorf("failed to decode argument %d: %w", i, err)
	}
	return nil
}

// Values returns the arguments as values that Emit and Ack send back
// unchanged: json.RawMessage for JSON, []byte for binary attachments, and
// for JSON with binaries nested inside, a value that carries them along.
func (a Args) Values() []any {
	vs := make([]any, len(a.raw))
	for i, raw := range a.raw {
		if b, ok := a.Bytes(i); ok {
			vs[i] = b
			continue
		}
		if len(a.atts) > 0 && bytes.Contains(raw, []byte(`"_placeholder"`)) {
			vs[i] = nestedBinary{raw: raw, atts: a.atts}
			continue
		}
		vs[i] = raw
	}
	return vs
}

// nestedBinary is a received argument with binary attachments inside; when
// sent again its placeholders are renumbered for the outgoing packet.
type nestedBinary struct {
	raw  json.RawMessage
	atts [][]byte
}

// appendTo appends the argument to buf and its attachments to atts.
func (nb nestedBinary) appendTo(buf []byte, atts [][]byte) ([]byte, [][]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(nb.raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, nil, fmt.Errorf("failed to encode argument: %w", err)
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			if x["_placeholder"] == true {
				num, _ := x["num"].(json.Number)
				if n, err := num.Int64(); err == nil && n >= 0 && int(n) < len(nb.atts) {
					atts = append(atts, nb.atts[n])
					x["num"] = len(atts) - 1
				}
				return
			}
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	b, err := json.Marshal(v)
	if err != nil {
		return nil, nil, fmt.Errorf("failed to encode argument: %w", err)
	}
	return append(buf, b...), atts, nil
}

// String returns the arguments as a JSON array, for logs and tests.
func (a Args) String() string {
	var buf bytes.Buffer
	buf.WriteByte('[')
	for i, r := range a.raw {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(r)
	}
	buf.WriteByte(']')
	return buf.String()
}

// splitArgs splits a JSON array into its elements; skip drops leading
// elements (the event name).
func splitArgs(data json.RawMessage, atts [][]byte, skip int) (Args, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return Args{}, parseErr("invalid arguments")
	}
	if skip > len(raw) {
		skip = len(raw)
	}
	return Args{raw: raw[skip:], atts: atts}, nil
}

func placeholderNum(raw json.RawMessage) (int, bool) {
	if jsonKind(raw) != '{' || !bytes.Contains(raw, []byte(`"_placeholder"`)) {
		return 0, false
	}
	var ph struct {
		Placeholder bool `json:"_placeholder"`
		Num         *int `json:"num"`
	}
	if json.Unmarshal(raw, &ph) != nil || !ph.Placeholder || ph.Num == nil || *ph.Num < 0 {
		return 0, false
	}
	return *ph.Num, true
}

// appendValues appends values as JSON array elements to buf (after a
// leading element when first is false). []byte values become attachments,
// json.RawMessage values are copied verbatim and everything else goes
// through encoding/json.
func appendValues(buf []byte, atts [][]byte, first bool, values []any) ([]byte, [][]byte, error) {
	for _, v := range values {
		if !first {
			buf = append(buf, ',')
		}
		first = false
		switch x := v.(type) {
		case []byte:
			atts = append(atts, x)
			buf = append(buf, `{"_placeholder":true,"num":`...)
			buf = strconv.AppendInt(buf, int64(len(atts)-1), 10)
			buf = append(buf, '}')
		case json.RawMessage:
			if x == nil {
				buf = append(buf, "null"...)
				continue
			}
			buf = append(buf, x...)
		case string:
			buf = appendJSONString(buf, x)
		case nestedBinary:
			var err error
			if buf, atts, err = x.appendTo(buf, atts); err != nil {
				return nil, nil, err
			}
		default:
			b, err := json.Marshal(v)
			if err != nil {
				return nil, nil, fmt.Errorf("failed to encode argument: %w", err)
			}
			buf = append(buf, b...)
		}
	}
	return buf, atts, nil
}

func appendJSONString(buf []byte, s string) []byte {
	simple := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x7f || c == '<' || c == '>' || c == '&' {
			simple = false
			break
		}
	}
	if simple {
		buf = append(buf, '"')
		buf = append(buf, s...)
		return append(buf, '"')
	}
	b, _ := json.Marshal(s)
	return append(buf, b...)
}

// ErrReservedEvent is returned when emitting an event whose name the client
// library reserves for its own lifecycle ("connect", "disconnect"…).
var ErrReservedEvent = errors.New("socketio: reserved event name")

// newEventPacket builds an EVENT (or BINARY_EVENT) packet for event with
// args, plus offset as the last argument when it is not empty.
func newEventPacket(nsp, event string, args []any, offset string) (*Packet, error) {
	if reservedEvents[event] {
		return nil, fmt.Errorf("failed to emit %q: %w", event, ErrReservedEvent)
	}
	buf := make([]byte, 0, 64)
	buf = append(buf, '[')
	buf = appendJSONString(buf, event)
	buf, atts, err := appendValues(buf, nil, false, args)
	if err != nil {
		return nil, err
	}
	if offset != "" {
		buf = append(buf, ',')
		buf = appendJSONString(buf, offset)
	}
	buf = append(buf, ']')
	t := PacketEvent
	if len(atts) > 0 {
		t = PacketBinaryEvent
	}
	return &Packet{Type: t, Namespace: nsp, Data: buf, Attachments: atts}, nil
}

// newClientEventPacket builds an event for clients. Under connection state
// recovery (recovery true), an event without an offset whose last element
// is a string (the event name, when it has no arguments) gets a trailing
// null: the official client takes the last string argument of every event
// as its recovery offset, and a foreign one would then be sent back as the
// offset to replay from. With the null it keeps the last real offset it
// received, so the replay neither drops nor repeats events.
func newClientEventPacket(nsp, event string, args []any, offset string, recovery bool) (*Packet, error) {
	p, err := newEventPacket(nsp, event, args, offset)
	if err != nil || !recovery || offset != "" {
		return p, err
	}
	if d := p.Data; len(d) >= 2 && d[len(d)-2] == '"' {
		p.Data = append(d[:len(d)-1], ",null]"...)
	}
	return p, nil
}

// newAckPacket builds an ACK (or BINARY_ACK) packet answering id.
func newAckPacket(nsp string, id uint64, args []any) (*Packet, error) {
	buf := make([]byte, 0, 32)
	buf = append(buf, '[')
	buf, atts, err := appendValues(buf, nil, true, args)
	if err != nil {
		return nil, err
	}
	buf = append(buf, ']')
	t := PacketAck
	if len(atts) > 0 {
		t = PacketBinaryAck
	}
	return &Packet{Type: t, Namespace: nsp, ID: id, HasID: true, Data: buf, Attachments: atts}, nil
}
