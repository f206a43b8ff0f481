package knowledge

import (
	"slices"
	"testing"
)

func TestTerms(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"What is the price of the Pro plan?", []string{"pric", "pro", "plan"}},
		{"Do you ship to Canada? Shipping prices!", []string{"ship", "canada", "pric"}},
		{"Délivery deliveries", []string{"deliver"}},
		{"hi", nil},
	}
	for _, tt := range tests {
		if got := Terms(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("Terms(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
