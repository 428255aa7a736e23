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
	Sessions   domain.SessionService
	Reversals  domain.ReversalService
	Settings   domain.SettingsService
	// Security records failed logins and refused tokens, and serves
	// GET /api/security/events (nil: nothing is recorded, the route 503s).
	Security domain.SecurityService

	Products      domain.ProductService
	Areas         domain.AreaService
	Subscriptions domain.SubscriptionService
	Rounds        domain.RoundService
	Statements    domain.StatementService
	Alerts        domain.AlertService
	Reports       domain.ReportService
	// Push serves the Web Push key, subscriptions and notification
	// choices (nil: those routes answer 503).
	Push domain.PushService

	Tokens *auth.Tokens
	Logger *slog.Logger

	// Ready reports whether the server can do its work (database, and Redis
	// when configured, reachable); nil means always ready.
	Ready func(ctx context.Context) error
	// Ops returns the live operations figures served to admins at
	// GET /api/ops (connected clients, recovery statistics...); nil serves {}.
	Ops func(ctx context.Context) any
	// OnSessionEnded, when set, is told of every session ended here (a
	// logout, a reused refresh token) so that the real-time layer
	// disconnects its sockets on every instance; it must not block.
	OnSessionEnded func(sessionID string)

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
	// LoginPerIP and LoginPerPair refuse logins after failures per client
	// address (default 20, then one more every 3s) and per (account,
	// address) pair (default 5, then one more every 30s); past
	// LoginPerAccount's failures per account from anywhere (default 10,
	// then one every 30s) attempts on the account are slowed down by
	// LoginSlowdown (default 2s), never refused. See loginGuard.
	LoginPerIP      *auth.Limiter
	LoginPerPair    *auth.Limiter
	LoginPerAccount *auth.Limiter
	LoginSlowdown   time.Duration
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
	logins    *loginGuard
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
	if s.Logger == nil {
		s.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s.logins = newLoginGuard(o, s.now, s.Logger)
	s.routes()
	return s
}

// handle registers a route and remembers its pattern.
func (s *server) handle(pattern string, h http.Handler) {
	s.patterns = append(s.patterns, pattern)
	s.mux.Handle(pattern, routeName(pattern, h))
}
