package config

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFlagSetPrecedence(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		env   map[string]string
		args  []string
		check func(c Config) string
	}{
		{"defaults", nil, nil, func(c Config) string {
			if c.Addr != "127.0.0.1:8080" || c.DB != "sqlite:livedesk.db" || c.Demo {
				return "unexpected defaults"
			}
			return ""
		}},
		{"env", map[string]string{"LIVEDESK_ADDR": ":9000", "LIVEDESK_DEMO": "true", "LIVEDESK_TOKEN_TTL": "1h"}, nil, func(c Config) string {
			if c.Addr != ":9000" || !c.Demo || c.TokenTTL != time.Hour {
				return "env not applied"
			}
			return ""
		}},
		{"flag over env", map[string]string{"LIVEDESK_ADDR": ":9000"}, []string{"--addr", ":7000", "--allowed-origins", "https://a.example, https://b.example"}, func(c Config) string {
			if c.Addr != ":7000" || len(c.AllowedOrigins) != 2 || c.AllowedOrigins[1] != "https://b.example" {
				return "flag did not win"
			}
			return ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := Default()
			getenv := func(k string) string { return tt.env[k] }
			fs, err := FlagSet("serve", &cfg, getenv, io.Discard, "addr", "db", "demo", "token-ttl", "allowed-origins")
			if err != nil {
				t.Fatal(err)
			}
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			if msg := tt.check(cfg); msg != "" {
				t.Errorf("%s: got %+v", msg, cfg)
			}
		})
	}
}

func TestBadEnvIsReported(t *testing.T) {
	t.Parallel()
	cfg := Default()
	_, err := FlagSet("serve", &cfg, func(k string) string {
		if k == "LIVEDESK_TOKEN_TTL" {
			return "soon"
		}
		return ""
	}, io.Discard, "token-ttl")
	if err == nil || !strings.Contains(err.Error(), "LIVEDESK_TOKEN_TTL") {
		t.Fatalf("got %v, want an error naming LIVEDESK_TOKEN_TTL", err)
	}
}

func TestLimitsSettings(t *testing.T) {
	t.Parallel()
	def := Default()
	if def.MaxConnsPerIP <= 0 || def.MaxHTTPConnsPerIP <= 0 || def.HandshakesPerIP <= 0 || len(def.TrustedProxies) != 0 || def.MetricsAddr != "127.0.0.1:9464" {
		t.Fatalf("defaults %+v: want finite connection limits, no trusted proxy, metrics on 127.0.0.1:9464", def)
	}
	cfg := Default()
	env := map[string]string{"LIVEDESK_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1", "LIVEDESK_READ_TIMEOUT": "3s"}
	fs, err := FlagSet("serve", &cfg, func(k string) string { return env[k] }, io.Discard,
		"trusted-proxies", "metrics-addr", "read-timeout", "write-timeout", "max-conns-per-ip", "max-http-conns-per-ip", "handshakes-per-ip")
	if err != nil {
		t.Fatal(err)
	}
	if err := fs.Parse([]string{"--metrics-addr", "", "--write-timeout", "4s", "--handshakes-per-ip", "0.5", "--max-http-conns-per-ip", "7"}); err != nil {
		t.Fatal(err)
	}
	if len(cfg.TrustedProxies) != 2 || cfg.TrustedProxies[1] != "127.0.0.1" || cfg.MetricsAddr != "" ||
		cfg.ReadTimeout != 3*time.Second || cfg.WriteTimeout != 4*time.Second || cfg.HandshakesPerIP != 0.5 || cfg.MaxHTTPConnsPerIP != 7 {
		t.Fatalf("got %+v", cfg)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		mutate func(*Config)
		want   string
	}{
		{func(c *Config) {}, ""},
		{func(c *Config) { c.DB = "mysql://x" }, "--db"},
		{func(c *Config) { c.LogFormat = "xml" }, "--log-format"},
		{func(c *Config) { c.JWTSecret = "short" }, "LIVEDESK_JWT_SECRET"},
		{func(c *Config) { c.TokenTTL = time.Second }, "--token-ttl"},
		{func(c *Config) { c.TokenTTL = 5 * time.Second }, ""},
		{func(c *Config) { c.TrustedProxies = []string{"10.0.0.0/8", "127.0.0.1"} }, ""},
		{func(c *Config) { c.TrustedProxies = []string{"proxy.example.com"} }, "--trusted-proxies"},
		{func(c *Config) { c.ReadTimeout = 0 }, "--read-timeout"},
		{func(c *Config) { c.MaxConnsPerIP = -1 }, "--max-conns-per-ip"},
		{func(c *Config) { c.MetricsAddr = c.Addr }, "--metrics-addr"},
	}
	for _, tt := range tests {
		c := Default()
		tt.mutate(&c)
		err := c.Validate()
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("Validate() = %v, want error containing %q", err, tt.want)
		}
	}
}

func TestJWTSecretFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "jwt")
	keys := "# rotated 2026-06\nk2:0123456789abcdef0123456789abcdef\nk1:fedcba9876543210fedcba9876543210\n"
	if err := os.WriteFile(path, []byte(keys), 0o600); err != nil {
		t.Fatal(err)
	}
	load := func(env map[string]string) (Config, error) {
		cfg := Default()
		_, err := FlagSet("serve", &cfg, func(k string) string { return env[k] }, io.Discard, "addr")
		return cfg, err
	}
	cfg, err := load(map[string]string{"LIVEDESK_JWT_SECRET_FILE": path})
	if err != nil || cfg.JWTSecret != strings.TrimSpace(keys) {
		t.Errorf("from the file: %q, %v", cfg.JWTSecret, err)
	}
	if _, err := load(map[string]string{"LIVEDESK_JWT_SECRET_FILE": path, "LIVEDESK_JWT_SECRET": "x"}); err == nil {
		t.Error("both the secret and its file were accepted")
	}
	if _, err := load(map[string]string{"LIVEDESK_JWT_SECRET_FILE": path + ".missing"}); err == nil || !strings.Contains(err.Error(), "LIVEDESK_JWT_SECRET_FILE") {
		t.Errorf("a missing file: %v, want an error naming LIVEDESK_JWT_SECRET_FILE", err)
	}
}
