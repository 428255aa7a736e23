// Package rawsocket is a deliberately small Socket.IO v5 client over a raw
// Engine.IO v4 WebSocket, for the tests that must see exact packets or
// misbehave on purpose: hostile clients, the authorisation sweep of socket
// events, fuzzing of command arguments, graceful shutdown and the soak.
// It speaks namespace "/" only and answers the server's pings by itself.
package rawsocket

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/coder/websocket"
)

// Packet is a Socket.IO packet received in namespace "/", other than an
// acknowledgement (those go to the Call that waits for them).
type Packet struct {
	Type  byte            // '0' CONNECT, '1' DISCONNECT, '2' EVENT, '4' CONNECT_ERROR
	Event string          // the event name of an EVENT
	Args  json.RawMessage // the arguments of an EVENT (a JSON array without the name), or the CONNECT(_ERROR) object
}

// Arg decodes argument i of an EVENT into v.
func (p Packet) Arg(i int, v any) error {
	var args []json.RawMessage
	if err := json.Unmarshal(p.Args, &args); err != nil {
		return fmt.Errorf("failed to decode arguments: %w", err)
	}
	if i >= len(args) {
		return fmt.Errorf("no argument %d in %s", i, p.Args)
	}
	return json.Unmarshal(args[i], v)
}

// ConnectError is the server's refusal of a namespace connection.
type ConnectError struct {
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

func (e *ConnectError) Error() string { return "connect_error: " + e.Message + " " + string(e.Data) }

// Code is data.code of the refusal ("" when there is none).
func (e *ConnectError) Code() string {
	var d struct {
		Code string `json:"code"`
	}
	_ = json.Unmarshal(e.Data, &d)
	return d.Code
}

// Options tune Dial.
type Options struct {
	Header    http.Header // extra handshake headers, e.g. Origin
	ReadLimit int64       // largest frame read (default 16 MiB)
	// Queue is how many unread packets are kept before the read loop blocks
	// (default 4096); a test that reads nothing should say so with NoRead.
	Queue int
	// NoRead reads the connection only inside Connect and Next, never
	// in the background: once the test stops calling them the server's
	// frames pile up in its send queue and in the kernel buffers, as with
	// a client that stopped reading.
	NoRead bool
	// HTTPClient dials the WebSocket (e.g. with a tiny receive buffer).
	HTTPClient *http.Client
}

// Client is one Engine.IO session over WebSocket.
type Client struct {
	SID string // the Engine.IO session id
	PID string // the recovery session id the CONNECT answer carried, if any
	WS  *websocket.Conn

	packets chan Packet
	// early holds the events that came before the CONNECT answer (a
	// recovered socket's missed events): Next returns them first, as the
	// official client emits its buffered events once connected.
	early   []Packet
	done    chan struct{}
	closing chan struct{} // closed by Close, so a full queue never blocks the reader forever
	once    sync.Once
	closeMu sync.Mutex
	err     error

	noRead bool // read only when asked (Options.NoRead)

	mu      sync.Mutex
	nextID  int
	pending map[int]chan json.RawMessage
	writeMu sync.Mutex
}

// Dial opens an Engine.IO session at base (http://host:port) on path
// /socket.io/ and reads its open packet. The response of a refused
// handshake is returned with the error.
func Dial(ctx context.Context, base string, opts Options) (*Client, *http.Response, error) {
	url := "ws" + strings.TrimPrefix(base, "http") + "/socket.io/?EIO=4&transport=websocket"
	ws, res, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: opts.Header, HTTPClient: opts.HTTPClient})
	if err != nil {
		return nil, res, fmt.Errorf("failed to dial %s: %w", url, err)
	}
	limit := opts.ReadLimit
	if limit <= 0 {
		limit = 16 << 20
	}
	ws.SetReadLimit(limit)
	_, open, err := ws.Read(ctx)
	if err != nil || len(open) == 0 || open[0] != '0' {
		ws.CloseNow()
		return nil, res, fmt.Errorf("failed to read the open packet %q: %v", open, err)
	}
	var o struct {
		SID string `json:"sid"`
	}
	if err := json.Unmarshal(open[1:], &o); err != nil {
		ws.CloseNow()
		return nil, res, fmt.Errorf("failed to decode the open packet: %w", err)
	}
	q := opts.Queue
	if q <= 0 {
		q = 4096
	}
	c := &Client{SID: o.SID, WS: ws, packets: make(chan Packet, q), done: make(chan struct{}), pending: map[int]chan json.RawMessage{}, noRead: opts.NoRead, closing: make(chan struct{})}
	if !opts.NoRead {
		go c.read()
	}
	return c, res, nil
}

// Connect joins namespace "/" with the handshake auth object (nil sends
// none) and returns the socket id, or the server's *ConnectError.
func (c *Client) Connect(ctx context.Context, auth any) (string, error) {
	msg := "40"
	if auth != nil {
		b, err := json.Marshal(auth)
		if err != nil {
			return "", err
		}
		msg += string(b)
	}
	if err := c.Send(ctx, msg); err != nil {
		return "", err
	}
	for {
		p, err := c.next(ctx)
		if err != nil {
			return "", err
		}
		switch p.Type {
		case '0':
			var v struct {
				SID string `json:"sid"`
				PID string `json:"pid"`
			}
			if err := json.Unmarshal(p.Args, &v); err != nil {
				return "", fmt.Errorf("bad CONNECT answer %s: %w", p.Args, err)
			}
			c.PID = v.PID
			return v.SID, nil
		case '2':
			c.mu.Lock()
			c.early = append(c.early, p)
			c.mu.Unlock()
		case '4':
			ce := &ConnectError{}
			if err := json.Unmarshal(p.Args, ce); err != nil {
				return "", fmt.Errorf("bad CONNECT_ERROR %s: %w", p.Args, err)
			}
			return "", ce
		}
	}
}

// Send writes one raw Engine.IO text message, e.g. "42[\"ping\"]".
func (c *Client) Send(ctx context.Context, msg string) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	return c.WS.Write(ctx, websocket.MessageText, []byte(msg))
}

// Emit sends an event without asking for an acknowledgement.
func (c *Client) Emit(ctx context.Context, event string, args ...any) error {
	b, err := json.Marshal(append([]any{event}, args...))
	if err != nil {
		return err
	}
	return c.Send(ctx, "42"+string(b))
}

// Call sends an event whose arguments are the raw JSON values rawArgs and
// waits for its acknowledgement, returning the acknowledgement's first
// argument.
func (c *Client) Call(ctx context.Context, event string, rawArgs ...json.RawMessage) (json.RawMessage, error) {
	name, _ := json.Marshal(event)
	var b strings.Builder
	b.WriteByte('[')
	b.Write(name)
	for _, a := range rawArgs {
		b.WriteByte(',')
		b.Write(a)
	}
	b.WriteByte(']')
	ch := make(chan json.RawMessage, 1)
	c.mu.Lock()
	id := c.nextID
	c.nextID++
	c.pending[id] = ch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
	}()
	if err := c.Send(ctx, "42"+strconv.Itoa(id)+b.String()); err != nil {
		return nil, err
	}
	select {
	case a := <-ch:
		return a, nil
	case <-c.done:
		return nil, fmt.Errorf("connection closed before the ack of %s: %w", event, c.Err())
	case <-ctx.Done():
		return nil, fmt.Errorf("no ack for %s: %w", event, ctx.Err())
	}
}

// CallJSON is Call with arguments marshalled from Go values.
func (c *Client) CallJSON(ctx context.Context, event string, args ...any) (json.RawMessage, error) {
	raw := make([]json.RawMessage, len(args))
	for i, a := range args {
		b, err := json.Marshal(a)
		if err != nil {
			return nil, err
		}
		raw[i] = b
	}
	return c.Call(ctx, event, raw...)
}

// Next returns the next packet that is not an acknowledgement.
func (c *Client) Next(ctx context.Context) (Packet, error) {
	c.mu.Lock()
	if len(c.early) > 0 {
		p := c.early[0]
		c.early = c.early[1:]
		c.mu.Unlock()
		return p, nil
	}
	c.mu.Unlock()
	return c.next(ctx)
}

// next returns the next packet read from the connection.
func (c *Client) next(ctx context.Context) (Packet, error) {
	for c.noRead && len(c.packets) == 0 {
		if err := c.readOne(ctx); err != nil {
			return Packet{}, err
		}
	}
	select {
	case p := <-c.packets:
		return p, nil
	default:
	}
	select {
	case p := <-c.packets:
		return p, nil
	case <-c.done:
		// Packets read before the close are still delivered.
		select {
		case p := <-c.packets:
			return p, nil
		default:
		}
		return Packet{}, fmt.Errorf("connection closed: %w", c.Err())
	case <-ctx.Done():
		return Packet{}, ctx.Err()
	}
}

// NextEvent returns the next EVENT named name, skipping others.
func (c *Client) NextEvent(ctx context.Context, name string) (Packet, error) {
	for {
		p, err := c.Next(ctx)
		if err != nil {
			return p, err
		}
		if p.Type == '2' && p.Event == name {
			return p, nil
		}
	}
}

// Done is closed when the connection has ended.
func (c *Client) Done() <-chan struct{} { return c.done }

// Err is why the connection ended (nil while it is open).
func (c *Client) Err() error {
	c.closeMu.Lock()
	defer c.closeMu.Unlock()
	return c.err
}

// Close closes the connection without a goodbye.
func (c *Client) Close() {
	c.once.Do(func() { close(c.closing) })
	c.WS.CloseNow()
}

// push queues a packet for Next, unless the client is closing.
func (c *Client) push(p Packet) {
	select {
	case c.packets <- p:
	case <-c.closing:
	}
}

func (c *Client) read() {
	defer close(c.done)
	for c.readOne(context.Background()) == nil {
	}
}

// readOne reads and handles one frame; an error ends the connection.
func (c *Client) readOne(ctx context.Context) error {
	typ, data, err := c.WS.Read(ctx)
	if err != nil {
		c.closeMu.Lock()
		c.err = err
		c.closeMu.Unlock()
		return err
	}
	if typ != websocket.MessageText || len(data) == 0 {
		return nil // binary attachments are not used by these tests
	}
	switch data[0] {
	case '2': // ping
		_ = c.Send(context.Background(), "3")
	case '4':
		c.message(data[1:])
	case '1':
		err := errors.New("engine.io close packet")
		c.closeMu.Lock()
		c.err = err
		c.closeMu.Unlock()
		c.WS.CloseNow()
		return err
	}
	return nil
}

// message handles one Socket.IO packet in namespace "/".
func (c *Client) message(b []byte) {
	if len(b) == 0 {
		return
	}
	typ, rest := b[0], b[1:]
	if len(rest) > 0 && rest[0] == '/' { // another namespace: not ours
		return
	}
	i := 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	id, rest := rest[:i], rest[i:]
	switch typ {
	case '3':
		n, err := strconv.Atoi(string(id))
		if err != nil {
			return
		}
		var args []json.RawMessage
		_ = json.Unmarshal(rest, &args)
		var first json.RawMessage
		if len(args) > 0 {
			first = args[0]
		}
		c.mu.Lock()
		ch := c.pending[n]
		c.mu.Unlock()
		if ch != nil {
			ch <- first
		}
		return
	case '2':
		var args []json.RawMessage
		if json.Unmarshal(rest, &args) != nil || len(args) == 0 {
			return
		}
		var name string
		_ = json.Unmarshal(args[0], &name)
		tail, _ := json.Marshal(args[1:])
		c.push(Packet{Type: '2', Event: name, Args: tail})
	default:
		c.push(Packet{Type: typ, Args: append(json.RawMessage(nil), rest...)})
	}
}
