package builtin_test

import (
	"context"
	"testing"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/ai"
	"github.com/parleyhq/parley/internal/ai/builtin"
	"github.com/parleyhq/parley/internal/knowledge"
)

func TestProvider_Answer(t *testing.T) {
	asst := &parley.Assistant{Name: "Ava"}
	match := []knowledge.Match{{Entry: parley.KnowledgeEntry{Title: "Shipping"}, Score: 0.8, Passage: "We ship in 5 days."}}
	weak := []knowledge.Match{{Entry: parley.KnowledgeEntry{Title: "Shipping"}, Score: 0.3, Passage: "We ship in 5 days."}}
	cust := func(s string) []ai.Turn { return []ai.Turn{{Role: ai.RoleCustomer, Content: s}} }
	tests := []struct {
		name      string
		turns     []ai.Turn
		k         []knowledge.Match
		intent    string
		reply     string
		confident bool
	}{
		{"a greeting", cust("Hello there!"), nil, "greeting", "Hi! I'm Ava. How can I help you today?", true},
		{"thanks", cust("thanks, great"), nil, "acknowledgement", "You're welcome! Is there anything else I can help you with?", true},
		{"a confident match answers with its passage", cust("How long is shipping?"), match, "question", "We ship in 5 days.", true},
		{"a vague message asks for details", cust("problem"), nil, "clarify", builtin.AskDetails, true},
		{"asked once already: not confident", append([]ai.Turn{{Role: ai.RoleCustomer, Content: "help"}, {Role: ai.RoleAI, Content: builtin.AskDetails}}, cust("problem")...), nil, "question", "", false},
		{"a weak match is not confident", cust("How long does shipping to Mars take?"), weak, "question", "", false},
		{"nothing known", cust("What is the meaning of life?"), nil, "question", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ans, err := builtin.New().Answer(context.Background(), ai.Request{Assistant: asst, Transcript: tt.turns, Knowledge: tt.k})
			if err != nil || ans.Intent != tt.intent || ans.Reply != tt.reply || (ans.Confidence >= 0.5) != tt.confident {
				t.Errorf("Answer = %+v, %v; want intent %q reply %q confident %v", ans, err, tt.intent, tt.reply, tt.confident)
			}
		})
	}
}
