package handoff

import "testing"

func TestMatchKeyword(t *testing.T) {
	kws := []string{"refund", "cancel subscription", "Café"}
	tests := []struct {
		text string
		want string
	}{
		{"I want a REFUND", "refund"},
		{"Réfund please", "refund"},
		{"please cancel   subscription now", "cancel subscription"},
		{"the cafe is closed", "Café"},
		{"refunded yesterday, thanks", ""},
		{"cancel my subscription", ""},
		{"no refundable items", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, _ := MatchKeyword(tt.text, kws)
		if got != tt.want {
			t.Errorf("MatchKeyword(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestSignals_Reason(t *testing.T) {
	tests := []struct {
		name string
		sig  Signals
		low  bool
		want string
	}{
		{"a person request wins over everything", Signals{HumanRequest: true, Negative: true, Keyword: "x"}, true, ReasonHumanRequest},
		{"upset wins over a keyword", Signals{Negative: true, Keyword: "x"}, true, ReasonNegativeSentiment},
		{"a keyword wins over low confidence", Signals{Keyword: "x"}, true, ReasonKeyword},
		{"low confidence alone", Signals{}, true, ReasonLowConfidence},
		{"nothing fires", Signals{Sentiment: 0.5}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.sig.Reason(tt.low); got != tt.want {
				t.Errorf("Reason = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestClassify_Context(t *testing.T) {
	sig := Classify(Settings{}, []string{"This is terrible", "Awful service, I hate it"}, "ok")
	if !sig.Negative {
		t.Errorf("Classify after two angry messages: not negative (%+v)", sig)
	}
	sig = Classify(Settings{SentimentThreshold: -1}, nil, "terrible")
	if sig.Negative {
		t.Errorf("Classify with the scorer off: negative on a lexicon word (%+v)", sig)
	}
	sig = Classify(Settings{Keywords: []string{"lawsuit"}}, nil, "A LAWSUIT is coming")
	if sig.Keyword != "lawsuit" {
		t.Errorf("Classify keyword = %q, want lawsuit", sig.Keyword)
	}
}

func FuzzClassify(f *testing.F) {
	for _, p := range phrasings[:20] {
		f.Add(p.text, "refund")
	}
	f.Fuzz(func(t *testing.T, text, kw string) {
		sig := Classify(Settings{Keywords: []string{kw}}, []string{text}, text)
		if sig.Sentiment < -1 || sig.Sentiment > 1 {
			t.Fatalf("sentiment %v out of [-1, 1]", sig.Sentiment)
		}
	})
}
