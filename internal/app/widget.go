package app

import (
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/widget"
)

// buildWidget builds the web-chat visitor API and its sockets. The widget
// is open within the inbox's business hours (internal/hours) and shows
// its away message outside them. Agents' reads are told to the visitors
// (conversations.AfterRead).
func (a *App) buildWidget(receiver *inbound.Receiver, conversations *conversation.Service) *widget.Handler {
	svc := &widget.Service{Store: a.Store, Inbound: receiver, Broker: a.Broker, Hours: a.Hours, Blobs: a.blobs,
		Clock: a.clock, Log: a.Log, PublicURL: func() string { return a.Config.PublicURL }}
	conversations.AfterRead = svc.AgentRead
	conversations.CanStartChat = svc.CanStartChat
	a.widgetHub = widget.NewHub(svc)
	return widget.NewHandler(svc, a.widgetHub)
}
