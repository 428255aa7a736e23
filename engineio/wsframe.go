package engineio

import (
	"encoding/binary"
	"errors"
	"unicode/utf8"

	"github.com/gobwas/ws"
)

// WebSocket framing. gobwas/ws does the handshake and defines the frame
// header, its validation and the masking cipher; this file parses frames
// out of whatever bytes a read returned (reads are driven by readiness, so
// a frame may arrive in pieces) and appends server frames to a buffer, so
// that a whole queue goes out in one write.

// Frame types in a WebSocket send queue besides Engine.IO packets: the
// answers to the client's control frames. They never reach the polling
// transport.
const (
	wsPongFrame PacketType = 'P'
)

// errStopReading ends reading after a frame that closes the connection.
var errStopReading = errors.New("engineio: websocket closed")

// wsFrameHandler receives what the parser finds: complete messages
// (text or binary, reassembled from fragments) and control frames.
// payload is only valid during the call.
type wsFrameHandler interface {
	wsFrame(op ws.OpCode, payload []byte) error
}

// wsParser holds a connection's read state between reads: an incomplete
// frame's bytes and a fragmented message's data so far. An idle
// connection holds neither.
type wsParser struct {
	partial    []byte
	frag       []byte
	fragOp     ws.OpCode
	fragmented bool
	maxPayload int64
}

// consume parses the frames in b, preceded by what the previous call left,
// and hands them to h in order. A frame not complete yet is kept.
func (p *wsParser) consume(b []byte, h wsFrameHandler) error {
	fromPartial := len(p.partial) > 0
	if fromPartial {
		p.partial = append(p.partial, b...)
		b = p.partial
	}
	for len(b) > 0 {
		hdr, n, err := parseFrameHeader(b)
		if err != nil {
			return err
		}
		if n == 0 {
			break // the header is incomplete
		}
		if err := p.check(hdr); err != nil {
			return err
		}
		if int64(len(b)-n) < hdr.Length {
			break // the payload is incomplete
		}
		end := n + int(hdr.Length)
		payload := b[n:end]
		ws.Cipher(payload, hdr.Mask, 0)
		b = b[end:]
		if err := p.frame(hdr, payload, h); err != nil {
			return err
		}
	}
	p.keep(b, fromPartial)
	return nil
}

// keep stores the unparsed rest b, a suffix of p.partial when fromPartial.
func (p *wsParser) keep(b []byte, fromPartial bool) {
	switch {
	case len(b) == 0:
		p.partial = nil
	case fromPartial:
		p.partial = p.partial[:copy(p.partial, b)]
	default:
		p.partial = append([]byte(nil), b...)
	}
}

// check validates a frame header before its payload is awaited, so that
// an oversized frame is refused without buffering it.
func (p *wsParser) check(hdr ws.Header) error {
	state := ws.StateServerSide
	if p.fragmented {
		state = state.Set(ws.StateFragmented)
	}
	if err := ws.CheckHeader(hdr, state); err != nil {
		return err
	}
	if hdr.OpCode.IsData() || hdr.OpCode == ws.OpContinuation {
		if hdr.Length+int64(len(p.frag)) > p.maxPayload {
			return ErrPayloadTooLarge
		}
	}
	return nil
}

func (p *wsParser) frame(hdr ws.Header, payload []byte, h wsFrameHandler) error {
	switch {
	case hdr.OpCode.IsControl():
		return h.wsFrame(hdr.OpCode, payload)
	case hdr.OpCode == ws.OpContinuation:
		p.frag = append(p.frag, payload...)
		if !hdr.Fin {
			return nil
		}
		op, data := p.fragOp, p.frag
		p.frag, p.fragmented = nil, false
		return message(op, data, h)
	case !hdr.Fin:
		p.frag = append(p.frag[:0], payload...)
		p.fragOp, p.fragmented = hdr.OpCode, true
		return nil
	}
	return message(hdr.OpCode, payload, h)
}

// message hands over a whole data message. A text message must be UTF-8
// (RFC 6455 §8.1): one that is not fails the connection, with 1007, before
// anything of it reaches the session, so that no client is ever relayed
// invalid text (which fails its own connection).
func message(op ws.OpCode, data []byte, h wsFrameHandler) error {
	if op == ws.OpText && !utf8.Valid(data) {
		return ErrInvalidUTF8
	}
	return h.wsFrame(op, data)
}

// parseFrameHeader parses the header at the start of b; n is 0 when b does
// not hold all of it yet.
func parseFrameHeader(b []byte) (hdr ws.Header, n int, err error) {
	if len(b) < 2 {
		return hdr, 0, nil
	}
	hdr.Fin = b[0]&0x80 != 0
	hdr.Rsv = (b[0] & 0x70) >> 4
	hdr.OpCode = ws.OpCode(b[0] & 0x0f)
	hdr.Masked = b[1]&0x80 != 0
	n = 2
	switch l := b[1] & 0x7f; l {
	case 126:
		if len(b) < n+2 {
			return hdr, 0, nil
		}
		hdr.Length = int64(binary.BigEndian.Uint16(b[n:]))
		n += 2
	case 127:
		if len(b) < n+8 {
			return hdr, 0, nil
		}
		v := binary.BigEndian.Uint64(b[n:])
		if v>>63 != 0 {
			return hdr, 0, ws.ErrHeaderLengthMSB
		}
		hdr.Length = int64(v)
		n += 8
	default:
		hdr.Length = int64(l)
	}
	if hdr.Masked {
		if len(b) < n+4 {
			return hdr, 0, nil
		}
		copy(hdr.Mask[:], b[n:n+4])
		n += 4
	}
	return hdr, n, nil
}

// appendFrameHeader appends an unmasked, final frame header for a payload
// of n bytes.
func appendFrameHeader(dst []byte, op ws.OpCode, n int) []byte {
	dst = append(dst, 0x80|byte(op))
	switch {
	case n < 126:
		return append(dst, byte(n))
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(dst, 126), uint16(n))
	}
	return binary.BigEndian.AppendUint64(append(dst, 127), uint64(n))
}

// appendPackets frames q for the wire: a text frame "<type><data>" per
// packet, a binary frame for binary messages, pongs as control frames.
func appendPackets(dst []byte, q []Packet) []byte {
	for _, p := range q {
		switch {
		case p.Type == wsPongFrame:
			dst = append(appendFrameHeader(dst, ws.OpPong, len(p.Data)), p.Data...)
		case p.Binary:
			dst = append(appendFrameHeader(dst, ws.OpBinary, len(p.Data)), p.Data...)
		default:
			dst = appendFrameHeader(dst, ws.OpText, 1+len(p.Data))
			dst = append(append(dst, byte(p.Type)), p.Data...)
		}
	}
	return dst
}

// closeFrame returns a close frame with code.
func closeFrame(code ws.StatusCode) []byte {
	body := ws.NewCloseFrameBody(code, "")
	return append(appendFrameHeader(nil, ws.OpClose, len(body)), body...)
}
