package engineio

import (
	"bytes"
	"fmt"
)

// recordSeparator separates packets in a polling payload.
const recordSeparator = 0x1e

// AppendPayload appends the polling encoding of pkts to dst: the text
// encodings of the packets joined by the record separator 0x1e.
func AppendPayload(dst []byte, pkts []Packet) []byte {
	n := len(pkts) - 1
	for _, p := range pkts {
		n += encodedLen(p)
	}
	if n > 0 {
		dst = grow(dst, n)
	}
	for i, p := range pkts {
		if i > 0 {
			dst = append(dst, recordSeparator)
		}
		dst = AppendPacket(dst, p)
	}
	return dst
}

// DecodePayload decodes a polling payload and calls fn for each packet in
// order. It stops at the first malformed packet or the first error fn
// returns; packets before it have already been handed to fn.
//
// Packet data aliases b (base64 packets excepted), so fn may keep it only if
// the caller never reuses b.
func DecodePayload(b []byte, fn func(Packet) error) error {
	for i := 0; ; i++ {
		seg := b
		j := bytes.IndexByte(b, recordSeparator)
		if j >= 0 {
			// Cap the segment so that a consumer appending to Data can never
			// overwrite the next packet.
			seg = b[:j:j]
		}
		p, err := DecodePacket(seg, false)
		if err != nil {
			return fmt.Errorf("packet %d: %w", i, err)
		}
		if err := fn(p); err != nil {
			return err
		}
		if j < 0 {
			return nil
		}
		b = b[j+1:]
	}
}

func grow(b []byte, n int) []byte {
	if cap(b)-len(b) >= n {
		return b
	}
	nb := make([]byte, len(b), len(b)+n)
	copy(nb, b)
	return nb
}
