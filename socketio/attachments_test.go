package socketio_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/livedesk/livedesk/socketio"
)

// TestAttachmentsLikeNode checks that the server takes what the reference
// server takes: more than 64 binary attachments in one event, and a plain
// object shaped like a placeholder next to a real binary (the official
// client sends both as placeholders naming the same attachment, which the
// reference server binds to that attachment).
func TestAttachmentsLikeNode(t *testing.T) {
	t.Parallel()
	many := make([]string, 100)
	for i := range many {
		many[i] = fmt.Sprintf(`{"_placeholder":true,"num":%d}`, i)
	}
	tests := []struct {
		name        string
		header      string
		attachments int
		wantBack    int // attachments echoed back by the acknowledgement
	}{
		{"100 attachments", `5100-1["echo",` + strings.Join(many, ",") + `]`, 100, 100},
		{"placeholder-shaped object", `51-1["echo",{"_placeholder":true,"num":0},{"_placeholder":true,"num":0}]`, 1, 2},
	}
	_, url := startServer(t, socketio.Options{}, conformance)
	for _, tr := range transports {
		for _, tt := range tests {
			t.Run(tr+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				c := dial(t, url, tr)
				mustConnect(t, c, "/", "")
				expectText(t, c, `2["auth",{}]`)
				if err := c.SendText(tt.header); err != nil {
					t.Fatal(err)
				}
				for i := 0; i < tt.attachments; i++ {
					if err := c.SendBinary([]byte{byte(i)}); err != nil {
						t.Fatal(err)
					}
				}
				p, err := c.NextPacket(wait)
				if err != nil {
					t.Fatalf("waiting for the acknowledgement: %v", err)
				}
				if p.Type != socketio.PacketBinaryAck || p.ID != 1 || len(p.Attachments) != tt.wantBack {
					t.Fatalf("got %s id %d with %d attachments, want BINARY_ACK 1 with %d", p.Type, p.ID, len(p.Attachments), tt.wantBack)
				}
				for i, a := range p.Attachments {
					want := byte(i)
					if tt.attachments == 1 {
						want = 0
					}
					if !bytes.Equal(a, []byte{want}) {
						t.Fatalf("attachment %d is %v, want [%d]", i, a, want)
					}
				}
			})
		}
	}
}
