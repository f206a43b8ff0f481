// Package ai is the AI agent: assistants, the decision on each customer
// message (handoff triggers, retrieval, the provider's answer), the job
// that answers one conversation at a time, and the preview. Providers
// (builtin, openai) implement Provider; only internal/app names them.
package ai

import (
	"context"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/knowledge"
)

// Roles of a transcript's turns.
const (
	RoleCustomer = "customer"
	RoleAgent    = "agent"
	RoleAI       = "ai"
)

// Turn is one message of the transcript the assistant reads.
type Turn struct {
	Role    string `json:"role" enum:"customer,agent,ai"`
	Content string `json:"content"`
}

// Request is what a provider answers: the assistant, the transcript since
// its memory starts (oldest first, the customer's message last) and the
// knowledge retrieved for it.
type Request struct {
	Assistant  *parley.Assistant
	Transcript []Turn
	Knowledge  []knowledge.Match
}

// Answer is a provider's answer. Reply empty with Handoff false means the
// provider had nothing to say (a handoff for low confidence).
type Answer struct {
	Reply string
	// Confidence in [0, 1]: below the assistant's threshold hands off.
	Confidence float64
	// Handoff: the provider asks for a person (the model's
	// handoff_to_human tool call), with its reason.
	Handoff       bool
	HandoffReason string
	Intent        string
	// Explanation is the provider's own short account of its answer.
	Explanation string
	Model       string
}

// Provider answers a customer. Implementations must be safe for
// concurrent use and honour ctx's deadline; an error hands off.
type Provider interface {
	Answer(ctx context.Context, req Request) (Answer, error)
}

// Source is a knowledge entry used for an answer.
type Source struct {
	ID    string  `json:"id"`
	Title string  `json:"title"`
	Score float64 `json:"score"`
}

// Reasoning is what an AI decision records on its message (ai_reasoning)
// and on a handoff's system line.
type Reasoning struct {
	Intent      string    `json:"intent"`
	Confidence  float64   `json:"confidence"`
	Sentiment   float64   `json:"sentiment"`
	Sources     []Source  `json:"sources"`
	Trigger     string    `json:"trigger,omitempty"`
	Detail      string    `json:"detail,omitempty"`
	Provider    string    `json:"provider"`
	Model       string    `json:"model"`
	LatencyMS   float64   `json:"latency_ms"`
	Explanation string    `json:"explanation,omitempty"`
	Assistant   string    `json:"assistant_id"`
	Error       string    `json:"error,omitempty"`
	At          time.Time `json:"at"`
}

// isLocal reports whether p answers in-process, without a network call
// (it has a Local method returning true): its answer takes milliseconds.
func isLocal(p Provider) bool {
	l, ok := p.(interface{ Local() bool })
	return ok && l.Local()
}
