package engineio

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
)

// The compact handshake request gives back what the request held.
func TestHandshakeRequestRoundTrip(t *testing.T) {
	for _, target := range []string{
		"/socket.io/?EIO=4&transport=websocket&token=a%20b",
		"/p%2Fq/?EIO=4",
		"http://example.com/socket.io/?EIO=4#frag",
		"/",
	} {
		r := httptest.NewRequest(http.MethodGet, target, nil)
		r.Header = http.Header{
			"Cookie":        {"a=1", "b=2"},
			"X-Empty":       {""},
			"User-Agent":    {"Mozilla/5.0 (X11; Linux x86_64) \x00odd"},
			"not-canonical": {"kept as is"},
			"Accept":        {"*/*"},
		}
		r.RemoteAddr = "192.0.2.1:1234"
		r.TLS = &tls.ConnectionState{ServerName: "x"}
		h := newHandshakeRequest(r)
		got := h.request()
		if !reflect.DeepEqual(got.Header, r.Header) {
			t.Errorf("%s: header = %v, want %v", target, got.Header, r.Header)
		}
		if *got.URL != *r.URL || got.URL == r.URL {
			t.Errorf("%s: URL = %#v, want a copy of %#v", target, got.URL, r.URL)
		}
		if got.Method != r.Method || got.Proto != r.Proto || got.ProtoMajor != r.ProtoMajor || got.ProtoMinor != r.ProtoMinor ||
			got.Host != r.Host || got.RemoteAddr != r.RemoteAddr || got.RequestURI != r.RequestURI || got.TLS != r.TLS || got.Body != http.NoBody {
			t.Errorf("%s: request = %+v, want the fields of %+v", target, got, r)
		}
		// Every call is a new copy: changing one leaves the next intact.
		got.Header.Set("Accept", "changed")
		got.URL.Path = "/changed"
		if again := h.request(); again.Header.Get("Accept") != "*/*" || again.URL.Path == "/changed" {
			t.Errorf("%s: copies share state", target)
		}
		// A value appended to one key does not overwrite another's.
		c := h.request()
		c.Header["Cookie"] = append(c.Header["Cookie"], "c=3")
		if !reflect.DeepEqual(c.Header["X-Empty"], []string{""}) || !reflect.DeepEqual(c.Header["Accept"], []string{"*/*"}) {
			t.Errorf("%s: append to one header changed another: %v", target, c.Header)
		}
	}
}
