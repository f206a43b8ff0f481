// Package openai is the AI provider for any OpenAI-compatible chat
// completions endpoint (OpenAI, Azure OpenAI, Ollama, vLLM, llama.cpp
// server), through the maintained client github.com/openai/openai-go. The
// model is grounded with the knowledge the agent retrieved and is given a
// handoff_to_human tool; a timeout or a provider error is returned, and
// the agent hands off (never silence).
package openai

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"

	"github.com/parleyhq/parley/internal/ai"
)

// ToolHandoff is the tool the model calls to hand the conversation to a
// person.
const ToolHandoff = "handoff_to_human"

// Provider calls an assistant's OpenAI-compatible endpoint.
type Provider struct {
	// Client makes the calls: netguard's, so user-supplied endpoints on
	// private addresses need PARLEY_ALLOW_PRIVATE_ADDRESSES.
	Client *http.Client
	// MaxRetries retries 429 and 5xx answers (honouring Retry-After);
	// default 2.
	MaxRetries int
}

// New returns a Provider calling through client.
func New(client *http.Client) *Provider { return &Provider{Client: client, MaxRetries: 2} }

// Answer asks the model; its reply is confident (1) unless it calls the
// handoff tool or says nothing.
func (p *Provider) Answer(ctx context.Context, req ai.Request) (ai.Answer, error) {
	a := req.Assistant
	ans := ai.Answer{Model: a.Model}
	opts := []option.RequestOption{option.WithBaseURL(strings.TrimRight(a.BaseURL, "/") + "/"), option.WithMaxRetries(p.MaxRetries)}
	if a.APIKey != "" {
		opts = append(opts, option.WithAPIKey(a.APIKey))
	} else {
		opts = append(opts, option.WithAPIKey("none")) // local servers need none; the client wants one
	}
	if p.Client != nil {
		opts = append(opts, option.WithHTTPClient(p.Client))
	}
	client := openai.NewClient(opts...)
	params := openai.ChatCompletionNewParams{
		Model:    shared.ChatModel(a.Model),
		Messages: messages(req),
		Tools: []openai.ChatCompletionToolUnionParam{openai.ChatCompletionFunctionTool(shared.FunctionDefinitionParam{
			Name:        ToolHandoff,
			Description: openai.String("Hand the conversation to a human agent when you cannot answer from the knowledge given, the customer asks for a person, or the matter needs a person."),
			Parameters: shared.FunctionParameters{
				"type":       "object",
				"properties": map[string]any{"reason": map[string]any{"type": "string", "description": "why, in a short sentence"}},
				"required":   []string{"reason"},
			},
		})},
		Temperature: openai.Float(a.Temperature),
	}
	resp, err := client.Chat.Completions.New(ctx, params)
	if err != nil {
		return ans, fmt.Errorf("openai: chat completion: %w", err)
	}
	if len(resp.Choices) == 0 {
		return ans, fmt.Errorf("openai: chat completion without choices")
	}
	if resp.Model != "" {
		ans.Model = resp.Model
	}
	msg := resp.Choices[0].Message
	for _, tc := range msg.ToolCalls {
		if tc.Function.Name != ToolHandoff {
			continue
		}
		var args struct {
			Reason string `json:"reason"`
		}
		_ = json.Unmarshal([]byte(tc.Function.Arguments), &args)
		ans.Handoff, ans.HandoffReason, ans.Intent = true, args.Reason, "handoff"
		ans.Explanation = "The model called " + ToolHandoff + ": " + args.Reason
		return ans, nil
	}
	ans.Reply, ans.Intent = strings.TrimSpace(msg.Content), "question"
	if ans.Reply != "" {
		ans.Confidence = 1
		ans.Explanation = fmt.Sprintf("Answered by %s with %d knowledge passages.", ans.Model, len(req.Knowledge))
	}
	return ans, nil
}

// messages are the system prompt (persona, instructions, the retrieved
// knowledge) and the transcript.
func messages(req ai.Request) []openai.ChatCompletionMessageParamUnion {
	a := req.Assistant
	var b strings.Builder
	fmt.Fprintf(&b, "You are %s, a customer support assistant.", a.Name)
	if a.Persona != "" {
		b.WriteString(" " + a.Persona)
	}
	if a.Instructions != "" {
		b.WriteString("\n\nInstructions:\n" + a.Instructions)
	}
	b.WriteString("\n\nAnswer only from the knowledge below. If it does not answer the question, call " + ToolHandoff + ".\n\nKnowledge:\n")
	if len(req.Knowledge) == 0 {
		b.WriteString("(none found)\n")
	}
	for i, k := range req.Knowledge {
		fmt.Fprintf(&b, "[%d] %s\n%s\n\n", i+1, k.Entry.Title, k.Passage)
	}
	out := []openai.ChatCompletionMessageParamUnion{openai.SystemMessage(b.String())}
	for _, t := range req.Transcript {
		switch t.Role {
		case ai.RoleCustomer:
			out = append(out, openai.UserMessage(t.Content))
		case ai.RoleAI:
			out = append(out, openai.AssistantMessage(t.Content))
		case ai.RoleAgent:
			out = append(out, openai.AssistantMessage("(a human agent wrote) "+t.Content))
		}
	}
	return out
}
