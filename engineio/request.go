package engineio

import (
	"crypto/tls"
	"encoding/binary"
	"net/http"
	"net/url"
	"slices"
)

// handshakeRequest is the handshake request of a session in compact form,
// from which Conn.Request rebuilds a copy on demand. An idle session keeps
// only this: its strings share the memory net/http read them into, and
// the headers are one string rather than a map (about 1 kB less per
// connection than the map and a request copy).
type handshakeRequest struct {
	proto, host, remoteAddr, requestURI string
	// path, rawPath and rawQuery are the URL's when that is all it has
	// (the usual origin-form request target); url is a copy otherwise.
	path, rawPath, rawQuery string
	url                     *url.URL
	header                  string // see appendHeader
	tls                     *tls.ConnectionState
}

func newHandshakeRequest(r *http.Request) *handshakeRequest {
	h := &handshakeRequest{
		proto: r.Proto, host: r.Host, remoteAddr: r.RemoteAddr, requestURI: r.RequestURI,
		header: string(appendHeader(nil, r.Header)),
		tls:    r.TLS,
	}
	if u := r.URL; u != nil {
		if u.Scheme == "" && u.Opaque == "" && u.User == nil && u.Host == "" && !u.ForceQuery &&
			!u.OmitHost && u.Fragment == "" && u.RawFragment == "" {
			h.path, h.rawPath, h.rawQuery = u.Path, u.RawPath, u.RawQuery
		} else {
			c := *u
			if u.User != nil {
				user := *u.User
				c.User = &user
			}
			h.url = &c
		}
	}
	return h
}

// request returns a new copy of the handshake request, without a body.
func (h *handshakeRequest) request() *http.Request {
	u := h.url
	if u == nil {
		u = &url.URL{Path: h.path, RawPath: h.rawPath, RawQuery: h.rawQuery}
	} else {
		c := *u
		u = &c
	}
	major, minor, _ := http.ParseHTTPVersion(h.proto)
	return &http.Request{
		Method:     http.MethodGet, // handshakes are GET requests
		URL:        u,
		Proto:      h.proto,
		ProtoMajor: major,
		ProtoMinor: minor,
		Header:     parseHeader(h.header),
		Body:       http.NoBody,
		Host:       h.host,
		RemoteAddr: h.remoteAddr,
		RequestURI: h.requestURI,
		TLS:        h.tls,
	}
}

// appendHeader encodes hdr as, for each value, the length-prefixed key
// then value: exact whatever bytes they hold.
func appendHeader(b []byte, hdr http.Header) []byte {
	n := 0
	for k, vs := range hdr {
		for _, v := range vs {
			n += len(k) + len(v) + 2*binary.MaxVarintLen16
		}
	}
	b = slices.Grow(b, n)
	for k, vs := range hdr {
		for _, v := range vs {
			b = binary.AppendUvarint(b, uint64(len(k)))
			b = append(b, k...)
			b = binary.AppendUvarint(b, uint64(len(v)))
			b = append(b, v...)
		}
	}
	return b
}

// parseHeader decodes what appendHeader encoded into a new map; its
// strings share s's memory.
func parseHeader(s string) http.Header {
	type kv struct{ k, v string }
	var pairs []kv
	var buf [32]kv
	pairs = buf[:0]
	for len(s) > 0 {
		var k, v string
		k, s = nextField(s)
		v, s = nextField(s)
		pairs = append(pairs, kv{k, v})
	}
	h := make(http.Header, len(pairs))
	// One backing array for the values, as net/http does.
	vals := make([]string, len(pairs))
	for i, p := range pairs {
		vals[i] = p.v
		if vs := h[p.k]; vs != nil {
			// A key's values are consecutive (appendHeader writes them
			// so): the slice grows over the backing array.
			if start := i - len(vs); start >= 0 && &vals[start] == &vs[0] {
				h[p.k] = vals[start : i+1 : i+1]
			} else {
				h[p.k] = append(vs, p.v)
			}
		} else {
			h[p.k] = vals[i : i+1 : i+1]
		}
	}
	return h
}

func nextField(s string) (field, rest string) {
	var n uint64
	for i := 0; i < len(s) && i < binary.MaxVarintLen64; i++ {
		n |= uint64(s[i]&0x7f) << (7 * i)
		if s[i] < 0x80 {
			if s = s[i+1:]; uint64(len(s)) < n {
				return "", "" // not produced by appendHeader
			}
			return s[:n], s[n:]
		}
	}
	return "", ""
}
