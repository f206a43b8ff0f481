package app

import (
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/widget"
)

// buildWidget builds the web-chat visitor API and its sockets. Business
// hours are not wired yet: the widget is always open (widget.AlwaysOpen)
// until internal/hours provides a widget.Hours.
// Agents' reads are told to the visitors (conversations.AfterRead).
func (a *App) buildWidget(receiver *inbound.Receiver, conversations *conversation.Service) *widget.Handler {
	svc := &widget.Service{Store: a.Store, Inbound: receiver, Broker: a.Broker, Hours: widget.AlwaysOpen{}, Blobs: a.blobs,
		Clock: a.clock, Log: a.Log, PublicURL: func() string { return a.Config.PublicURL }}
	conversations.AfterRead = svc.AgentRead
	conversations.CanStartChat = svc.CanStartChat
	a.widgetHub = widget.NewHub(svc)
	return widget.NewHandler(svc, a.widgetHub)
}
