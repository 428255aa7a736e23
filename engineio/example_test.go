package engineio_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/livedesk/livedesk/engineio"
)

// An echo server: every message a client sends comes back unchanged. A
// polling client opens a session, posts a message and polls the echo.
func ExampleNewServer() {
	srv := engineio.NewServer(engineio.Options{
		OnConnection: func(c *engineio.Conn) {
			c.OnMessage(func(data []byte, binary bool) { _ = c.Send(data, binary) })
			c.OnClose(func(reason string, err error) { fmt.Println("closed:", reason) })
		},
	})
	mux := http.NewServeMux()
	mux.Handle("/engine.io/", srv)
	ts := httptest.NewServer(mux)
	defer ts.Close()

	url := ts.URL + "/engine.io/?EIO=4&transport=polling"
	res, _ := http.Get(url)
	open, _ := io.ReadAll(res.Body)
	res.Body.Close()
	sid := strings.Split(string(open), `"`)[3] // 0{"sid":"...",...}

	res, _ = http.Post(url+"&sid="+sid, "text/plain", strings.NewReader("4hello\x1ebAQID"))
	res.Body.Close()
	res, _ = http.Get(url + "&sid=" + sid)
	echo, _ := io.ReadAll(res.Body)
	res.Body.Close()
	fmt.Printf("%q\n", echo)

	_ = srv.Close(context.Background())
	// Output:
	// "4hello\x1ebAQID"
	// closed: server shutting down
}

// Broadcasting: the same slice goes to every connection, encoded once; Send
// never blocks, and a client too slow to keep up is dropped.
func ExampleConn_Send() {
	var (
		mu    sync.Mutex
		conns = map[*engineio.Conn]bool{}
		ready = make(chan struct{}, 2)
	)
	srv := engineio.NewServer(engineio.Options{
		OnConnection: func(c *engineio.Conn) {
			mu.Lock()
			conns[c] = true
			mu.Unlock()
			c.OnClose(func(string, error) {
				mu.Lock()
				delete(conns, c)
				mu.Unlock()
			})
			ready <- struct{}{}
		},
	})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Close(context.Background())

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	wsURL := "ws" + strings.TrimPrefix(ts.URL, "http") + "/engine.io/?EIO=4&transport=websocket"
	var clients []*websocket.Conn
	for range 2 {
		ws, _, err := websocket.Dial(ctx, wsURL, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		defer ws.CloseNow()
		_, _, _ = ws.Read(ctx) // open packet
		<-ready
		clients = append(clients, ws)
	}

	msg := []byte(`2["news","hello"]`)
	mu.Lock()
	for c := range conns {
		_ = c.Send(msg, false)
	}
	mu.Unlock()

	for _, ws := range clients {
		_, data, _ := ws.Read(ctx)
		fmt.Println(string(data))
	}
	// Output:
	// 42["news","hello"]
	// 42["news","hello"]
}

func ExampleAppendPayload() {
	payload := engineio.AppendPayload(nil, []engineio.Packet{
		{Type: engineio.PacketMessage, Data: []byte("hello")},
		{Type: engineio.PacketPing},
		{Type: engineio.PacketMessage, Data: []byte{1, 2, 3, 4}, Binary: true},
	})
	fmt.Printf("%q\n", payload)
	// Output: "4hello\x1e2\x1ebAQIDBA=="
}

func ExampleDecodePayload() {
	err := engineio.DecodePayload([]byte("4hello\x1ebAQIDBA=="), func(p engineio.Packet) error {
		fmt.Println(p.Type, p.Binary, p.Data)
		return nil
	})
	fmt.Println(err)
	// Output:
	// message false [104 101 108 108 111]
	// message true [1 2 3 4]
	// <nil>
}
