package engineio

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gobwas/ws"
)

// clientFrame is a masked frame as a client sends it.
func clientFrame(t testing.TB, op ws.OpCode, fin bool, payload []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	f := ws.MaskFrame(ws.NewFrame(op, fin, bytes.Clone(payload)))
	if err := ws.WriteFrame(&b, f); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// frameLog records what the parser hands over.
type frameLog struct{ got []string }

func (l *frameLog) wsFrame(op ws.OpCode, payload []byte) error {
	p := string(payload)
	if len(p) > 20 {
		p = fmt.Sprintf("%s…(%d)", p[:8], len(p))
	}
	l.got = append(l.got, fmt.Sprintf("%d:%s", op, p))
	return nil
}

// TestWSParserSplitAnywhere feeds a stream of frames cut at every possible
// place — a read may end anywhere in a header, a mask or a payload — and
// checks that the same messages come out: fragments reassembled, control
// frames between fragments delivered at once, 7-, 16- and 64-bit lengths.
func TestWSParserSplitAnywhere(t *testing.T) {
	big := bytes.Repeat([]byte("b"), 70000)
	mid := []byte("4" + strings.Repeat("m", 300))
	var stream []byte
	for _, f := range [][]byte{
		clientFrame(t, ws.OpText, true, []byte("4hello")),
		clientFrame(t, ws.OpText, false, []byte("4fr")),
		clientFrame(t, ws.OpPing, true, []byte("are you there")),
		clientFrame(t, ws.OpContinuation, false, []byte("ag")),
		clientFrame(t, ws.OpContinuation, true, []byte("ment")),
		clientFrame(t, ws.OpText, true, mid),
		clientFrame(t, ws.OpBinary, true, big),
		clientFrame(t, ws.OpText, true, nil),
		clientFrame(t, ws.OpClose, true, ws.NewCloseFrameBody(ws.StatusNormalClosure, "")),
	} {
		stream = append(stream, f...)
	}
	want := []string{"1:4hello", "9:are you there", "1:4fragment", "1:4mmmmmmm…(301)", "2:bbbbbbbb…(70000)", "1:", "8:\x03\xe8"}

	run := func(t *testing.T, cuts []int) {
		t.Helper()
		p := wsParser{maxPayload: 1 << 20}
		var log frameLog
		prev := 0
		for _, c := range append(cuts, len(stream)) {
			// A copy per read, as the reactor's buffer is reused.
			if err := p.consume(bytes.Clone(stream[prev:c]), &log); err != nil {
				t.Fatalf("cuts %v: %v", cuts, err)
			}
			prev = c
		}
		if fmt.Sprint(log.got) != fmt.Sprint(want) {
			t.Fatalf("cuts %v:\n got %q\nwant %q", cuts, log.got, want)
		}
		if p.partial != nil || p.frag != nil {
			t.Fatalf("cuts %v: parser keeps %d partial and %d fragment bytes after a complete stream", cuts, len(p.partial), len(p.frag))
		}
	}
	// One cut at every offset of the first 400 bytes (all headers and
	// masks of the small frames), and around the big frame's header.
	for c := 1; c < 400; c++ {
		run(t, []int{c})
	}
	bigAt := bytes.Index(stream, clientFrame(t, ws.OpText, true, mid)) + len(clientFrame(t, ws.OpText, true, mid))
	for c := bigAt - 2; c < bigAt+16; c++ {
		run(t, []int{c})
	}
	// Byte by byte, and random reads.
	every := make([]int, 0, len(stream))
	for c := 1; c < len(stream); c++ {
		every = append(every, c)
	}
	run(t, every)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		var cuts []int
		for c := rng.IntN(3000) + 1; c < len(stream); c += rng.IntN(3000) + 1 {
			cuts = append(cuts, c)
		}
		run(t, cuts)
	}
}

// TestWSParserRejects checks the frames a server must refuse, and that an
// oversized frame is refused from its header, before its payload is read.
func TestWSParserRejects(t *testing.T) {
	unmasked := append(appendFrameHeader(nil, ws.OpText, 2), "4x"...)
	rsv := clientFrame(t, ws.OpText, true, []byte("4x"))
	rsv[0] |= 0x40
	bigHeader := clientFrame(t, ws.OpText, true, make([]byte, 2000))[:8]
	longPing := clientFrame(t, ws.OpPing, true, make([]byte, 126))
	msb := []byte{0x81, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 1}
	tests := []struct {
		name   string
		stream []byte
		want   error
	}{
		{"unmasked", unmasked, ws.ErrProtocolMaskRequired},
		{"rsv without extension", rsv, ws.ErrProtocolNonZeroRsv},
		{"continuation first", clientFrame(t, ws.OpContinuation, true, []byte("x")), ws.ErrProtocolContinuationUnexpected},
		{"text inside a fragmented message", append(clientFrame(t, ws.OpText, false, []byte("4a")), clientFrame(t, ws.OpText, true, []byte("4b"))...), ws.ErrProtocolContinuationExpected},
		{"control frame over 125 bytes", longPing, ws.ErrProtocolControlPayloadOverflow},
		{"fragmented control frame", clientFrame(t, ws.OpPing, false, nil), ws.ErrProtocolControlNotFinal},
		{"reserved opcode", clientFrame(t, ws.OpCode(3), true, nil), ws.ErrProtocolOpCodeReserved},
		{"length with the top bit set", msb, ws.ErrHeaderLengthMSB},
		{"frame over maxPayload, header only", bigHeader, ErrPayloadTooLarge},
		{"fragments adding up over maxPayload", append(clientFrame(t, ws.OpText, false, make([]byte, 600)), clientFrame(t, ws.OpContinuation, true, make([]byte, 600))...), ErrPayloadTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := wsParser{maxPayload: 1000}
			var log frameLog
			err := p.consume(tt.stream, &log)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v (frames %q)", err, tt.want, log.got)
			}
		})
	}
}

// TestAppendFrameHeader checks the server's headers at the length
// encodings' boundaries against the parser, and the packets' framing.
func TestAppendFrameHeader(t *testing.T) {
	for _, n := range []int{0, 1, 125, 126, 127, 65535, 65536, 1 << 20} {
		b := appendFrameHeader(nil, ws.OpBinary, n)
		hdr, hl, err := parseFrameHeader(append(b, make([]byte, 4)...))
		if err != nil || hl != len(b) || hdr.Length != int64(n) || !hdr.Fin || hdr.OpCode != ws.OpBinary || hdr.Masked {
			t.Fatalf("n=%d: header %x parsed as %+v (%d bytes, err %v)", n, b, hdr, hl, err)
		}
	}
	got := appendPackets(nil, []Packet{
		{Type: PacketMessage, Data: []byte("hi")},
		{Type: PacketMessage, Data: []byte{1, 2}, Binary: true},
		{Type: wsPongFrame, Data: []byte("p")},
		{Type: PacketPing},
	})
	want := []byte("\x81\x034hi\x82\x02\x01\x02\x8a\x01p\x81\x012")
	if !bytes.Equal(got, want) {
		t.Fatalf("appendPackets = %q, want %q", got, want)
	}
}
