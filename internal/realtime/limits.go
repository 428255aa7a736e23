package realtime

import (
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/livedesk/livedesk/engineio"
	"github.com/livedesk/livedesk/internal/auth"
	"github.com/livedesk/livedesk/internal/clientip"
	"github.com/livedesk/livedesk/internal/connlimit"
	"github.com/livedesk/livedesk/internal/domain"
)

// addrLimits bounds what one client address may hold of the real-time
// layer: open Engine.IO sessions (logged in or not: a bare session costs
// memory and a goroutine until the connect timeout) and new sessions per
// second. The address is the client's as clientip resolved it, so clients
// behind a trusted proxy are told apart.
type addrLimits struct {
	max        int           // open sessions per address; 0 = unlimited
	handshakes *auth.Limiter // nil = unlimited

	mu       sync.Mutex
	sessions map[string]int
}

func newAddrLimits(maxSessions int, perSecond float64, now func() time.Time) *addrLimits {
	l := &addrLimits{max: maxSessions, sessions: map[string]int{}}
	if perSecond > 0 {
		// Bursts cover a page of tabs reconnecting at once after a restart.
		burst := max(20, int(4*perSecond))
		l.handshakes = auth.NewLimiter(burst, time.Duration(float64(time.Second)/perSecond), now)
	}
	return l
}

// admit decides whether addr may open one more session; when not, it
// returns why and how long to wait.
func (l *addrLimits) admit(addr string) (ok bool, why string, wait time.Duration) {
	if l.max > 0 {
		l.mu.Lock()
		n := l.sessions[addr]
		l.mu.Unlock()
		if n >= l.max {
			return false, "too many connections from this address", 5 * time.Second
		}
	}
	if l.handshakes != nil {
		if ok, wait := l.handshakes.Allow(addr); !ok {
			return false, "too many new connections from this address; retry later", wait
		}
	}
	return true, "", 0
}

func (l *addrLimits) opened(c *engineio.Conn) {
	addr := sessionAddr(c)
	l.mu.Lock()
	l.sessions[addr]++
	l.mu.Unlock()
}

func (l *addrLimits) closed(c *engineio.Conn) {
	addr := sessionAddr(c)
	l.mu.Lock()
	if l.sessions[addr]--; l.sessions[addr] <= 0 {
		delete(l.sessions, addr)
	}
	l.mu.Unlock()
}

// sessionAddr is the client address of a session: its handshake request's
// RemoteAddr, which clientip.Proxies.Handler has set to the client's.
func sessionAddr(c *engineio.Conn) string {
	addr := c.RemoteAddr()
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return addr
}

// serveHTTP puts the per-address limits and the transports' own deadlines
// in front of the engine.
func (h *Hub) serveHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	switch {
	case q.Get("transport") == engineio.TransportWebSocket:
		// A WebSocket lives as long as its heartbeat: no deadline here
		// (the engine closes a peer that stops answering pings).
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Time{})
		_ = rc.SetWriteDeadline(time.Time{})
	case r.Method == http.MethodGet:
		// A long-poll is answered at the latest with the next ping.
		connlimit.SetDeadlines(w, r, h.opts.ReadTimeout, h.pingInterval()+h.opts.WriteTimeout)
	default:
		connlimit.SetDeadlines(w, r, h.opts.ReadTimeout, h.opts.WriteTimeout)
	}
	if q.Get("sid") == "" && r.Method == http.MethodGet {
		addr := clientip.Addr(r)
		if ok, why, wait := h.limits.admit(addr); !ok {
			h.counters.refused.Add(1)
			h.log.Info("socket session refused", "remote", addr, "reason", why)
			h.security(r.Context(), domain.SecurityConnectionRefused, addr, 0, "socket refused: "+why)
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Retry-After", strconv.Itoa(max(1, int((wait+time.Second-1)/time.Second))))
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"code":"RATE_LIMITED","message":"` + why + `"}` + "\n"))
			return
		}
	}
	h.io.ServeHTTP(w, r)
}

func (h *Hub) pingInterval() time.Duration {
	if h.opts.PingInterval > 0 {
		return h.opts.PingInterval
	}
	return 25 * time.Second // the engine's default
}

// checkOrigin is the engine's WebSocket origin check, recording each
// refusal (cross-site WebSocket hijacking attempts) as origin_refused with
// the Origin (at most 200 characters; it is not a secret) and never the
// query string.
func (h *Hub) checkOrigin(cors *engineio.CORS) func(r *http.Request) bool {
	return func(r *http.Request) bool {
		if cors.SameOrigin(r) {
			return true
		}
		origin := r.Header.Get("Origin")
		if len(origin) > 200 {
			origin = origin[:200]
		}
		h.security(r.Context(), domain.SecurityOriginRefused, clientip.Addr(r), 0, fmt.Sprintf("WebSocket refused from origin %q", origin))
		return false
	}
}
