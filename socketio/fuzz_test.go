package socketio

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzDecoder feeds a sequence of Engine.IO messages to a Decoder. The
// input holds the messages separated by 0x1e; a message starting with 0x00
// is binary. The decoder must never panic, must bound what it buffers, and
// every packet it accepts must survive an encode/decode round trip.
func FuzzDecoder(f *testing.F) {
	seeds := []string{
		`0`, `0{"token":"123"}`, `0/custom,{"a":1}`, `1/admin,`, `2["message",1,"2",{"3":[true]}]`,
		`2456["message-with-ack",1]`, `3456[1,"2"]`, `4{"message":"x"}`,
		"51-[\"m\",{\"_placeholder\":true,\"num\":0}]\x1e\x00\x01\x02\x03",
		"62-789[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]\x1e\x00\x01\x1e\x00\x02",
		"51-[\"m\",{\"_placeholder\":true,\"num\":4}]\x1e\x00\x01",
		"52-[\"m\",{\"_placeholder\":true,\"num\":0}]\x1e\x00\x01\x1e\x00\x02",
		"50-[\"m\",{\"_placeholder\":true,\"num\":0}]",
		"52-[\"m\",{\"a\":{\"_placeholder\":true,\"num\":1}},[{\"_placeholder\":true,\"num\":0}]]\x1e\x00\x01\x1e\x00\x02",
		"\x00\x01", `42{}`, `2abc["x"]`, `2["disconnect"]`, `5999999-[]`, `2[{"_placeholder":true,"num":0}]`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		d := Decoder{MaxAttachments: 8, MaxAttachmentBytes: 1 << 10}
		for _, msg := range bytes.Split(in, []byte{0x1e}) {
			binary := len(msg) > 0 && msg[0] == 0
			if binary {
				msg = msg[1:]
			}
			p, err := d.Add(msg, binary)
			if err != nil {
				return
			}
			if d.size > d.maxBytes() || len(d.pending.attachmentsOrNil()) > d.maxAttachments() {
				t.Fatalf("decoder buffers %d bytes, %d attachments", d.size, len(d.pending.attachmentsOrNil()))
			}
			if p == nil {
				continue
			}
			var back Decoder
			var q *Packet
			for i, fr := range p.Encode() {
				if q, err = back.Add(fr, i > 0); err != nil {
					t.Fatalf("re-decoding %q: %v", fr, err)
				}
			}
			if q == nil || q.Type != p.Type || q.Namespace != p.Namespace || q.ID != p.ID || !bytes.Equal(q.Data, p.Data) {
				t.Fatalf("round trip changed %+v into %+v", p, q)
			}
			if p.Type != PacketEvent && p.Type != PacketBinaryEvent {
				continue
			}
			// Arguments sent back as they came (an echo) make a valid
			// packet with the same attachments.
			args, err := splitArgs(p.Data, p.Attachments, 1)
			if err != nil {
				t.Fatalf("split %q: %v", p.Data, err)
			}
			echo, err := newEventPacket("/", "echo", args.Values(), "")
			if err != nil {
				t.Fatalf("echo of %q: %v", p.Data, err)
			}
			var e Decoder
			var got *Packet
			for i, fr := range echo.Encode() {
				if got, err = e.Add(fr, i > 0); err != nil {
					t.Fatalf("decoding the echo %q of %q: %v", fr, p.Data, err)
				}
			}
			// Each placeholder of the echo carries its own copy: an
			// attachment named twice goes twice, one never named not at all.
			want := 0
			if p.Type == PacketBinaryEvent {
				want = countPlaceholders(t, p.Data)
			}
			if got == nil || len(got.Attachments) != want {
				t.Fatalf("echo of %q lost attachments", p.Data)
			}
		}
	})
}

func countPlaceholders(t *testing.T, data []byte) int {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	n := 0
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			if x["_placeholder"] == true {
				n++
				return
			}
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return n
}

func (p *Packet) attachmentsOrNil() [][]byte {
	if p == nil {
		return nil
	}
	return p.Attachments
}
