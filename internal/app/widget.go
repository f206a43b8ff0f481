package app

import (
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/widget"
)

// newWidget builds the web-chat visitor API's use cases. The widget is
// open within the inbox's business hours (internal/hours) and shows its
// away message outside them.
func (a *App) newWidget(receiver *inbound.Receiver) *widget.Service {
	return &widget.Service{Store: a.Store, Inbound: receiver, Broker: a.Broker, Hours: a.Hours, Blobs: a.blobs,
		Clock: a.clock, Log: a.Log, PublicURL: func() string { return a.Config.PublicURL }}
}
