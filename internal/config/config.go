// Package config loads Livedesk's configuration from command-line flags and
// LIVEDESK_* environment variables into one struct. Flags win over the
// environment, the environment over defaults.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/livedesk/livedesk/internal/clientip"
)

// Config is everything a Livedesk process needs to know at start.
type Config struct {
	Addr           string        // listen address of `serve`
	DB             string        // sqlite:PATH or postgres://...
	Demo           bool          // seed demo data on an empty database and run the simulator
	JWTSecret      string        // HMAC key for tokens; generated and stored in the database when empty
	TokenTTL       time.Duration // lifetime of access tokens
	Redis          string        // redis://... for multi-instance fan-out; empty = single instance
	InstanceID     string        // name of this instance in logs and metrics
	AllowedOrigins []string      // CORS / WebSocket Origin allow-list; empty = same origin only
	LogFormat      string        // text or json
	LogLevel       string        // debug, info, warn, error
	ShutdownGrace  time.Duration // how long in-flight work may take on SIGTERM
	MaxConnsPerIP  int           // Engine.IO sessions (logged in or not) per client address; 0 = unlimited
	ReplayLimit    int           // most events replayed on reconnect before RESYNC_REQUIRED
	TimeZone       string        // business time zone (IANA name); "" = the stored one, else UTC (Asia/Kolkata for the demo)

	// Limits and exposure (issue 15).
	TrustedProxies    []string      // CIDR prefixes whose X-Forwarded-For / X-Real-IP / X-Forwarded-Proto are believed
	MetricsAddr       string        // listen address of /metrics; empty = no metrics listener
	ReadTimeout       time.Duration // longest a REST request (headers and body) may take to arrive
	WriteTimeout      time.Duration // longest a REST response may take to be written
	MaxHTTPConnsPerIP int           // open TCP connections per peer address (trusted proxies exempt); 0 = unlimited
	HandshakesPerIP   float64       // Engine.IO handshakes per second per client address; 0 = unlimited

	// Reports (issue 18).
	ReportsDir      string        // where report files are written; "" = livedesk-reports beside a SQLite database, else in the temporary directory
	ReportRetention time.Duration // how long finished reports and their files are kept
	// Web Push (issue 17).
	PushAllowHosts []string // hosts push endpoints may name over http or at internal addresses (tests, a local push relay)
	PushContact    string   // VAPID subject: a mailto: address or https URL push services may contact
}

// Default returns the configuration used when nothing is set.
func Default() Config {
	return Config{
		Addr:          "127.0.0.1:8080",
		DB:            "sqlite:livedesk.db",
		TokenTTL:      15 * time.Minute,
		InstanceID:    "livedesk",
		LogFormat:     "text",
		LogLevel:      "info",
		ShutdownGrace: 10 * time.Second,
		MaxConnsPerIP: 100,
		ReplayLimit:   5000,

		MetricsAddr:       "127.0.0.1:9464",
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		MaxHTTPConnsPerIP: 256,
		HandshakesPerIP:   5,
		ReportRetention:   7 * 24 * time.Hour,
	}
}

// env names a setting's environment variable.
func env(name string) string {
	return "LIVEDESK_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// FlagSet returns a flag set for a subcommand whose defaults come from the
// environment (getenv) on top of Default, bound to cfg. Only the named
// settings are registered, so each subcommand shows the flags it uses.
func FlagSet(name string, cfg *Config, getenv func(string) string, stderr io.Writer, settings ...string) (*flag.FlagSet, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var errs []error
	str := func(p *string, key, usage string) {
		if v := getenv(env(key)); v != "" {
			*p = v
		}
		fs.StringVar(p, key, *p, usage+" (env "+env(key)+")")
	}
	for _, s := range settings {
		switch s {
		case "addr":
			str(&cfg.Addr, "addr", "listen address")
		case "db":
			str(&cfg.DB, "db", "database: sqlite:PATH or postgres://USER@HOST:PORT/DB")
		case "redis":
			str(&cfg.Redis, "redis", "Redis URL for multi-instance fan-out, e.g. redis://127.0.0.1:6379")
		case "instance-id":
			str(&cfg.InstanceID, "instance-id", "name of this instance")
		case "log-format":
			str(&cfg.LogFormat, "log-format", "log format: text or json")
		case "log-level":
			str(&cfg.LogLevel, "log-level", "log level: debug, info, warn or error")
		case "timezone":
			str(&cfg.TimeZone, "timezone", "business time zone, an IANA name such as Asia/Kolkata: its days are \"today\" and the dates of records "+
				"(default: the zone stored in the database, UTC for a new one; see `livedesk timezone`)")
		case "demo":
			if v := getenv(env("demo")); v != "" {
				b, err := strconv.ParseBool(v)
				if err != nil {
					errs = append(errs, fmt.Errorf("%s: %w", env("demo"), err))
				}
				cfg.Demo = b
			}
			fs.BoolVar(&cfg.Demo, "demo", cfg.Demo, "seed demo data into an empty database and simulate live activity (env LIVEDESK_DEMO)")
		case "allowed-origins":
			if v := getenv(env("allowed-origins")); v != "" {
				cfg.AllowedOrigins = splitList(v)
			}
			fs.Func("allowed-origins", "comma-separated origins allowed for CORS and WebSocket (env LIVEDESK_ALLOWED_ORIGINS)", func(v string) error {
				cfg.AllowedOrigins = splitList(v)
				return nil
			})
		case "token-ttl", "shutdown-grace":
			p := &cfg.TokenTTL
			usage := "lifetime of access tokens"
			if s == "shutdown-grace" {
				p, usage = &cfg.ShutdownGrace, "how long in-flight requests may take to finish on shutdown"
			}
			if v := getenv(env(s)); v != "" {
				d, err := time.ParseDuration(v)
				if err != nil {
					errs = append(errs, fmt.Errorf("%s: %w", env(s), err))
				}
				*p = d
			}
			fs.DurationVar(p, s, *p, usage+" (env "+env(s)+")")
		case "max-conns-per-ip", "replay-limit", "max-http-conns-per-ip":
			p := &cfg.MaxConnsPerIP
			usage := "Engine.IO sessions (sockets, logged in or not) allowed per client address, 0 = unlimited"
			switch s {
			case "replay-limit":
				p, usage = &cfg.ReplayLimit, "most events replayed to a reconnecting client before it must resync"
			case "max-http-conns-per-ip":
				p, usage = &cfg.MaxHTTPConnsPerIP, "open TCP connections allowed per peer address (trusted proxies exempt), 0 = unlimited"
			}
			if v := getenv(env(s)); v != "" {
				n, err := strconv.Atoi(v)
				if err != nil {
					errs = append(errs, fmt.Errorf("%s: %w", env(s), err))
				}
				*p = n
			}
			fs.IntVar(p, s, *p, usage+" (env "+env(s)+")")
		case "trusted-proxies":
			if v := getenv(env(s)); v != "" {
				cfg.TrustedProxies = splitList(v)
			}
			fs.Func(s, "comma-separated CIDR prefixes of reverse proxies whose X-Forwarded-For, X-Real-IP and X-Forwarded-Proto are believed; default none (env "+env(s)+")", func(v string) error {
				cfg.TrustedProxies = splitList(v)
				return nil
			})
		case "metrics-addr":
			str(&cfg.MetricsAddr, s, "listen address of the Prometheus /metrics endpoint, never the public port; empty disables it")
		case "read-timeout", "write-timeout":
			p, usage := &cfg.ReadTimeout, "longest a REST request, body included, may take to arrive"
			if s == "write-timeout" {
				p, usage = &cfg.WriteTimeout, "longest a REST response may take to be computed and written"
			}
			if v := getenv(env(s)); v != "" {
				d, err := time.ParseDuration(v)
				if err != nil {
					errs = append(errs, fmt.Errorf("%s: %w", env(s), err))
				}
				*p = d
			}
			fs.DurationVar(p, s, *p, usage+" (env "+env(s)+")")
		case "reports-dir":
			str(&cfg.ReportsDir, s, "directory of report files, shared by every instance of a cluster (default: livedesk-reports beside a SQLite database, else in the temporary directory)")
		case "report-retention":
			if v := getenv(env(s)); v != "" {
				d, err := time.ParseDuration(v)
				if err != nil {
					errs = append(errs, fmt.Errorf("%s: %w", env(s), err))
				}
				cfg.ReportRetention = d
			}
			fs.DurationVar(&cfg.ReportRetention, s, cfg.ReportRetention, "how long finished reports and their files are kept before they are pruned (env "+env(s)+")")
		case "handshakes-per-ip":
			if v := getenv(env(s)); v != "" {
				f, err := strconv.ParseFloat(v, 64)
				if err != nil {
					errs = append(errs, fmt.Errorf("%s: %w", env(s), err))
				}
				cfg.HandshakesPerIP = f
			}
			fs.Float64Var(&cfg.HandshakesPerIP, s, cfg.HandshakesPerIP, "new socket sessions per second per client address (bursts of 4x, at least 20), 0 = unlimited (env "+env(s)+")")
		case "push-allow-hosts":
			if v := getenv(env(s)); v != "" {
				cfg.PushAllowHosts = splitList(v)
			}
			fs.Func(s, "comma-separated hosts push endpoints may name over plain http or at internal addresses (a local push service); "+
				"every other endpoint must be https to a public address (env "+env(s)+")", func(v string) error {
				cfg.PushAllowHosts = splitList(v)
				return nil
			})
		case "push-contact":
			str(&cfg.PushContact, s, "the mailto: address or https URL the push services may contact about this server (VAPID subject)")
		default:
			return nil, fmt.Errorf("config: unknown setting %q", s)
		}
	}
	// The JWT secret is never a flag: flags show up in process listings.
	// LIVEDESK_JWT_SECRET_FILE names a file holding it (a Docker or
	// Kubernetes secret); either holds one key or a list (auth.ParseKeys).
	cfg.JWTSecret = getenv("LIVEDESK_JWT_SECRET")
	if path := getenv("LIVEDESK_JWT_SECRET_FILE"); path != "" {
		b, err := os.ReadFile(path)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("LIVEDESK_JWT_SECRET_FILE: %w", err))
		case cfg.JWTSecret != "":
			errs = append(errs, errors.New("set LIVEDESK_JWT_SECRET or LIVEDESK_JWT_SECRET_FILE, not both"))
		default:
			cfg.JWTSecret = strings.TrimSpace(string(b))
		}
	}
	return fs, errors.Join(errs...)
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Validate reports the first setting that cannot work.
func (c *Config) Validate() error {
	if _, err := clientip.ParseProxies(c.TrustedProxies); err != nil {
		return fmt.Errorf("--trusted-proxies: %w", err)
	}
	switch {
	case c.Addr == "":
		return errors.New("--addr must not be empty")
	case !strings.HasPrefix(c.DB, "sqlite:") && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://"):
		return fmt.Errorf("--db %q: want sqlite:PATH or postgres://USER@HOST:PORT/DB", c.DB)
	case c.LogFormat != "text" && c.LogFormat != "json":
		return fmt.Errorf("--log-format %q: want text or json", c.LogFormat)
	case c.TokenTTL < 5*time.Second:
		return fmt.Errorf("--token-ttl %s: must be at least 5s", c.TokenTTL)
	case c.ReadTimeout < time.Second || c.WriteTimeout < time.Second:
		return fmt.Errorf("--read-timeout %s, --write-timeout %s: each must be at least 1s", c.ReadTimeout, c.WriteTimeout)
	case c.MaxConnsPerIP < 0 || c.MaxHTTPConnsPerIP < 0 || c.HandshakesPerIP < 0:
		return errors.New("--max-conns-per-ip, --max-http-conns-per-ip and --handshakes-per-ip must not be negative (0 = unlimited)")
	case c.MetricsAddr != "" && c.MetricsAddr == c.Addr && !strings.HasSuffix(c.Addr, ":0"):
		return fmt.Errorf("--metrics-addr %s: must not be the public --addr", c.MetricsAddr)
	case c.ReportRetention < 0:
		return errors.New("--report-retention must not be negative")
	case c.JWTSecret != "" && len(c.JWTSecret) < 32:
		return errors.New("LIVEDESK_JWT_SECRET must be at least 32 characters")
	}
	if c.PushContact != "" && !strings.HasPrefix(c.PushContact, "mailto:") && !strings.HasPrefix(c.PushContact, "https://") {
		return fmt.Errorf("--push-contact %q: want mailto:ADDRESS or an https:// URL", c.PushContact)
	}
	if c.TimeZone != "" {
		if _, err := LoadZone(c.TimeZone); err != nil {
			return fmt.Errorf("--timezone %q: %w", c.TimeZone, err)
		}
	}
	return nil
}

// LoadZone loads an IANA time zone by name. "Local" and "" are refused: the
// business's zone must not depend on the machine the server runs on.
func LoadZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, errors.New("want an IANA time zone name such as Asia/Kolkata or UTC")
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, errors.New("unknown time zone; want an IANA name such as Asia/Kolkata, Europe/London or UTC")
	}
	return loc, nil
}
