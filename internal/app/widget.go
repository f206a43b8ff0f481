package app

import (
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/widget"
)

// buildWidget builds the web-chat visitor API and its sockets. The widget
// is open within the inbox's business hours (internal/hours) and shows
// its away message outside them.
func (a *App) buildWidget(receiver *inbound.Receiver) *widget.Handler {
	svc := &widget.Service{Store: a.Store, Inbound: receiver, Broker: a.Broker, Hours: a.Hours,
		Clock: a.clock, Log: a.Log, PublicURL: func() string { return a.Config.PublicURL }}
	a.widgetHub = widget.NewHub(svc)
	return widget.NewHandler(svc, a.widgetHub)
}
