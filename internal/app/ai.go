package app

import (
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/ai"
	"github.com/parleyhq/parley/internal/ai/builtin"
	"github.com/parleyhq/parley/internal/ai/openai"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/hours"
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/knowledge"
	"github.com/parleyhq/parley/internal/netguard"
)

// buildAI wires the AI agent: its providers, the inbound follow-up that
// queues its answers, the pause when a person replies, and its job kind.
func (a *App) buildAI(receiver *inbound.Receiver, conversations *conversation.Service, guard *netguard.Guard) error {
	a.AI = &ai.Service{
		Store: a.Store, Knowledge: knowledge.New(a.Store), Notify: a.Notify, Outbox: a.Workers.Delivery,
		Clock: a.clock, Log: a.Log.With("worker", "ai"), Jobs: a.Workers.Scheduler,
		Providers: map[string]ai.Provider{
			parley.ProviderBuiltin: builtin.New(),
			// Endpoints are user-supplied: loopback and LAN models (Ollama,
			// vLLM) need PARLEY_ALLOW_PRIVATE_ADDRESSES. Each call's deadline
			// is the assistant's timeout; this bounds the client.
			parley.ProviderOpenAI: openai.New(guard.Client(2 * time.Minute)),
		},
	}
	// Business hours: outside them the assistant answers or the away
	// message goes (decided in the customer message's transaction).
	a.Hours = &hours.Service{Store: a.Store, Outbox: a.Workers.Delivery, Log: a.Log.With("worker", "hours")}
	a.AI.Closed, a.AI.Away = a.Hours.ClosedTx, a.Hours.SendAway
	// The second mode check, just before an AI reply is sent.
	a.Workers.Delivery.SetGate(a.AI.OutboxGate)
	receiver.FollowUp = a.AI.Enqueue
	conversations.AfterAgentReply = a.AI.AfterAgentReply
	return a.Workers.Scheduler.Register(ai.KindReply, a.AI.Handler())
}
