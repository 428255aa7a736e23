// Package config loads Livedesk's configuration from command-line flags and
// LIVEDESK_* environment variables into one struct. Flags win over the
// environment, the environment over defaults.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
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
	MaxConnsPerIP  int           // socket connections per client address; 0 = unlimited
	ReplayLimit    int           // most events replayed on reconnect before RESYNC_REQUIRED
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
		MaxConnsPerIP: 0,
		ReplayLimit:   5000,
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
		case "max-conns-per-ip", "replay-limit":
			p := &cfg.MaxConnsPerIP
			usage := "socket connections allowed per client address, 0 = unlimited"
			if s == "replay-limit" {
				p, usage = &cfg.ReplayLimit, "most events replayed to a reconnecting client before it must resync"
			}
			if v := getenv(env(s)); v != "" {
				n, err := strconv.Atoi(v)
				if err != nil {
					errs = append(errs, fmt.Errorf("%s: %w", env(s), err))
				}
				*p = n
			}
			fs.IntVar(p, s, *p, usage+" (env "+env(s)+")")
		default:
			return nil, fmt.Errorf("config: unknown setting %q", s)
		}
	}
	// The JWT secret is never a flag: flags show up in process listings.
	cfg.JWTSecret = getenv("LIVEDESK_JWT_SECRET")
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
	switch {
	case c.Addr == "":
		return errors.New("--addr must not be empty")
	case !strings.HasPrefix(c.DB, "sqlite:") && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://"):
		return fmt.Errorf("--db %q: want sqlite:PATH or postgres://USER@HOST:PORT/DB", c.DB)
	case c.LogFormat != "text" && c.LogFormat != "json":
		return fmt.Errorf("--log-format %q: want text or json", c.LogFormat)
	case c.TokenTTL < 5*time.Second:
		return fmt.Errorf("--token-ttl %s: must be at least 5s", c.TokenTTL)
	case c.JWTSecret != "" && len(c.JWTSecret) < 32:
		return errors.New("LIVEDESK_JWT_SECRET must be at least 32 characters")
	}
	return nil
}
