package engineio

import "testing"

// TestRecycleKeepsOnlySmallQueues: a written queue's array is kept for the
// connection's next messages, emptied of its references, only while it is
// small; the array a burst grew is let go, so that idle connections do not
// each hold their busiest moment's memory.
func TestRecycleKeepsOnlySmallQueues(t *testing.T) {
	c := &Conn{}
	data := []byte("broadcast")
	small := make([]Packet, 3, maxRecycledQueue)
	for i := range small {
		small[i] = Packet{Type: PacketMessage, Data: data}
	}
	c.recycle(small)
	if cap(c.spare) != maxRecycledQueue || len(c.spare) != 0 {
		t.Fatalf("a small queue's array was not kept: spare has len %d cap %d", len(c.spare), cap(c.spare))
	}
	if small[0].Data != nil {
		t.Fatal("the kept array still references a message's data")
	}

	// 64 packets: 2.5 kB an array, 25 MB over 10,000 connections.
	c.spare = nil
	big := make([]Packet, 64)
	c.recycle(big)
	if c.spare != nil {
		t.Fatalf("a queue of %d packets was kept for reuse (cap %d): a burst's array stays with the connection", len(big), cap(c.spare))
	}
}
