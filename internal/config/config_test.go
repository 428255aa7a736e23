package config

import (
	"io"
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
