package app

import (
	"log/slog"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/ai"
	"github.com/parleyhq/parley/internal/ai/builtin"
	"github.com/parleyhq/parley/internal/ai/openai"
	"github.com/parleyhq/parley/internal/delivery"
	"github.com/parleyhq/parley/internal/hours"
	"github.com/parleyhq/parley/internal/knowledge"
	"github.com/parleyhq/parley/internal/netguard"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// newAI builds the AI agent with its providers: it queues its replies on
// outbox, and outside business hours lets hours decide between its answer
// and the away message.
func newAI(store *sqlstore.Store, n *notify.Service, outbox *delivery.Outbox, h *hours.Service, jobs ai.JobRunner,
	guard *netguard.Guard, clock parley.Clock, log *slog.Logger) *ai.Service {
	return &ai.Service{
		Store: store, Knowledge: knowledge.New(store), Notify: n, Outbox: outbox,
		Clock: clock, Log: log.With("worker", "ai"),
		// A reply job runs the moment its message commits; the
		// scheduler's loop is the fallback.
		Jobs: jobs,
		Providers: map[string]ai.Provider{
			parley.ProviderBuiltin: builtin.New(),
			// Endpoints are user-supplied: loopback and LAN models (Ollama,
			// vLLM) need PARLEY_ALLOW_PRIVATE_ADDRESSES. Each call's deadline
			// is the assistant's timeout; this bounds the client.
			parley.ProviderOpenAI: openai.New(guard.Client(2 * time.Minute)),
		},
		Closed: h.ClosedTx, Away: h.SendAway,
	}
}
