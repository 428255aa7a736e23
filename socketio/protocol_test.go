package socketio_test

import (
	"strings"
	"testing"

	"github.com/livedesk/livedesk/socketio"
)

func TestConnectNamespaces(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		send     string
		prefix   string
		authWant string
	}{
		{"main", "0", "0{", `2["auth",{}]`},
		{"main with auth", `0{"token":"123"}`, "0{", `2["auth",{"token":"123"}]`},
		{"custom", "0/custom,", "0/custom,{", `2/custom,["auth",{}]`},
		{"custom with auth", `0/custom,{"token":"abc"}`, "0/custom,{", `2/custom,["auth",{"token":"abc"}]`},
	}
	_, url := startServer(t, socketio.Options{}, conformance)
	for _, tr := range transports {
		for _, tt := range tests {
			t.Run(tr+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				c := dial(t, url, tr)
				if err := c.SendText(tt.send); err != nil {
					t.Fatal(err)
				}
				got, err := c.NextText(wait)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(got, tt.prefix) || !strings.Contains(got, `"sid":"`) {
					t.Fatalf("CONNECT answer %q, want prefix %q with a sid", got, tt.prefix)
				}
				expectText(t, c, tt.authWant)
			})
		}
	}
}

func TestInvalidNamespace(t *testing.T) {
	t.Parallel()
	_, url := startServer(t, socketio.Options{}, conformance)
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			t.Parallel()
			c := dial(t, url, tr)
			_ = c.SendText("0/random")
			expectText(t, c, `4/random,{"message":"Invalid namespace"}`)
		})
	}
}

func TestMessages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		send []any // string = text packet, []byte = attachment
		want []any
	}{
		{"plain event", []any{`2["message",1,"2",{"3":[true]}]`},
			[]any{`2["message-back",1,"2",{"3":[true]}]`}},
		{"binary event", []any{`52-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`, []byte{1, 2, 3}, []byte{4, 5, 6}},
			[]any{`52-["message-back",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`, []byte{1, 2, 3}, []byte{4, 5, 6}}},
		{"ack", []any{`2456["message-with-ack",1,"2",{"3":[false]}]`},
			[]any{`3456[1,"2",{"3":[false]}]`}},
		{"binary ack", []any{`52-789["message-with-ack",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`, []byte{1, 2, 3}, []byte{4, 5, 6}},
			[]any{`62-789[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`, []byte{1, 2, 3}, []byte{4, 5, 6}}},
		{"custom namespace echo", []any{`0/custom,`, `2/custom,7["echo","x",{"_":1}]`},
			[]any{`3/custom,7["x",{"_":1}]`}},
		{"nested binaries renumbered", []any{`52-["message",{"a":{"_placeholder":true,"num":1}},{"b":[{"_placeholder":true,"num":0}]}]`, []byte{1}, []byte{2}},
			[]any{`52-["message-back",{"a":{"_placeholder":true,"num":0}},{"b":[{"_placeholder":true,"num":1}]}]`, []byte{2}, []byte{1}}},
		{"numeric event name", []any{`2[42]`, `2["message",null]`}, []any{`2["message-back",null]`}},
	}
	_, url := startServer(t, socketio.Options{}, conformance)
	for _, tr := range transports {
		for _, tt := range tests {
			t.Run(tr+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				c := dial(t, url, tr)
				mustConnect(t, c, "/", "")
				expectText(t, c, `2["auth",{}]`)
				for _, m := range tt.send {
					var err error
					switch m := m.(type) {
					case string:
						err = c.SendText(m)
					case []byte:
						err = c.SendBinary(m)
					}
					if err != nil {
						t.Fatal(err)
					}
					if s, ok := m.(string); ok && strings.HasPrefix(s, "0/custom") {
						if _, err := c.NextText(wait); err != nil { // CONNECT
							t.Fatal(err)
						}
						expectText(t, c, `2/custom,["auth",{}]`)
					}
				}
				for _, w := range tt.want {
					f, err := c.Next(wait)
					if err != nil {
						t.Fatalf("waiting for %v: %v", w, err)
					}
					switch w := w.(type) {
					case string:
						if f.Binary || string(f.Data) != w {
							t.Fatalf("got %q (binary %v), want %q", f.Data, f.Binary, w)
						}
					case []byte:
						if !f.Binary || string(f.Data) != string(w) {
							t.Fatalf("got %v (binary %v), want binary %v", f.Data, f.Binary, w)
						}
					}
				}
			})
		}
	}
}
