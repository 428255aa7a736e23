package engineio

import (
	"bytes"
	"errors"
	"net"
	"testing"
)

// countingConn records the writes that reach the socket.
type countingConn struct {
	net.Conn
	writes [][]byte
	err    error
}

func (c *countingConn) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	c.writes = append(c.writes, bytes.Clone(p))
	return len(p), nil
}

func TestCorkConn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		run        func(c *corkConn) error
		wantWrites []string
	}{
		{"uncorked writes go straight through", func(c *corkConn) error {
			_, _ = c.Write([]byte("a"))
			_, err := c.Write([]byte("b"))
			return err
		}, []string{"a", "b"}},
		{"corked writes coalesce", func(c *corkConn) error {
			c.cork()
			_, _ = c.Write([]byte("a"))
			_, _ = c.Write([]byte("b"))
			_, _ = c.Write([]byte("c"))
			return c.uncork()
		}, []string{"abc"}},
		{"order kept across uncork", func(c *corkConn) error {
			_, _ = c.Write([]byte("1"))
			c.cork()
			_, _ = c.Write([]byte("2"))
			_, _ = c.Write([]byte("3"))
			if err := c.uncork(); err != nil {
				return err
			}
			_, err := c.Write([]byte("4"))
			return err
		}, []string{"1", "23", "4"}},
		{"limit flushes early", func(c *corkConn) error {
			c.cork()
			_, _ = c.Write(bytes.Repeat([]byte("x"), corkLimit))
			_, _ = c.Write([]byte("y"))
			return c.uncork()
		}, []string{string(bytes.Repeat([]byte("x"), corkLimit)), "y"}},
		{"uncork without cork", func(c *corkConn) error { return c.uncork() }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			under := &countingConn{}
			c := &corkConn{Conn: under}
			if err := tt.run(c); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range under.writes {
				got = append(got, string(w))
			}
			if len(got) != len(tt.wantWrites) {
				t.Fatalf("writes = %q, want %q", got, tt.wantWrites)
			}
			for i := range got {
				if got[i] != tt.wantWrites[i] {
					t.Errorf("write %d = %q, want %q", i, got[i], tt.wantWrites[i])
				}
			}
		})
	}
}

func TestCorkConnError(t *testing.T) {
	t.Parallel()
	broken := errors.New("broken pipe")
	under := &countingConn{err: broken}
	c := &corkConn{Conn: under}
	c.cork()
	if _, err := c.Write([]byte("a")); err != nil {
		t.Fatalf("corked Write = %v, want buffered", err)
	}
	if err := c.uncork(); !errors.Is(err, broken) {
		t.Errorf("uncork = %v, want the socket's error", err)
	}
	if _, err := c.Write([]byte("b")); !errors.Is(err, broken) {
		t.Errorf("Write after uncork = %v, want the socket's error", err)
	}
}
