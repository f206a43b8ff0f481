// Package builtin is the offline AI provider: it answers from the
// knowledge base the agent retrieved (the best passage when it is
// confident), greets and acknowledges, asks for details once when a
// message is too vague, and otherwise leaves the conversation to a person.
// Deterministic: the same transcript and knowledge give the same answer.
package builtin

import (
	"context"
	"fmt"
	"strings"

	"github.com/parleyhq/parley/internal/ai"
	"github.com/parleyhq/parley/internal/ai/handoff"
	"github.com/parleyhq/parley/internal/knowledge"
)

// Model is the name the reasoning records.
const Model = "parley-builtin-1"

// Provider is the built-in provider.
type Provider struct{}

// New returns the built-in provider.
func New() *Provider { return &Provider{} }

// Local reports that the provider answers in-process, in milliseconds.
func (p *Provider) Local() bool { return true }

var (
	greetings = set("hi hello hey hiya howdy morning afternoon evening good day greetings bonjour hola hallo ciao salut there yo")
	acks      = set("thanks thank you thx ty cheers great perfect ok okay cool nice awesome got it understood bye goodbye merci gracias danke that's all helps helped super fine alright sounds good lovely brilliant")
)

// AskDetails is the clarifying question for a vague message.
const AskDetails = "Could you tell me a little more about what you need, for example the product, order or feature it is about?"

// Answer answers the transcript's last customer message.
func (p *Provider) Answer(_ context.Context, req ai.Request) (ai.Answer, error) {
	last := ""
	if n := len(req.Transcript); n > 0 {
		last = req.Transcript[n-1].Content
	}
	ans := ai.Answer{Model: Model}
	words := strings.FieldsFunc(handoff.Fold(last), func(r rune) bool { return !(r >= 'a' && r <= 'z' || r == '\'') })
	var best *knowledge.Match
	if len(req.Knowledge) > 0 {
		best = &req.Knowledge[0]
	}
	threshold := req.Assistant.Handoff.ConfidenceThreshold
	if threshold <= 0 {
		threshold = handoff.DefaultConfidenceThreshold
	}
	switch {
	case len(words) > 0 && all(words, greetings):
		name := req.Assistant.Name
		ans.Intent, ans.Confidence = "greeting", 1
		ans.Reply = fmt.Sprintf("Hi! I'm %s. How can I help you today?", name)
		ans.Explanation = "The customer greeted."
	case len(words) > 0 && all(words, acks):
		ans.Intent, ans.Confidence = "acknowledgement", 1
		ans.Reply = "You're welcome! Is there anything else I can help you with?"
		ans.Explanation = "The customer acknowledged the answer."
	case best != nil && best.Score >= threshold:
		ans.Intent, ans.Confidence = "question", best.Score
		ans.Reply = best.Passage
		ans.Explanation = fmt.Sprintf("Answered from %q (score %.2f).", best.Entry.Title, best.Score)
	case len(knowledge.Terms(last)) < 2 && !askedBefore(req.Transcript):
		ans.Intent, ans.Confidence = "clarify", 1
		ans.Reply = AskDetails
		ans.Explanation = "The message is too short to search the knowledge base; asked for details."
	case best != nil:
		ans.Intent, ans.Confidence = "question", best.Score
		ans.Explanation = fmt.Sprintf("The best entry, %q, scores %.2f: not confident.", best.Entry.Title, best.Score)
	default:
		ans.Intent = "question"
		ans.Explanation = "No knowledge-base entry matches the question."
	}
	return ans, nil
}

// askedBefore reports whether the assistant already asked for details
// since the customer's previous messages (it asks once, then hands off).
func askedBefore(ts []ai.Turn) bool {
	for i := len(ts) - 2; i >= 0; i-- {
		if ts[i].Role == ai.RoleAI {
			return ts[i].Content == AskDetails
		}
		if ts[i].Role == ai.RoleAgent {
			return false
		}
	}
	return false
}

func set(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

func all(ws []string, in map[string]bool) bool {
	for _, w := range ws {
		if !in[w] {
			return false
		}
	}
	return true
}
