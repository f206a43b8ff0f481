package knowledge

import (
	"strings"
	"unicode"

	"github.com/parleyhq/parley/internal/ai/handoff"
)

// stopwords carry no meaning for retrieval: a question about "the price
// of the pro plan" is about price, pro and plan.
var stopwords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the and or but if then else of to in on at by for with from about as into
		is are was were be been being am do does did doing have has had having i me my mine we us our you your yours
		he him his she her it its they them their this that these those there here what which who whom whose when
		where why how can could would should will shall may might must not no yes please pls thanks thank hi hello
		hey just also so very too any some all more most much many other own same than such only over again up down
		out off per via get got know tell want need like would'd i'm i've it's what's let let's ok okay please dear
		s t don't doesn't isn't`) {
		stopwords[w] = true
	}
}

// Terms returns the stems of text's meaningful words, in order, without
// repeats: lowercase, unaccented ASCII letters and digits (what the
// full-text index is queried with).
func Terms(text string) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range strings.FieldsFunc(handoff.Fold(text), func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'')
	}) {
		w = strings.Trim(w, "'")
		if stopwords[w] || len(w) < 2 {
			continue
		}
		w = strings.TrimSuffix(w, "'s")
		s := Stem(w)
		if s == "" || seen[s] || strings.IndexFunc(s, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') }) >= 0 {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// Stem strips common English suffixes so "shipping", "shipped" and
// "ships" meet at "ship" (a light stemmer: the full-text query matches
// stems as prefixes, so it only needs to cut, never to add).
func Stem(w string) string {
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3]
	case len(w) > 5 && strings.HasSuffix(w, "ing"):
		w = undouble(w[:len(w)-3])
	case len(w) > 4 && strings.HasSuffix(w, "ed"):
		w = undouble(w[:len(w)-2])
	case len(w) > 4 && (strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "shes") || strings.HasSuffix(w, "xes") || strings.HasSuffix(w, "sses")):
		w = w[:len(w)-2]
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		w = w[:len(w)-1]
	}
	if len(w) > 3 && strings.HasSuffix(w, "e") {
		w = w[:len(w)-1] // "price", "prices", "priced" → "pric"
	}
	if len(w) > 3 && strings.HasSuffix(w, "y") {
		w = w[:len(w)-1] // "delivery" and "deliveries" → "deliver"
	}
	return w
}

func undouble(w string) string {
	n := len(w)
	if n >= 3 && w[n-1] == w[n-2] && !strings.ContainsRune("aeioulsz", rune(w[n-1])) {
		return w[:n-1]
	}
	return w
}
