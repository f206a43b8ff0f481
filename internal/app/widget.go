package app

import (
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/widget"
)

// buildWidget builds the web-chat visitor API and its sockets. Business
// hours are not wired yet: the widget is always open (widget.AlwaysOpen)
// until internal/hours provides a widget.Hours.
func (a *App) buildWidget(receiver *inbound.Receiver) *widget.Handler {
	svc := &widget.Service{Store: a.Store, Inbound: receiver, Broker: a.Broker, Hours: widget.AlwaysOpen{},
		Clock: a.clock, Log: a.Log, PublicURL: func() string { return a.Config.PublicURL }}
	a.widgetHub = widget.NewHub(svc)
	return widget.NewHandler(svc, a.widgetHub)
}
