// Package httpapi is Livedesk's REST API: JSON over HTTP, authenticated with
// bearer tokens, every route listed in routes.go, one file per resource, and
// one place (errors.go) that turns errors into responses.
package httpapi

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/livedesk/livedesk/internal/auth"
	"github.com/livedesk/livedesk/internal/domain"
)

// Deps is everything the API needs. The services are the domain
// interfaces, so the API never sees a database.
type Deps struct {
	Users      domain.UserService
	Customers  domain.CustomerService
	Deliveries domain.DeliveryService
	Payments   domain.PaymentService
	Events     domain.EventService
	Stats      domain.StatsService
	Tokens     *auth.Tokens
	Logger     *slog.Logger

	// Ready reports whether the server can do its work (database, and Redis
	// when configured, reachable); nil means always ready.
	Ready func(ctx context.Context) error
	// Ops returns the live operations figures served to admins at
	// GET /api/ops (connected clients, recovery statistics...); nil serves {}.
	Ops func(ctx context.Context) any

	Options Options
}

// Options tune the API; zero values mean the defaults.
type Options struct {
	// BodyLimit is the largest request body accepted (default 64 KiB).
	BodyLimit int64
	// AllowedOrigins may call the API from a browser on another origin
	// (CORS). Empty allows same-origin use only; "*" allows any origin
	// (safe enough because credentials are bearer tokens, never cookies).
	AllowedOrigins []string
	// LoginPerIP and LoginPerAccount limit failed logins (defaults: 20 per
	// client address, then one more every 3s; 5 per account, then one more
	// every 30s).
	LoginPerIP      *auth.Limiter
	LoginPerAccount *auth.Limiter
	// Now is the clock (time.Now when nil); analytics defaults use it.
	Now func() time.Time
	// Observe, when set, is told of every request once it is answered:
	// its route pattern ("" when none matched), status and duration; for
	// metrics.
	Observe func(route string, status int, d time.Duration)
}

// DefaultBodyLimit is the default largest request body.
const DefaultBodyLimit = 64 << 10

type server struct {
	Deps
	bodyLimit int64
	perIP     *auth.Limiter
	perAcct   *auth.Limiter
	now       func() time.Time
	mux       *http.ServeMux
	patterns  []string // every registered route, for the OpenAPI test
}

// NewServer returns the API's handler: /api/..., /healthz and /readyz.
func NewServer(deps Deps) http.Handler {
	s := newServer(deps)
	return s.middleware(s.mux)
}

func newServer(deps Deps) *server {
	s := &server{Deps: deps, mux: http.NewServeMux()}
	o := deps.Options
	s.bodyLimit = o.BodyLimit
	if s.bodyLimit <= 0 {
		s.bodyLimit = DefaultBodyLimit
	}
	s.now = o.Now
	if s.now == nil {
		s.now = time.Now
	}
	s.perIP = o.LoginPerIP
	if s.perIP == nil {
		s.perIP = auth.NewLimiter(20, 3*time.Second, s.now)
	}
	s.perAcct = o.LoginPerAccount
	if s.perAcct == nil {
		s.perAcct = auth.NewLimiter(5, 30*time.Second, s.now)
	}
	if s.Logger == nil {
		s.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s.routes()
	return s
}

// handle registers a route and remembers its pattern.
func (s *server) handle(pattern string, h http.Handler) {
	s.patterns = append(s.patterns, pattern)
	s.mux.Handle(pattern, routeName(pattern, h))
}
