package engineio

import (
	"testing"
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
