package app

import (
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/ai"
	"github.com/parleyhq/parley/internal/ai/builtin"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/knowledge"
)

// buildAI wires the AI agent: its providers, the inbound follow-up that
// queues its answers, the pause when a person replies, and its job kind.
func (a *App) buildAI(receiver *inbound.Receiver, conversations *conversation.Service) error {
	a.AI = &ai.Service{
		Store: a.Store, Knowledge: knowledge.New(a.Store), Notify: a.Notify, Outbox: a.Workers.Delivery,
		Clock: a.clock, Log: a.Log.With("worker", "ai"),
		Providers: map[string]ai.Provider{parley.ProviderBuiltin: builtin.New()},
	}
	receiver.FollowUp = a.AI.Enqueue
	conversations.AfterAgentReply = a.AI.AfterAgentReply
	return a.Workers.Scheduler.Register(ai.KindReply, a.AI.Handler())
}
