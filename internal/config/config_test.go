package config

import (
	"testing"
	"time"
)

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		check   func(*Config) bool
		wantErr bool
	}{
		{"defaults", nil, nil, func(c *Config) bool {
			return c.Addr == "127.0.0.1:8080" && c.DataDir == "./data" && c.PublicURL == "http://127.0.0.1:8080" &&
				c.EventRetention == 168*time.Hour && c.DatabaseURL == ""
		}, false},
		{"environment", map[string]string{"PARLEY_ADDR": "0.0.0.0:9000", "PARLEY_PUBLIC_URL": "https://chat.example.com/"}, nil,
			func(c *Config) bool { return c.Addr == "0.0.0.0:9000" && c.PublicURL == "https://chat.example.com" }, false},
		{"flags win over the environment", map[string]string{"PARLEY_DATA_DIR": "/env"}, []string{"--data-dir", "/flag"},
			func(c *Config) bool { return c.DataDir == "/flag" }, false},
		{"a public URL must be http(s)", map[string]string{"PARLEY_PUBLIC_URL": "ftp://x"}, nil, nil, true},
		{"TLS needs both files", map[string]string{"PARLEY_TLS_CERT": "c.pem"}, nil, nil, true},
		{"one secret key source", map[string]string{"PARLEY_SECRET_KEY": "k", "PARLEY_SECRET_KEY_FILE": "f"}, nil, nil, true},
		{"retention of at least an hour", map[string]string{"PARLEY_EVENT_RETENTION": "5m"}, nil, nil, true},
		{"an unknown flag", nil, []string{"--nope"}, nil, true},
		{"trusted proxies as CIDRs and addresses", map[string]string{"PARLEY_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7,::1"}, nil,
			func(c *Config) bool {
				p, err := c.Proxies()
				return err == nil && len(p) == 3 && p[0].String() == "10.0.0.0/8" && p[1].String() == "192.0.2.7/32" && p[2].String() == "::1/128"
			}, false},
		{"provider base URLs by the variable a spec names", map[string]string{"PARLEY_TWILIO_API_URL": "http://127.0.0.1:9/twilio"}, nil,
			func(c *Config) bool {
				urls, err := c.BaseURLs()
				return err == nil && urls["PARLEY_TWILIO_API_URL"] == "http://127.0.0.1:9/twilio" && urls["PARLEY_TELEGRAM_API_URL"] == ""
			}, false},
		{"a provider base URL must be http(s)", map[string]string{"PARLEY_META_GRAPH_URL": "ftp://graph"}, nil,
			func(c *Config) bool { _, err := c.BaseURLs(); return err != nil }, false},
		{"a trusted proxy that is not a CIDR", map[string]string{"PARLEY_TRUSTED_PROXIES": "10.0.0.0/8,proxy.local"}, nil, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"PARLEY_ADDR", "PARLEY_PUBLIC_URL", "PARLEY_DATA_DIR", "PARLEY_DATABASE_URL", "PARLEY_TLS_CERT",
				"PARLEY_TLS_KEY", "PARLEY_SECRET_KEY", "PARLEY_SECRET_KEY_FILE", "PARLEY_EVENT_RETENTION", "PARLEY_TRUSTED_PROXIES",
				"PARLEY_TWILIO_API_URL", "PARLEY_META_GRAPH_URL", "PARLEY_TELEGRAM_API_URL"} {
				t.Setenv(k, tt.env[k])
			}
			c, err := Load(tt.args)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Load() error = %v, want error %v", err, tt.wantErr)
			}
			if err == nil && !tt.check(c) {
				t.Errorf("Load() = %+v", c)
			}
		})
	}
}
