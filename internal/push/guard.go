// Package push sends Web Push notifications (RFC 8030, encrypted per RFC
// 8291, signed per RFC 8292 VAPID, with webpush-go): a notifier turns the
// event log into messages through the service layer, a bounded queue and
// a few workers send them, and a guard keeps push endpoints from making
// the server reach addresses it should not.
package push

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Guard decides which push endpoints the server may reach: https only, to
// public addresses, except the hosts the operator allows
// (--push-allow-hosts), which may also be plain http and private.
type Guard struct {
	allow    []string // lower-case host names or IP literals, without port
	resolver *net.Resolver
}

// NewGuard returns a guard allowing hosts (host names or IPs, an optional
// :port is ignored).
func NewGuard(hosts []string) *Guard {
	g := &Guard{resolver: net.DefaultResolver}
	for _, h := range hosts {
		h = strings.ToLower(strings.TrimSpace(h))
		if host, _, err := net.SplitHostPort(h); err == nil {
			h = host
		}
		h = strings.Trim(h, "[]")
		if h != "" {
			g.allow = append(g.allow, h)
		}
	}
	return g
}

// allowed reports whether the operator allowed host.
func (g *Guard) allowed(host string) bool {
	return slices.Contains(g.allow, strings.ToLower(strings.Trim(host, "[]")))
}

// errInternal is the refusal of an internal address.
var errInternal = errors.New("push endpoints must lead to a public address")

// internal reports whether ip is not a public unicast address: loopback,
// private, link-local, unspecified, multicast, shared (100.64/10) or
// otherwise reserved.
func internal(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return true
	}
	for _, p := range reserved {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

var reserved = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"), // NAT64 of any IPv4, private ones included
	netip.MustParsePrefix("2001:db8::/32"),
}

// CheckEndpoint vets an endpoint when a browser subscribes: https (or an
// allowed host), and a host that resolves to public addresses only. The
// dialer checks again at each send (DNS may answer otherwise by then).
func (g *Guard) CheckEndpoint(ctx context.Context, endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil || u.Hostname() == "" || u.User != nil {
		return errors.New("endpoint must be an https URL of a push service")
	}
	host := u.Hostname()
	if g.allowed(host) {
		if u.Scheme != "https" && u.Scheme != "http" {
			return errors.New("endpoint must be an http(s) URL")
		}
		return nil
	}
	if u.Scheme != "https" {
		return errors.New("push endpoints must use https")
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if internal(ip) {
			return errInternal
		}
		return nil
	}
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addrs, err := g.resolver.LookupNetIP(rctx, "ip", host)
	if err != nil || len(addrs) == 0 {
		return fmt.Errorf("the endpoint's host %q cannot be resolved", host)
	}
	for _, ip := range addrs {
		if internal(ip) {
			return errInternal
		}
	}
	return nil
}

// Client returns the HTTP client sends go through: no proxy from the
// environment, no redirects, and a dialer that refuses an internal address
// at connect time unless the dialled host is allowed, so a name that
// resolved to a public address when subscribing and to an internal one now
// (DNS rebinding) is still refused.
func (g *Guard) Client(timeout time.Duration) *http.Client {
	tr := &http.Transport{
		Proxy:                 nil,
		ForceAttemptHTTP2:     true,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			open := g.allowed(host)
			d := &net.Dialer{Timeout: timeout, Control: func(_, address string, _ syscall.RawConn) error {
				ap, err := netip.ParseAddrPort(address)
				if err != nil {
					return err
				}
				if !open && internal(ap.Addr()) {
					return fmt.Errorf("refused to connect to %s: %w", ap.Addr(), errInternal)
				}
				return nil
			}}
			return d.DialContext(ctx, network, addr)
		},
	}
	return &http.Client{Transport: tr, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
