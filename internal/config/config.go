// Package config loads Parley's settings from PARLEY_* environment
// variables (and *_FILE variants for secrets), then command-line flags.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"
)

// Config is every setting, with its default.
type Config struct {
	Addr                  string        `env:"PARLEY_ADDR" envDefault:"127.0.0.1:8080"`
	PublicURL             string        `env:"PARLEY_PUBLIC_URL"`
	DataDir               string        `env:"PARLEY_DATA_DIR" envDefault:"./data"`
	DatabaseURL           string        `env:"PARLEY_DATABASE_URL"`
	SecretKey             string        `env:"PARLEY_SECRET_KEY"`
	SecretKeyFile         string        `env:"PARLEY_SECRET_KEY_FILE"`
	TLSCert               string        `env:"PARLEY_TLS_CERT"`
	TLSKey                string        `env:"PARLEY_TLS_KEY"`
	AllowPrivateAddresses string        `env:"PARLEY_ALLOW_PRIVATE_ADDRESSES"`
	NATSURL               string        `env:"PARLEY_NATS_URL"`
	EventRetention        time.Duration `env:"PARLEY_EVENT_RETENTION" envDefault:"168h"`
	LogLevel              string        `env:"PARLEY_LOG_LEVEL" envDefault:"info"`
	LogFormat             string        `env:"PARLEY_LOG_FORMAT" envDefault:"text"`
	// TrustedProxies are the reverse proxies in front of Parley, as
	// comma-separated CIDRs or addresses ("10.0.0.0/8, 192.0.2.7"): when a
	// request comes from one, its client address is taken from
	// X-Forwarded-For (the rightmost hop that is not a trusted proxy).
	// Empty (the default) ignores X-Forwarded-For, which any client can
	// write. Sign-in limits count per client address, so behind a proxy
	// that is not listed every client shares the proxy's.
	TrustedProxies string `env:"PARLEY_TRUSTED_PROXIES"`
	// MetricsAddr, when set, serves Prometheus metrics at /metrics on a
	// listener of its own (keep it off the public network).
	MetricsAddr string `env:"PARLEY_METRICS_ADDR"`

	// Messaging providers. Base URLs are set by the operator and trusted
	// (not subject to the private-address allow-list); empty means the
	// provider's public API. The Meta app secret and verify token serve
	// the app-wide WhatsApp and Messenger webhooks, and inboxes that have
	// none of their own.
	TwilioAPIURL    string `env:"PARLEY_TWILIO_API_URL"`
	MetaGraphURL    string `env:"PARLEY_META_GRAPH_URL"`
	TelegramAPIURL  string `env:"PARLEY_TELEGRAM_API_URL"`
	MetaAppSecret   string `env:"PARLEY_META_APP_SECRET"`
	MetaVerifyToken string `env:"PARLEY_META_VERIFY_TOKEN"`

	// Email: the SMTP listener's address (empty: off), its cap on one
	// mail, and how often email inboxes with IMAP settings are polled.
	SMTPAddr         string        `env:"PARLEY_SMTP_ADDR"`
	SMTPMaxBytes     int64         `env:"PARLEY_SMTP_MAX_BYTES" envDefault:"26214400"`
	IMAPPollInterval time.Duration `env:"PARLEY_IMAP_POLL_INTERVAL" envDefault:"1m"`
}

// Load reads the environment, then flags from args (which override it).
// Asked for help (-h, --help), it prints the flags and returns an error that
// wraps flag.ErrHelp.
func Load(args []string) (*Config, error) {
	fs := flag.NewFlagSet("parley serve", flag.ContinueOnError)
	c, err := Bind(fs)
	if err != nil {
		return nil, err
	}
	if err := fs.Parse(args); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("config: unexpected argument %q", fs.Arg(0))
	}
	return c, c.Validate()
}

// Bind reads the environment into a Config and registers the flags that
// override it on fs, so that a command with flags of its own (user create)
// takes the same --data-dir and --database-url as serve. Call Validate after
// fs.Parse.
func Bind(fs *flag.FlagSet) (*Config, error) {
	c := new(Config)
	if err := env.Parse(c); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if p := os.Getenv("PARLEY_DATABASE_URL_FILE"); p != "" && c.DatabaseURL == "" {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("config: PARLEY_DATABASE_URL_FILE: %w", err)
		}
		c.DatabaseURL = strings.TrimSpace(string(b))
	}
	fs.StringVar(&c.Addr, "addr", c.Addr, "address to listen on (PARLEY_ADDR)")
	fs.StringVar(&c.PublicURL, "public-url", c.PublicURL, "URL people and providers reach Parley at (PARLEY_PUBLIC_URL)")
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "directory for the SQLite database, key and files (PARLEY_DATA_DIR)")
	fs.StringVar(&c.DatabaseURL, "database-url", c.DatabaseURL, "postgres:// URL; empty for embedded SQLite (PARLEY_DATABASE_URL)")
	return c, nil
}

// Validate checks the settings and fills in derived defaults.
func (c *Config) Validate() error {
	if c.PublicURL == "" {
		c.PublicURL = "http://" + c.Addr
		if c.TLSCert != "" {
			c.PublicURL = "https://" + c.Addr
		}
	}
	u, err := url.Parse(c.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("config: PARLEY_PUBLIC_URL must be an http(s) URL, got %q", c.PublicURL)
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return errors.New("config: PARLEY_TLS_CERT and PARLEY_TLS_KEY go together")
	}
	if c.SecretKey != "" && c.SecretKeyFile != "" {
		return errors.New("config: set PARLEY_SECRET_KEY or PARLEY_SECRET_KEY_FILE, not both")
	}
	if c.EventRetention < time.Hour {
		return errors.New("config: PARLEY_EVENT_RETENTION must be at least 1h")
	}
	if _, err := c.Proxies(); err != nil {
		return err
	}
	return nil
}

// BaseURLs returns the operator's overrides of the providers' APIs, keyed
// by the variable a provider's channel.Spec names in BaseURLVar; "" means
// the provider's public API.
func (c *Config) BaseURLs() (map[string]string, error) {
	urls := map[string]string{
		"PARLEY_TWILIO_API_URL":   c.TwilioAPIURL,
		"PARLEY_META_GRAPH_URL":   c.MetaGraphURL,
		"PARLEY_TELEGRAM_API_URL": c.TelegramAPIURL,
	}
	for name, raw := range urls {
		if raw == "" {
			continue
		}
		if u, err := url.Parse(raw); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("%s must be an http(s) URL", name)
		}
	}
	return urls, nil
}

// Proxies returns PARLEY_TRUSTED_PROXIES parsed; a bare address is a
// prefix of its full length.
func (c *Config) Proxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for item := range strings.SplitSeq(c.TrustedProxies, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		p, err := netip.ParsePrefix(item)
		if err != nil {
			a, aerr := netip.ParseAddr(item)
			if aerr != nil {
				return nil, fmt.Errorf("config: PARLEY_TRUSTED_PROXIES: %q is not a CIDR or an IP address", item)
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// Public returns the public URL parsed.
func (c *Config) Public() *url.URL {
	u, _ := url.Parse(c.PublicURL)
	return u
}
