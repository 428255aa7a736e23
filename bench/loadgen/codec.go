package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
)

// The minimal Engine.IO v4 / Socket.IO v5 client codec the load generator
// needs: it classifies a text frame, and pulls the event name, the ack id
// and the few payload fields it measures without decoding the JSON.

// frameKind classifies a received WebSocket text frame.
type frameKind int

const (
	kindOther        frameKind = iota
	kindOpen                   // 0{...}: Engine.IO handshake
	kindClose                  // 1
	kindPing                   // 2: answer with 3
	kindNoop                   // 6
	kindConnect                // 40{...}: namespace joined
	kindDisconnect             // 41: the server left the namespace
	kindEvent                  // 42[...]
	kindAck                    // 43<id>[...]
	kindConnectError           // 44{...}
)

// frame is a parsed text frame. Its slices alias the frame bytes.
type frame struct {
	kind  frameKind
	nsp   string
	ackID int64 // -1 when absent
	event []byte
	data  []byte // the JSON after type, namespace and id
}

var errBadFrame = errors.New("loadgen: malformed frame")

// parseFrame parses one Engine.IO text packet and, for messages, the
// Socket.IO packet inside.
func parseFrame(b []byte) (frame, error) {
	f := frame{ackID: -1}
	if len(b) == 0 {
		return f, errBadFrame
	}
	switch b[0] {
	case '0':
		f.kind, f.data = kindOpen, b[1:]
		return f, nil
	case '1':
		f.kind = kindClose
		return f, nil
	case '2':
		f.kind, f.data = kindPing, b[1:]
		return f, nil
	case '3', '5':
		return f, nil
	case '6':
		f.kind = kindNoop
		return f, nil
	case '4':
	default:
		return f, errBadFrame
	}
	if len(b) < 2 {
		return f, errBadFrame
	}
	typ := b[1]
	rest := b[2:]
	if typ == '5' || typ == '6' {
		// Binary packets announce their attachments first: "<count>-".
		i := bytes.IndexByte(rest, '-')
		if i < 0 {
			return f, errBadFrame
		}
		rest = rest[i+1:]
	}
	f.nsp = "/"
	if len(rest) > 0 && rest[0] == '/' {
		i := bytes.IndexByte(rest, ',')
		if i < 0 {
			f.nsp, rest = string(rest), nil
		} else {
			f.nsp, rest = string(rest[:i]), rest[i+1:]
		}
	}
	i := 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	if i > 0 {
		id, err := strconv.ParseInt(string(rest[:i]), 10, 64)
		if err != nil {
			return f, errBadFrame
		}
		f.ackID = id
		rest = rest[i:]
	}
	f.data = rest
	switch typ {
	case '0':
		f.kind = kindConnect
	case '1':
		f.kind = kindDisconnect
	case '2':
		f.kind = kindEvent
		name, ok := eventName(rest)
		if !ok {
			return f, errBadFrame
		}
		f.event = name
	case '3':
		f.kind = kindAck
		if f.ackID < 0 {
			return f, errBadFrame
		}
	case '4':
		f.kind = kindConnectError
	default:
		// Binary events and acks carry nothing the benchmark measures.
		f.kind = kindOther
	}
	return f, nil
}

// eventName returns the first element of an event's JSON array, which is
// its name. Names with escapes are decoded properly.
func eventName(arr []byte) ([]byte, bool) {
	if len(arr) < 3 || arr[0] != '[' || arr[1] != '"' {
		return nil, false
	}
	end := bytes.IndexByte(arr[2:], '"')
	if end < 0 {
		return nil, false
	}
	name := arr[2 : 2+end]
	if bytes.IndexByte(name, '\\') < 0 {
		return name, true
	}
	var v []json.RawMessage
	if err := json.Unmarshal(arr, &v); err != nil || len(v) == 0 {
		return nil, false
	}
	var s string
	if err := json.Unmarshal(v[0], &s); err != nil {
		return nil, false
	}
	return []byte(s), true
}

// fieldInt finds the first `"key":<integer>` in b.
func fieldInt(b []byte, key string) (int64, bool) {
	i := indexKey(b, key)
	if i < 0 {
		return 0, false
	}
	j := i
	if j < len(b) && b[j] == '-' {
		j++
	}
	for j < len(b) && b[j] >= '0' && b[j] <= '9' {
		j++
	}
	n, err := strconv.ParseInt(string(b[i:j]), 10, 64)
	return n, err == nil
}

// fieldString finds the first `"key":"<string without escapes>"` in b.
func fieldString(b []byte, key string) ([]byte, bool) {
	i := indexKey(b, key)
	if i < 0 || i >= len(b) || b[i] != '"' {
		return nil, false
	}
	end := bytes.IndexByte(b[i+1:], '"')
	if end < 0 {
		return nil, false
	}
	return b[i+1 : i+1+end], true
}

// indexKey returns the index just after `"key":` (spaces skipped), or -1.
func indexKey(b []byte, key string) int {
	pat := make([]byte, 0, len(key)+3)
	pat = append(append(append(pat, '"'), key...), '"', ':')
	i := bytes.Index(b, pat)
	if i < 0 {
		return -1
	}
	i += len(pat)
	for i < len(b) && b[i] == ' ' {
		i++
	}
	return i
}

// appendConnect appends the CONNECT packet for namespace "/", with an
// auth object {"token":token} when token is not empty.
func appendConnect(dst []byte, token string) []byte {
	dst = append(dst, '4', '0')
	if token != "" {
		tok, _ := json.Marshal(token)
		dst = append(dst, `{"token":`...)
		dst = append(dst, tok...)
		dst = append(dst, '}')
	}
	return dst
}

// appendEvent appends an EVENT packet for namespace "/" with an optional
// ack id (id < 0: none) and one argument, already JSON.
func appendEvent(dst []byte, event string, id int64, arg []byte) []byte {
	dst = append(dst, '4', '2')
	if id >= 0 {
		dst = strconv.AppendInt(dst, id, 10)
	}
	name, _ := json.Marshal(event)
	dst = append(append(dst, '['), name...)
	if arg != nil {
		dst = append(append(dst, ','), arg...)
	}
	return append(dst, ']')
}

// benchKey extracts the broadcast's sequence number and trigger time from a
// stats:updated payload of the benchmark servers: {"seq":N,"t0":"<ns>",...}.
func benchKey(data []byte) (seq, t0 int64, ok bool) {
	seq, ok = fieldInt(data, "seq")
	if !ok {
		return 0, 0, false
	}
	s, ok := fieldString(data, "t0")
	if !ok {
		return 0, 0, false
	}
	t0, err := strconv.ParseInt(string(s), 10, 64)
	return seq, t0, err == nil
}

// appKey extracts the load generator's own numbering from a payment:added
// event of livedesk, whose payment reference it set to "bench-<seq>-<t0>".
func appKey(data []byte) (seq, t0 int64, ok bool) {
	ref, ok := fieldString(data, "reference")
	if !ok {
		return 0, 0, false
	}
	return parseReference(ref)
}

// paymentReference is the reference of the payment numbered seq, posted at t0.
func paymentReference(seq, t0 int64) string {
	return "bench-" + strconv.FormatInt(seq, 10) + "-" + strconv.FormatInt(t0, 10)
}

func parseReference(ref []byte) (seq, t0 int64, ok bool) {
	rest, found := bytes.CutPrefix(ref, []byte("bench-"))
	if !found {
		return 0, 0, false
	}
	a, b, found := bytes.Cut(rest, []byte("-"))
	if !found {
		return 0, 0, false
	}
	seq, err1 := strconv.ParseInt(string(a), 10, 64)
	t0, err2 := strconv.ParseInt(string(b), 10, 64)
	return seq, t0, err1 == nil && err2 == nil
}
