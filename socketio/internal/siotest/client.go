// Package siotest is a small Socket.IO test client speaking the raw
// protocol over HTTP long-polling or WebSocket, so that the server's tests
// can check exact packets.
package siotest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/livedesk/livedesk/socketio"
)

// Frame is one Engine.IO message payload.
type Frame struct {
	Data   []byte
	Binary bool
}

// Client is one Engine.IO session.
type Client struct {
	SID       string
	Transport string

	base   string
	sep    string
	ws     *websocket.Conn
	frames chan Frame
	closed chan struct{}
	once   sync.Once
	dec    socketio.Decoder
	sendMu sync.Mutex
	noPong atomic.Bool

	polling   chan struct{} // closed when the poll loop ends
	upgrading atomic.Bool
}

// StopPonging makes the client ignore pings, so that the server times it
// out.
func (c *Client) StopPonging() { c.noPong.Store(true) }

// Dial opens a session on url (such as http://127.0.0.1:1234/socket.io/)
// with transport "polling", "websocket" or "upgrade" (polling, then
// upgraded to WebSocket before Dial returns).
func Dial(ctx context.Context, url, transport string) (*Client, error) {
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	c := &Client{Transport: transport, base: url, sep: sep, frames: make(chan Frame, 1024), closed: make(chan struct{})}
	switch transport {
	case "websocket":
		wsURL := "ws" + strings.TrimPrefix(url, "http") + sep + "EIO=4&transport=websocket"
		ws, _, err := websocket.Dial(ctx, wsURL, nil)
		if err != nil {
			return nil, fmt.Errorf("failed to dial: %w", err)
		}
		ws.SetReadLimit(1 << 24)
		c.ws = ws
		_, open, err := ws.Read(ctx)
		if err != nil || len(open) == 0 || open[0] != '0' {
			return nil, fmt.Errorf("failed to read the open packet: %v %q", err, open)
		}
		if err := c.parseOpen(open[1:]); err != nil {
			return nil, err
		}
		go c.readWS()
	case "polling", "upgrade":
		body, err := c.get(ctx, url+sep+"EIO=4&transport=polling")
		if err != nil {
			return nil, err
		}
		if len(body) == 0 || body[0] != '0' {
			return nil, fmt.Errorf("bad open packet %q", body)
		}
		if err := c.parseOpen(body[1:]); err != nil {
			return nil, err
		}
		c.polling = make(chan struct{})
		go c.poll()
		if transport == "upgrade" {
			if err := c.upgrade(ctx); err != nil {
				return nil, err
			}
		}
	default:
		return nil, fmt.Errorf("unknown transport %q", transport)
	}
	return c, nil
}

func (c *Client) parseOpen(b []byte) error {
	var open struct {
		SID string `json:"sid"`
	}
	if err := json.Unmarshal(b, &open); err != nil {
		return fmt.Errorf("failed to decode the open packet: %w", err)
	}
	c.SID = open.SID
	return nil
}

func (c *Client) get(ctx context.Context, url string) ([]byte, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET: status %d: %s", res.StatusCode, body)
	}
	return body, nil
}

func (c *Client) pollURL() string { return c.base + c.sep + "EIO=4&transport=polling&sid=" + c.SID }

// upgrade moves the session from polling to WebSocket: probe, wait for
// the pending poll to end, then complete the upgrade.
func (c *Client) upgrade(ctx context.Context) error {
	wsURL := "ws" + strings.TrimPrefix(c.base, "http") + c.sep + "EIO=4&transport=websocket&sid=" + c.SID
	ws, _, err := websocket.Dial(ctx, wsURL, nil)
	if err != nil {
		return fmt.Errorf("failed to dial the upgrade: %w", err)
	}
	ws.SetReadLimit(1 << 24)
	if err := ws.Write(ctx, websocket.MessageText, []byte("2probe")); err != nil {
		return err
	}
	if _, msg, err := ws.Read(ctx); err != nil || string(msg) != "3probe" {
		return fmt.Errorf("probe answered %q, %v", msg, err)
	}
	c.upgrading.Store(true)
	select {
	case <-c.polling: // the server answered the pending poll with a noop
	case <-ctx.Done():
		return ctx.Err()
	}
	c.sendMu.Lock()
	c.ws = ws
	err = ws.Write(ctx, websocket.MessageText, []byte("5"))
	c.sendMu.Unlock()
	if err != nil {
		return err
	}
	c.Transport = "websocket"
	go c.readWS()
	return nil
}

func (c *Client) poll() {
	defer close(c.polling)
	for {
		body, err := c.get(context.Background(), c.pollURL())
		if err != nil {
			c.shut()
			return
		}
		for _, pkt := range bytes.Split(body, []byte{0x1e}) {
			if len(pkt) == 0 {
				continue
			}
			if pkt[0] == 'b' {
				data, err := base64.StdEncoding.DecodeString(string(pkt[1:]))
				if err != nil {
					return
				}
				c.push(Frame{Data: data, Binary: true})
				continue
			}
			if !c.handleEngine(pkt) {
				c.shut()
				return
			}
		}
		if c.upgrading.Load() {
			return
		}
	}
}

func (c *Client) readWS() {
	defer c.shut()
	for {
		typ, data, err := c.ws.Read(context.Background())
		if err != nil {
			return
		}
		if typ == websocket.MessageBinary {
			c.push(Frame{Data: data, Binary: true})
			continue
		}
		if !c.handleEngine(data) {
			return
		}
	}
}

// handleEngine handles one Engine.IO text packet; false ends the session.
func (c *Client) handleEngine(pkt []byte) bool {
	switch pkt[0] {
	case '1':
		return false
	case '2':
		if c.noPong.Load() {
			return true
		}
		_ = c.sendEngine(context.Background(), []byte("3"), false)
	case '4':
		c.push(Frame{Data: append([]byte(nil), pkt[1:]...)})
	}
	return true
}

func (c *Client) push(f Frame) {
	select {
	case c.frames <- f:
	case <-c.closed:
	}
}

func (c *Client) shut() { c.once.Do(func() { close(c.closed) }) }

// Done is closed when the server ended the session.
func (c *Client) Done() <-chan struct{} { return c.closed }

func (c *Client) sendEngine(ctx context.Context, data []byte, binary bool) error {
	c.sendMu.Lock()
	defer c.sendMu.Unlock()
	if c.ws != nil {
		if binary {
			return c.ws.Write(ctx, websocket.MessageBinary, data)
		}
		return c.ws.Write(ctx, websocket.MessageText, data)
	}
	body := data
	if binary {
		body = []byte("b" + base64.StdEncoding.EncodeToString(data))
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, c.pollURL(), bytes.NewReader(body))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("POST: status %d", res.StatusCode)
	}
	return nil
}

// SendText sends a Socket.IO text packet such as `42["hello"]`.
func (c *Client) SendText(s string) error {
	return c.sendEngine(context.Background(), append([]byte{'4'}, s...), false)
}

// SendBinary sends a binary attachment.
func (c *Client) SendBinary(b []byte) error {
	return c.sendEngine(context.Background(), b, true)
}

// Next returns the next message, or an error when none arrives in time or
// the session ended.
func (c *Client) Next(timeout time.Duration) (Frame, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case f := <-c.frames:
		return f, nil
	case <-c.closed:
		select {
		case f := <-c.frames:
			return f, nil
		default:
		}
		return Frame{}, ErrClosed
	case <-t.C:
		return Frame{}, ErrTimeout
	}
}

// NextText returns the next message, which must be text.
func (c *Client) NextText(timeout time.Duration) (string, error) {
	f, err := c.Next(timeout)
	if err != nil {
		return "", err
	}
	if f.Binary {
		return "", fmt.Errorf("got binary frame %v, want text", f.Data)
	}
	return string(f.Data), nil
}

// NextPacket decodes the next complete packet, attachments included.
func (c *Client) NextPacket(timeout time.Duration) (*socketio.Packet, error) {
	for {
		f, err := c.Next(timeout)
		if err != nil {
			return nil, err
		}
		p, err := c.dec.Add(f.Data, f.Binary)
		if err != nil {
			return nil, err
		}
		if p != nil {
			return p, nil
		}
	}
}

// Connect joins namespace nsp with an auth object (may be empty) and
// returns the CONNECT answer's payload.
func (c *Client) Connect(nsp, auth string) (string, error) {
	prefix := "0"
	if nsp != "/" && nsp != "" {
		prefix += nsp + ","
	}
	if err := c.SendText(prefix + auth); err != nil {
		return "", err
	}
	p, err := c.NextPacket(3 * time.Second)
	if err != nil {
		return "", err
	}
	if p.Type != socketio.PacketConnect {
		return "", fmt.Errorf("got %s %s, want CONNECT", p.Type, p.Data)
	}
	return string(p.Data), nil
}

// Close ends the session from the client side.
func (c *Client) Close() {
	if c.ws != nil {
		_ = c.ws.Close(websocket.StatusNormalClosure, "")
	} else {
		_ = c.sendEngine(context.Background(), []byte("1"), false)
	}
	c.shut()
}

// Abort ends the session abruptly: a WebSocket is dropped without a close
// frame; a polling client stops answering pings, as if it had vanished,
// so that the server times it out.
func (c *Client) Abort() {
	c.StopPonging()
	c.sendMu.Lock()
	ws := c.ws
	c.sendMu.Unlock()
	if ws != nil {
		_ = ws.CloseNow()
	}
	c.shut()
}

// Errors of Next.
var (
	ErrClosed  = errors.New("siotest: session closed")
	ErrTimeout = errors.New("siotest: timed out")
)
