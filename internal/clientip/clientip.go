// Package clientip finds the address of the client behind a request: the
// connection's peer, or, when that peer is a trusted reverse proxy, the
// address the proxy reports in X-Forwarded-For or X-Real-IP. Rate limits,
// connection limits, logs and security events all key on that address, so
// it must never come from a header a client could write itself.
package clientip

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies is the set of reverse proxies whose forwarding headers are
// believed. The zero value (and nil) trusts nobody: the client address is
// always the connection's peer.
type Proxies struct {
	prefixes []netip.Prefix
}

// ParseProxies reads a list of CIDR prefixes ("10.0.0.0/8") or single
// addresses ("127.0.0.1", taken as /32 or /128).
func ParseProxies(list []string) (*Proxies, error) {
	p := &Proxies{}
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !strings.Contains(s, "/") {
			a, err := netip.ParseAddr(s)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q: want an address or a CIDR prefix such as 10.0.0.0/8", s)
			}
			p.prefixes = append(p.prefixes, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		pr, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: want an address or a CIDR prefix such as 10.0.0.0/8", s)
		}
		if pr.Addr().Is4In6() {
			pr = netip.PrefixFrom(pr.Addr().Unmap(), pr.Bits()-96)
		}
		p.prefixes = append(p.prefixes, pr.Masked())
	}
	return p, nil
}

// Trusted reports whether addr belongs to a trusted proxy.
func (p *Proxies) Trusted(addr netip.Addr) bool {
	if p == nil || !addr.IsValid() {
		return false
	}
	addr = addr.Unmap()
	for _, pr := range p.prefixes {
		if pr.Contains(addr) {
			return true
		}
	}
	return false
}

// Empty reports whether no proxy is trusted.
func (p *Proxies) Empty() bool { return p == nil || len(p.prefixes) == 0 }

// Info is what Handler learns about a request's client.
type Info struct {
	// Addr is the client's address: the right-most address of the
	// forwarding chain that is not a trusted proxy.
	Addr string
	// Peer is the address the connection comes from (the proxy, when
	// there is one).
	Peer string
	// HTTPS is true when the client reached us over TLS: on this very
	// connection, or, as a trusted proxy says in X-Forwarded-Proto, on
	// the connection to the proxy.
	HTTPS bool
}

type infoKey struct{}

// Resolve works out the client of r without looking at its context.
func (p *Proxies) Resolve(r *http.Request) Info {
	peer := hostOf(r.RemoteAddr)
	info := Info{Addr: peer, Peer: peer, HTTPS: r.TLS != nil}
	cur, err := netip.ParseAddr(peer)
	if err != nil || !p.Trusted(cur) {
		return info
	}
	if proto := lastValue(r.Header.Values("X-Forwarded-Proto")); proto != "" {
		info.HTTPS = strings.EqualFold(proto, "https")
	}
	// Walk the chain from the right: each hop we trust vouches for the one
	// to its left; the first hop we do not trust is the client. Anything
	// further left was written by that client and means nothing.
	hops := forwardedFor(r.Header)
	if len(hops) == 0 {
		if real := strings.TrimSpace(r.Header.Get("X-Real-IP")); real != "" {
			hops = []string{real}
		}
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(hostOf(hops[i]))
		if err != nil {
			// Garbage from a trusted hop: stop at the last address we know.
			break
		}
		cur = a.Unmap()
		if !p.Trusted(cur) {
			break
		}
	}
	info.Addr = cur.String()
	return info
}

// Handler resolves each request's client once, keeps it in the request's
// context for Addr, Peer and HTTPS, and sets RemoteAddr to the client's
// address so that code reading RemoteAddr (the socket engine, net/http's
// own logs) sees the client and not the proxy.
func (p *Proxies) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := p.Resolve(r)
		ctx := context.WithValue(r.Context(), infoKey{}, info)
		r2 := r.WithContext(ctx)
		if info.Addr != info.Peer {
			r2.RemoteAddr = net.JoinHostPort(info.Addr, "0")
		}
		next.ServeHTTP(w, r2)
	})
}

// From returns what Handler learned about r, or, when r did not pass
// through Handler, r's peer taken as the client.
func From(r *http.Request) Info {
	if info, ok := r.Context().Value(infoKey{}).(Info); ok {
		return info
	}
	return (*Proxies)(nil).Resolve(r)
}

// Addr is the client address of r (see Handler).
func Addr(r *http.Request) string { return From(r).Addr }

// HTTPS reports whether r's client reached us over HTTPS (see Info.HTTPS).
func HTTPS(r *http.Request) bool { return From(r).HTTPS }

// forwardedFor returns the hops of every X-Forwarded-For header, in order.
func forwardedFor(h http.Header) []string {
	var hops []string
	for _, v := range h.Values("X-Forwarded-For") {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				hops = append(hops, part)
			}
		}
	}
	return hops
}

// lastValue is the right-most comma-separated value of headers: the one
// the nearest proxy wrote.
func lastValue(values []string) string {
	if len(values) == 0 {
		return ""
	}
	v := values[len(values)-1]
	if i := strings.LastIndexByte(v, ','); i >= 0 {
		v = v[i+1:]
	}
	return strings.TrimSpace(v)
}

// hostOf strips a port and IPv6 brackets: "1.2.3.4:80" → "1.2.3.4",
// "[::1]:80" → "::1"; an address without a port is returned as it is.
func hostOf(addr string) string {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return strings.Trim(addr, "[]")
}
