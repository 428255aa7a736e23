package socketio

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

type frame struct {
	data   string
	binary bool
}

func text(s string) frame { return frame{data: s} }
func bin(s string) frame  { return frame{data: s, binary: true} }

func TestDecode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		frames []frame
		want   Packet
	}{
		{"connect main", []frame{text("0")}, Packet{Type: PacketConnect, Namespace: "/"}},
		{"connect with auth", []frame{text(`0{"token":"123"}`)}, Packet{Type: PacketConnect, Namespace: "/", Data: json.RawMessage(`{"token":"123"}`)}},
		{"connect custom no comma", []frame{text("0/custom")}, Packet{Type: PacketConnect, Namespace: "/custom"}},
		{"connect custom auth", []frame{text(`0/admin,{"a":1}`)}, Packet{Type: PacketConnect, Namespace: "/admin", Data: json.RawMessage(`{"a":1}`)}},
		{"disconnect", []frame{text("1/admin,")}, Packet{Type: PacketDisconnect, Namespace: "/admin"}},
		{"event", []frame{text(`2["hello",1]`)}, Packet{Type: PacketEvent, Namespace: "/", Data: json.RawMessage(`["hello",1]`)}},
		{"event with id", []frame{text(`2/admin,456["project:delete",123]`)}, Packet{Type: PacketEvent, Namespace: "/admin", ID: 456, HasID: true, Data: json.RawMessage(`["project:delete",123]`)}},
		{"ack", []frame{text(`3/admin,456[]`)}, Packet{Type: PacketAck, Namespace: "/admin", ID: 456, HasID: true, Data: json.RawMessage(`[]`)}},
		{"connect error", []frame{text(`4{"message":"Not authorized"}`)}, Packet{Type: PacketConnectError, Namespace: "/", Data: json.RawMessage(`{"message":"Not authorized"}`)}},
		{"binary event", []frame{text(`51-["hello",{"_placeholder":true,"num":0}]`), bin("\x01\x02\x03")},
			Packet{Type: PacketBinaryEvent, Namespace: "/", Data: json.RawMessage(`["hello",{"_placeholder":true,"num":0}]`), Attachments: [][]byte{{1, 2, 3}}}},
		{"binary ack nested", []frame{text(`61-/admin,456[{"f":{"_placeholder":true,"num":0}}]`), bin("\x03")},
			Packet{Type: PacketBinaryAck, Namespace: "/admin", ID: 456, HasID: true, Data: json.RawMessage(`[{"f":{"_placeholder":true,"num":0}}]`), Attachments: [][]byte{{3}}}},
		{"binary with zero attachments", []frame{text(`50-["x"]`)}, Packet{Type: PacketBinaryEvent, Namespace: "/", Data: json.RawMessage(`["x"]`), Attachments: nil}},
		{"numeric event name", []frame{text(`2[1,2]`)}, Packet{Type: PacketEvent, Namespace: "/", Data: json.RawMessage(`[1,2]`)}},
		// As the reference server: a plain object shaped like a placeholder
		// next to a real binary (both name attachment 0), and an attachment
		// no placeholder names.
		{"placeholder-shaped object", []frame{text(`51-["x",{"_placeholder":true,"num":0},{"_placeholder":true,"num":0}]`), bin("\x01")},
			Packet{Type: PacketBinaryEvent, Namespace: "/", Data: json.RawMessage(`["x",{"_placeholder":true,"num":0},{"_placeholder":true,"num":0}]`), Attachments: [][]byte{{1}}}},
		{"attachment not referenced", []frame{text(`52-["x",{"_placeholder":true,"num":0}]`), bin("\x01"), bin("\x02")},
			Packet{Type: PacketBinaryEvent, Namespace: "/", Data: json.RawMessage(`["x",{"_placeholder":true,"num":0}]`), Attachments: [][]byte{{1}, {2}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var d Decoder
			var got *Packet
			for i, f := range tt.frames {
				p, err := d.Add([]byte(f.data), f.binary)
				if err != nil {
					t.Fatalf("frame %d: %v", i, err)
				}
				if p != nil && i != len(tt.frames)-1 {
					t.Fatalf("packet complete after frame %d of %d", i, len(tt.frames))
				}
				got = p
			}
			if got == nil {
				t.Fatal("no packet decoded")
			}
			if got.Type != tt.want.Type || got.Namespace != tt.want.Namespace || got.ID != tt.want.ID ||
				got.HasID != tt.want.HasID || !bytes.Equal(got.Data, tt.want.Data) || len(got.Attachments) != len(tt.want.Attachments) {
				t.Fatalf("got %+v, want %+v", *got, tt.want)
			}
			for i := range got.Attachments {
				if !bytes.Equal(got.Attachments[i], tt.want.Attachments[i]) {
					t.Fatalf("attachment %d: got %v, want %v", i, got.Attachments[i], tt.want.Attachments[i])
				}
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		frames []frame
	}{
		{"empty", []frame{text("")}},
		{"unknown type", []frame{text("abc")}},
		{"type 7", []frame{text("7")}},
		{"event object payload", []frame{text("2{}")}},
		{"event without payload", []frame{text("2")}},
		{"event empty array", []frame{text("2[]")}},
		{"event name object", []frame{text(`2[{}]`)}},
		{"reserved event", []frame{text(`2["connect"]`)}},
		{"invalid ack id", []frame{text(`2abc["x"]`)}},
		{"invalid json", []frame{text(`2["x"`)}},
		{"ack without id", []frame{text(`3[]`)}},
		{"ack id overflow", []frame{text(`399999999999999999999[]`)}},
		{"disconnect with payload", []frame{text(`1{}`)}},
		{"connect array payload", []frame{text(`0[]`)}},
		{"connect error boolean", []frame{text(`4true`)}},
		{"binary without dash", []frame{text(`51["x"]`)}},
		{"binary without count", []frame{text(`5-["x"]`)}},
		{"too many attachments", []frame{text(`510001-["x"]`)}},
		{"attachment count too long", []frame{text(`51000000-["x"]`)}},
		{"binary while idle", []frame{bin("\x01")}},
		{"text while reconstructing", []frame{text(`51-["x",{"_placeholder":true,"num":0}]`), text(`2["y"]`)}},
		{"placeholder out of range", []frame{text(`51-["x",{"_placeholder":true,"num":1}]`), bin("\x01")}},
		{"placeholder without num", []frame{text(`51-["x",{"_placeholder":true}]`), bin("\x01")}},
		{"placeholder fractional", []frame{text(`51-["x",{"_placeholder":true,"num":0.5}]`), bin("\x01")}},
		{"placeholder with zero count", []frame{text(`50-["x",{"_placeholder":true,"num":0}]`)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var d Decoder
			var err error
			for _, f := range tt.frames {
				if _, err = d.Add([]byte(f.data), f.binary); err != nil {
					break
				}
			}
			if !errors.Is(err, ErrParse) {
				t.Fatalf("got error %v, want ErrParse", err)
			}
		})
	}
}

func TestDecoderBoundsAttachmentBytes(t *testing.T) {
	t.Parallel()
	d := Decoder{MaxAttachmentBytes: 10}
	if _, err := d.Add([]byte(`52-["x",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`), false); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Add(make([]byte, 6), true); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Add(make([]byte, 6), true); !errors.Is(err, ErrParse) {
		t.Fatalf("got %v, want ErrParse past the byte limit", err)
	}
}

// TestEncodeGolden checks the exact wire frames of encoded packets against
// testdata/golden; run with -update to rewrite them.
func TestEncodeGolden(t *testing.T) {
	t.Parallel()
	mustEvent := func(nsp, event string, args []any, offset string) *Packet {
		p, err := newEventPacket(nsp, event, args, offset)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	mustAck := func(nsp string, id uint64, args []any) *Packet {
		p, err := newAckPacket(nsp, id, args)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name string
		p    *Packet
	}{
		{"connect_answer", &Packet{Type: PacketConnect, Namespace: "/", Data: json.RawMessage(`{"sid":"abc","pid":"xyz"}`)}},
		{"connect_error_custom", &Packet{Type: PacketConnectError, Namespace: "/random", Data: connectErrorPayload(&ConnectError{Message: "Invalid namespace"})}},
		{"connect_error_data", &Packet{Type: PacketConnectError, Namespace: "/", Data: connectErrorPayload(&ConnectError{Message: "unauthorized", Data: map[string]string{"code": "AUTH_REQUIRED"}})}},
		{"disconnect_custom", &Packet{Type: PacketDisconnect, Namespace: "/admin"}},
		{"event_values", mustEvent("/", "update", []any{1, "two", map[string]bool{"three": true}, nil, json.RawMessage(`{"raw":[1]}`)}, "")},
		{"event_offset", mustEvent("/", "payment:added", []any{map[string]int{"seq": 42}}, "42")},
		{"event_escaped_name", mustEvent("/custom", "quote\"<tag>", nil, "")},
		{"binary_event", mustEvent("/", "file", []any{[]byte{1, 2, 3}, "name", []byte{4}}, "")},
		{"ack", mustAck("/", 7, []any{"ok"})},
		{"binary_ack_custom", mustAck("/custom", 12, []any{[]byte{0xff}})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b strings.Builder
			for i, f := range tt.p.Encode() {
				if i == 0 {
					b.WriteString("text " + string(f) + "\n")
				} else {
					b.WriteString("binary " + hexString(f) + "\n")
				}
			}
			path := filepath.Join("testdata", "golden", tt.name+".txt")
			if *update {
				if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden file (run with -update): %v", err)
			}
			if b.String() != string(want) {
				t.Fatalf("frames differ from %s:\ngot:\n%s\nwant:\n%s", path, b.String(), want)
			}
			// Every encoded packet decodes back to itself.
			var d Decoder
			var back *Packet
			for i, f := range tt.p.Encode() {
				if back, err = d.Add(f, i > 0); err != nil {
					t.Fatalf("decode back: %v", err)
				}
			}
			if back == nil || back.Type != tt.p.Type || !bytes.Equal(back.Data, tt.p.Data) {
				t.Fatalf("round trip: got %+v, want %+v", back, tt.p)
			}
		})
	}
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

func TestCompareOffsets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want int
	}{
		{"9", "10", -1}, {"10", "9", 1}, {"42", "42", 0}, {"007", "7", 0},
		{"abc", "abd", -1}, {"", "1", -1},
	}
	for _, tt := range tests {
		if got := CompareOffsets(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareOffsets(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
