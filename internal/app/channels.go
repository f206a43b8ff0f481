package app

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/netguard"
)

// baseURLs are the operator's overrides of the providers' APIs, by the
// variable a spec names in BaseURLVar.
func baseURLs(cfg *config.Config) (map[string]string, error) {
	urls := map[string]string{
		"PARLEY_TWILIO_API_URL":   cfg.TwilioAPIURL,
		"PARLEY_META_GRAPH_URL":   cfg.MetaGraphURL,
		"PARLEY_TELEGRAM_API_URL": cfg.TelegramAPIURL,
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

// buildAdapters builds one adapter per registered provider: base URLs set
// by the operator are trusted; media links from webhooks are fetched
// through guard.
func buildAdapters(cfg *config.Config, guard *netguard.Guard, clock parley.Clock, log *slog.Logger, tracker channel.Tracker) (map[string]channel.Adapter, error) {
	urls, err := baseURLs(cfg)
	if err != nil {
		return nil, err
	}
	httpClient, mediaClient := &http.Client{Timeout: 30 * time.Second}, guard.Client(30*time.Second)
	adapters := map[string]channel.Adapter{}
	for _, s := range channel.Specs() {
		if s.New == nil {
			continue
		}
		adapters[s.Kind] = s.New(channel.Env{BaseURL: urls[s.BaseURLVar], HTTPClient: httpClient, MediaClient: mediaClient,
			Clock: clock, Logger: log, Dial: guard.DialContext, Tracker: tracker})
	}
	return adapters, nil
}

// richChannels reports which channels' adapters send cards, buttons and
// quick replies (channel.RichSender): the composer's constructor sends a
// previewed link as a card there.
func richChannels(adapters map[string]channel.Adapter) func(string) bool {
	return func(kind string) bool {
		r, ok := adapters[kind].(channel.RichSender)
		return ok && r.SendsRich()
	}
}
