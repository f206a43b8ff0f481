package app

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/netguard"
)

// buildAdapters builds one adapter per registered provider: base URLs set
// by the operator are trusted; media links from webhooks are fetched
// through guard.
func buildAdapters(cfg *config.Config, guard *netguard.Guard, clock parley.Clock, log *slog.Logger, tracker channel.Tracker) (map[string]channel.Adapter, error) {
	urls, err := cfg.BaseURLs()
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
