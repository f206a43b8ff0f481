package conversation_test

import (
	"testing"

	"github.com/parleyhq/parley/internal/conversation"
)

func TestIsClosingPhrase(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"thanks", true},
		{"Thanks!", true},
		{"Thank you so much 🙏", true},
		{"ok thanks, that's all", true},
		{"That’s all, thank you!", true},
		{"resolved", true},
		{"Great, problem solved. Have a nice day!", true},
		{"thx", true},
		{"thanks for your help", true},
		{"perfect, it works now, cheers", true},
		{"ok", false},
		{"great", false},
		{"", false},
		{"🙏", false},
		{"thanks, but it still doesn't work", false},
		{"thanks! one more question: when do you open?", false},
		{"Is it resolved?", false},
		{"not resolved", false},
		{"thank you for nothing", false},
		{"that's all I needed to know about the refund, but the invoice is wrong", false},
		{"thanks thanks thanks thanks thanks thanks thanks thanks thanks thanks thanks thanks thanks thanks thanks thanks thanks thanks thanks thanks thanks", false},
	}
	for _, tt := range tests {
		if got := conversation.IsClosingPhrase(tt.text, conversation.DefaultClosingPhrases); got != tt.want {
			t.Errorf("IsClosingPhrase(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
	t.Run("a workspace's own list replaces the default", func(t *testing.T) {
		if conversation.IsClosingPhrase("thanks", []string{"merci"}) {
			t.Errorf("thanks matched a list without it")
		}
		if !conversation.IsClosingPhrase("Merci beaucoup", []string{"merci", "merci beaucoup"}) {
			t.Errorf("Merci beaucoup did not match its list")
		}
	})
}
