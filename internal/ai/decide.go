package ai

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/ai/handoff"
	"github.com/parleyhq/parley/internal/knowledge"
)

// Decision is what the assistant does with a customer's message.
type Decision struct {
	// Reply is sent to the customer; empty sends nothing.
	Reply string `json:"reply"`
	// Handoff flags the conversation for a person with Reason and pauses
	// the AI.
	Handoff     bool      `json:"handoff"`
	Reason      string    `json:"reason"`
	Appointment bool      `json:"appointment"`
	Reasoning   Reasoning `json:"reasoning"`
}

// Default timeouts and texts.
const (
	DefaultTimeout = 20 * time.Second
	// HandoffReply tells the customer a person takes over.
	HandoffReply = "I'm passing you to a member of our team. Someone will reply here shortly."
)

// confidenceThreshold is the assistant's, or the default.
func confidenceThreshold(a *parley.Assistant) float64 {
	if a.Handoff.ConfidenceThreshold > 0 {
		return a.Handoff.ConfidenceThreshold
	}
	return handoff.DefaultConfidenceThreshold
}

// Decide runs the assistant on a transcript (oldest first): the handoff
// triggers first (what the customer expressed needs no model), then an
// appointment request, then retrieval and the provider. It never fails:
// a provider's error or timeout is a handoff, recorded in the reasoning.
func (s *Service) Decide(ctx context.Context, a *parley.Assistant, turns []Turn) Decision {
	start := time.Now()
	d := Decision{Reasoning: Reasoning{Provider: a.Provider, Assistant: a.ID, Sources: []Source{}, At: s.clock().Now()}}
	defer func() { d.Reasoning.LatencyMS = float64(time.Since(start).Microseconds()) / 1000 }()
	if len(turns) == 0 || turns[len(turns)-1].Role != RoleCustomer {
		return d
	}
	last := turns[len(turns)-1].Content
	var recent []string // the customer's messages since the last answer
	for i := len(turns) - 2; i >= 0 && turns[i].Role == RoleCustomer; i-- {
		recent = append([]string{turns[i].Content}, recent...)
	}
	sig := handoff.Classify(handoff.Settings{Keywords: a.Handoff.Keywords, SentimentThreshold: a.Handoff.SentimentThreshold}, recent, last)
	d.Reasoning.Sentiment = round(sig.Sentiment)
	d.Appointment = sig.Appointment
	if r := sig.Reason(false); r != "" {
		d.Reasoning.Intent, d.Reasoning.Confidence = intentOf(r), 1
		d.Reasoning.Detail = detailOf(r, sig)
		return s.handoff(d, r)
	}
	if sig.Appointment {
		d.Reasoning.Intent, d.Reasoning.Confidence = "appointment", 1
		if a.BookingURL != "" {
			d.Reply = "You can pick a time that suits you here: " + a.BookingURL
			return d
		}
		d.Reasoning.Detail = "appointment requested and no booking link is configured"
		return s.handoff(d, handoff.ReasonLowConfidence)
	}
	query := last
	if len(knowledge.Terms(last)) < 2 && len(recent) > 0 {
		query = strings.Join(append(recent, last), " ")
	}
	matches, err := s.Knowledge.Search(ctx, a.WorkspaceID, query, a.KnowledgeIDs, 3)
	if err != nil {
		d.Reasoning.Error = err.Error()
		return s.handoff(d, handoff.ReasonLowConfidence)
	}
	for _, m := range matches {
		d.Reasoning.Sources = append(d.Reasoning.Sources, Source{ID: m.Entry.ID, Title: m.Entry.Title, Score: round(m.Score)})
	}
	p, ok := s.Providers[a.Provider]
	if !ok {
		d.Reasoning.Error = fmt.Sprintf("provider %q is not available", a.Provider)
		return s.handoff(d, handoff.ReasonLowConfidence)
	}
	timeout := DefaultTimeout
	if a.TimeoutSeconds > 0 {
		timeout = time.Duration(a.TimeoutSeconds) * time.Second
	}
	pctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ans, err := p.Answer(pctx, Request{Assistant: a, Transcript: turns, Knowledge: matches})
	d.Reasoning.Model, d.Reasoning.Explanation = ans.Model, ans.Explanation
	d.Reasoning.Intent, d.Reasoning.Confidence = ans.Intent, round(ans.Confidence)
	switch {
	case err != nil:
		d.Reasoning.Error = err.Error()
		d.Reasoning.Detail = "the provider failed"
		return s.handoff(d, handoff.ReasonLowConfidence)
	case ans.Handoff:
		d.Reasoning.Detail = "the model asked for a person: " + ans.HandoffReason
		return s.handoff(d, handoff.ReasonLowConfidence)
	case strings.TrimSpace(ans.Reply) == "" || ans.Confidence < confidenceThreshold(a):
		d.Reasoning.Detail = fmt.Sprintf("confidence %.2f below %.2f", ans.Confidence, confidenceThreshold(a))
		return s.handoff(d, handoff.ReasonLowConfidence)
	}
	d.Reply = strings.TrimSpace(ans.Reply)
	return d
}

func (s *Service) handoff(d Decision, reason string) Decision {
	d.Handoff, d.Reason, d.Reasoning.Trigger = true, reason, reason
	d.Reply = HandoffReply
	return d
}

func intentOf(reason string) string {
	switch reason {
	case handoff.ReasonHumanRequest:
		return "human_request"
	case handoff.ReasonNegativeSentiment:
		return "complaint"
	}
	return "keyword"
}

func detailOf(reason string, sig handoff.Signals) string {
	switch {
	case reason == handoff.ReasonKeyword:
		return "keyword: " + sig.Keyword
	case reason == handoff.ReasonNegativeSentiment && sig.Frustration != "":
		return "frustration: " + sig.Frustration
	case reason == handoff.ReasonNegativeSentiment:
		return fmt.Sprintf("sentiment %.2f", sig.Sentiment)
	}
	return ""
}

func round(f float64) float64 { return float64(int(f*1000+0.5*sign(f))) / 1000 }

func sign(f float64) float64 {
	if f < 0 {
		return -1
	}
	return 1
}
