package sqlstore

import (
	"strings"
	"testing"
)

// TestCutSnippet: the snippet SQLite's search cuts from the text it read
// marks every token the index would match (any case, any accents), keeps
// the text between tokens, and says "…" where it cut.
func TestCutSnippet(t *testing.T) {
	tests := []struct {
		name, content, query, want string
		n                          int
	}{
		{"whole short text", "Where is my refund?", "refund", "Where is my [refund]?", 14},
		{"case and accents fold", "Ich warte auf die Rückerstattung", "RUCKERSTATTUNG", "Ich warte auf die [Rückerstattung]", 14},
		{"every word of the query", "The parcel arrived damaged", "damaged parcel", "The [parcel] arrived [damaged]", 14},
		{"cut around the first match", "a b c d e f g h refund i j k l m n o p", "refund", "…f g h [refund] i j k l…", 8},
		{"match near the end keeps n tokens", "a b c d e f g h i j refund", "refund", "…e f g h i j [refund]", 7},
		{"no match: the first tokens", "a b c d e", "zebra", "a b c…", 3},
		{"markup stays text", "<b>again</b>", "again", "<b>[again]</b>", 14},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			terms := map[string]bool{}
			for _, w := range words(tt.query) {
				terms[foldToken(w)] = true
			}
			got := cutSnippet(tt.content, terms, tt.n)
			got = strings.NewReplacer(markOpen, "[", markClose, "]").Replace(got)
			if got != tt.want {
				t.Errorf("cutSnippet(%q, %q) = %q, want %q", tt.content, tt.query, got, tt.want)
			}
		})
	}
}
