package clientip

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestResolve(t *testing.T) {
	t.Parallel()
	proxies, err := ParseProxies([]string{"127.0.0.1", "10.0.0.0/8", " ::1 "})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		proxies *Proxies
		remote  string
		header  map[string][]string
		addr    string
		https   bool
	}{
		{name: "no proxy trusted: headers ignored", proxies: nil, remote: "127.0.0.1:5000",
			header: map[string][]string{"X-Forwarded-For": {"9.9.9.9"}, "X-Forwarded-Proto": {"https"}}, addr: "127.0.0.1"},
		{name: "untrusted peer: headers ignored", proxies: proxies, remote: "192.0.2.7:5000",
			header: map[string][]string{"X-Forwarded-For": {"9.9.9.9"}, "X-Real-IP": {"8.8.8.8"}, "X-Forwarded-Proto": {"https"}}, addr: "192.0.2.7"},
		{name: "trusted peer, one hop", proxies: proxies, remote: "127.0.0.1:5000",
			header: map[string][]string{"X-Forwarded-For": {"203.0.113.5"}}, addr: "203.0.113.5"},
		{name: "client-written hops left of the real one are ignored", proxies: proxies, remote: "127.0.0.1:5000",
			header: map[string][]string{"X-Forwarded-For": {"6.6.6.6, 10.1.1.1", "203.0.113.5"}}, addr: "203.0.113.5"},
		{name: "chain of trusted proxies", proxies: proxies, remote: "127.0.0.1:5000",
			header: map[string][]string{"X-Forwarded-For": {"6.6.6.6, 203.0.113.5, 10.1.1.1, 10.2.2.2"}}, addr: "203.0.113.5"},
		{name: "every hop trusted: the left-most", proxies: proxies, remote: "127.0.0.1:5000",
			header: map[string][]string{"X-Forwarded-For": {"10.1.1.1, 10.2.2.2"}}, addr: "10.1.1.1"},
		{name: "garbage hop: the last good one", proxies: proxies, remote: "127.0.0.1:5000",
			header: map[string][]string{"X-Forwarded-For": {"not-an-ip, 10.1.1.1"}}, addr: "10.1.1.1"},
		{name: "X-Real-IP when no X-Forwarded-For", proxies: proxies, remote: "127.0.0.1:5000",
			header: map[string][]string{"X-Real-IP": {"203.0.113.9"}}, addr: "203.0.113.9"},
		{name: "IPv6 peer and hop with port", proxies: proxies, remote: "[::1]:5000",
			header: map[string][]string{"X-Forwarded-For": {"[2001:db8::1]:4711"}}, addr: "2001:db8::1"},
		{name: "no header: the proxy itself", proxies: proxies, remote: "127.0.0.1:5000", addr: "127.0.0.1"},
		{name: "https from a trusted proxy", proxies: proxies, remote: "127.0.0.1:5000",
			header: map[string][]string{"X-Forwarded-Proto": {"https"}}, addr: "127.0.0.1", https: true},
		{name: "proto: the nearest proxy's word wins", proxies: proxies, remote: "127.0.0.1:5000",
			header: map[string][]string{"X-Forwarded-Proto": {"https, http"}}, addr: "127.0.0.1", https: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			for k, vs := range tc.header {
				for _, v := range vs {
					r.Header.Add(k, v)
				}
			}
			var got Info
			tc.proxies.Handler(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
				got = From(r)
				if host := hostOf(r.RemoteAddr); host != got.Addr {
					t.Errorf("RemoteAddr = %q, want the client %q", r.RemoteAddr, got.Addr)
				}
			})).ServeHTTP(httptest.NewRecorder(), r)
			if got.Addr != tc.addr || got.HTTPS != tc.https {
				t.Errorf("got addr %q https %v, want %q %v", got.Addr, got.HTTPS, tc.addr, tc.https)
			}
		})
	}
}

func TestParseProxiesRefusesGarbage(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"10.0.0.0/33", "example.com", "10.0.0"} {
		if _, err := ParseProxies([]string{s}); err == nil {
			t.Errorf("ParseProxies(%q) accepted it", s)
		}
	}
}
