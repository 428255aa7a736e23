package redisadapter

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/livedesk/livedesk/socketio"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestWireFormat pins the JSON of each message type: nodes of different
// versions share the channels during a rolling deploy.
func TestWireFormat(t *testing.T) {
	t.Parallel()
	id := uint64(7)
	opts := &socketio.BroadcastOptions{Rooms: []string{"admins"}, Except: []string{"sid1"}, Flags: socketio.BroadcastFlags{Offset: "42-1"}}
	tests := []struct {
		name string
		msg  message
	}{
		{"heartbeat", message{UID: "web-1-00ff", Nsp: "/", Type: typeHeartbeat}},
		{"broadcast", message{UID: "web-1-00ff", Nsp: "/", Type: typeBroadcast, Data: &payload{Opts: opts, Packet: &wirePacket{
			Type: socketio.PacketBinaryEvent, Nsp: "/", Data: json.RawMessage(`["file",{"_placeholder":true,"num":0},"42-1"]`), Attachments: [][]byte{{0, 1, 255}},
		}}}},
		{"fetch_sockets", message{UID: "web-1-00ff", Nsp: "/", Type: typeFetchSockets, Data: &payload{RequestID: "r1", Opts: &socketio.BroadcastOptions{Rooms: []string{"admins"}}}}},
		{"fetch_sockets_response", message{UID: "web-2-00aa", Nsp: "/", Type: typeFetchSocketsResponse, Data: &payload{RequestID: "r1", Sockets: []socketio.SocketInfo{
			{ID: "sid2", Namespace: "/", Rooms: []string{"admins", "sid2"}, Data: json.RawMessage(`{"userId":1}`)},
		}}}},
		{"disconnect_sockets", message{UID: "web-1-00ff", Nsp: "/", Type: typeDisconnectSockets, Data: &payload{RequestID: "r2", Opts: &socketio.BroadcastOptions{Rooms: []string{"user:5"}}, Close: true}}},
		{"server_side_emit", message{UID: "web-1-00ff", Nsp: "/", Type: typeServerSideEmit, Data: &payload{Packet: &wirePacket{Type: socketio.PacketEvent, Nsp: "/", ID: &id, Data: json.RawMessage(`["livedesk:commit"]`)}}}},
		{"operation_ack", message{UID: "web-2-00aa", Nsp: "/", Type: typeOperationAck, Data: &payload{RequestID: "r2"}}},
	}
	for _, tt := range tests {
		got, err := json.Marshal(&tt.msg)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		path := filepath.Join("testdata", tt.name+".json")
		if *update {
			if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v (run go test -update)", tt.name, err)
		}
		if string(got) != strings.TrimSpace(string(want)) {
			t.Errorf("%s:\n got  %s\n want %s", tt.name, got, want)
		}
		back, err := decodeMessage(got)
		if err != nil {
			t.Fatalf("%s: decode: %v", tt.name, err)
		}
		again, _ := json.Marshal(back)
		if string(again) != string(got) {
			t.Errorf("%s: round trip changed it:\n got  %s\n want %s", tt.name, again, got)
		}
	}
}

func TestPacketRoundTrip(t *testing.T) {
	t.Parallel()
	for _, p := range []*socketio.Packet{
		{Type: socketio.PacketEvent, Namespace: "/", Data: json.RawMessage(`["a",1]`)},
		{Type: socketio.PacketEvent, Namespace: "/admin", ID: 0, HasID: true, Data: json.RawMessage(`["a"]`)},
		{Type: socketio.PacketBinaryEvent, Namespace: "/", Data: json.RawMessage(`["b",{"_placeholder":true,"num":0}]`), Attachments: [][]byte{{}}},
	} {
		b, _ := json.Marshal(toWire(p))
		var w wirePacket
		if err := json.Unmarshal(b, &w); err != nil {
			t.Fatal(err)
		}
		got := w.packet()
		if string(got.AppendText(nil)) != string(p.AppendText(nil)) || len(got.Attachments) != len(p.Attachments) {
			t.Errorf("round trip of %s: got %q, want %q", p.AppendText(nil), got.AppendText(nil), p.AppendText(nil))
		}
	}
}

func TestDecodeMessageRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"not json", `nope`, "failed to decode"},
		{"no uid", `{"nsp":"/","type":2}`, "no uid"},
		{"broadcast without packet", `{"uid":"x","nsp":"/","type":3,"data":{"opts":{}}}`, "no opts or packet"},
		{"broadcast without data", `{"uid":"x","nsp":"/","type":3}`, "no opts or packet"},
		{"join without opts", `{"uid":"x","nsp":"/","type":4,"data":{"rooms":["a"]}}`, "no opts"},
		{"emit without packet", `{"uid":"x","nsp":"/","type":9,"data":{}}`, "no packet"},
		{"answer without request id", `{"uid":"x","nsp":"/","type":8,"data":{"sockets":[]}}`, "no requestId"},
	}
	for _, tt := range tests {
		_, err := decodeMessage([]byte(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}
