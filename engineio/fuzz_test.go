package engineio

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/gobwas/ws"
)

// FuzzDecodePacket checks that any input either fails cleanly or decodes to
// a packet that survives an encode/decode round trip.
func FuzzDecodePacket(f *testing.F) {
	for _, s := range []string{"0{}", "1", "2probe", "3", "4hello", "5", "6", "bAQIDBA==", "", "x", "4€"} {
		f.Add([]byte(s), false)
	}
	f.Add([]byte{1, 2, 3}, true)
	f.Fuzz(func(t *testing.T, b []byte, binary bool) {
		p, err := DecodePacket(b, binary)
		if err != nil {
			return
		}
		if len(p.Data) > len(b) {
			t.Fatalf("decoded %d bytes of data from %d bytes", len(p.Data), len(b))
		}
		enc := AppendPacket(nil, p)
		if len(enc) != encodedLen(p) {
			t.Fatalf("encodedLen = %d, AppendPacket wrote %d", encodedLen(p), len(enc))
		}
		q, err := DecodePacket(enc, false)
		if err != nil {
			t.Fatalf("re-decoding %q: %v", enc, err)
		}
		if !samePackets([]Packet{p}, []Packet{q}) {
			t.Fatalf("round trip: %+v became %+v", p, q)
		}
	})
}

// FuzzDecodePayload checks that any payload either fails cleanly or decodes
// to packets whose encoding decodes to the same packets.
func FuzzDecodePayload(f *testing.F) {
	for _, s := range []string{
		"4hello", "4test1\x1e4test2\x1e4test3", "4hello\x1ebAQIDBA==", "2\x1e3\x1e6",
		"", "\x1e", "4a\x1e", "abc", "b!!!", "40\x1e42[\"chat\",\"hi\"]",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var pkts []Packet
		total := 0
		err := DecodePayload(b, func(p Packet) error {
			total += len(p.Data)
			pkts = append(pkts, p)
			return nil
		})
		if total > len(b) {
			t.Fatalf("decoded %d bytes of data from %d bytes", total, len(b))
		}
		if err != nil {
			return
		}
		enc := AppendPayload(nil, pkts)
		var again []Packet
		if err := DecodePayload(enc, func(p Packet) error {
			again = append(again, p)
			return nil
		}); err != nil {
			t.Fatalf("re-decoding %q: %v", enc, err)
		}
		if !samePackets(pkts, again) {
			t.Fatalf("round trip: %+v became %+v", pkts, again)
		}
	})
}

// FuzzWSParser feeds any byte stream to the WebSocket frame parser twice,
// whole and cut at a fuzzed place: it must never panic, must hand over the
// same frames (or fail with the same error) however the reads fall, and
// never hand over more payload than it was given.
func FuzzWSParser(f *testing.F) {
	f.Add(clientFrame(f, ws.OpText, true, []byte("4hello")), uint16(3))
	f.Add(append(clientFrame(f, ws.OpText, false, []byte("4a")), clientFrame(f, ws.OpContinuation, true, []byte("b"))...), uint16(9))
	f.Add(clientFrame(f, ws.OpBinary, true, make([]byte, 300)), uint16(2))
	f.Add([]byte{0x81, 0xff, 0, 0, 0, 0, 0, 0, 1, 0}, uint16(5))
	f.Fuzz(func(t *testing.T, stream []byte, cut uint16) {
		parse := func(parts ...[]byte) (frames []string, total int, err error) {
			p := wsParser{maxPayload: 4096}
			var log fullLog
			for _, b := range parts {
				if err := p.consume(bytes.Clone(b), &log); err != nil {
					return log.frames, log.bytes, err
				}
			}
			return log.frames, log.bytes, nil
		}
		whole, n, werr := parse(stream)
		at := int(cut) % (len(stream) + 1)
		split, _, serr := parse(stream[:at], stream[at:])
		if (werr == nil) != (serr == nil) || fmt.Sprint(whole) != fmt.Sprint(split) {
			t.Fatalf("cut at %d: whole %q (%v), split %q (%v)", at, whole, werr, split, serr)
		}
		if n > len(stream) {
			t.Fatalf("%d bytes of payload from %d bytes of input", n, len(stream))
		}
	})
}

// fullLog records whole frames and counts their bytes.
type fullLog struct {
	frames []string
	bytes  int
}

func (l *fullLog) wsFrame(op ws.OpCode, payload []byte) error {
	l.frames = append(l.frames, fmt.Sprintf("%d:%q", op, payload))
	l.bytes += len(payload)
	return nil
}
