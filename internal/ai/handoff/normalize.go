package handoff

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold lowercases s, strips accents (é → e) and turns typographic
// apostrophes and quotes into ASCII ones, so rules and keywords match
// whatever the customer typed.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == '’' || r == '‘' || r == '`':
			r = '\''
		case r == '“' || r == '”':
			r = '"'
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// words splits folded text into its words (letters, digits and inner
// apostrophes).
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'')
	})
}

// MatchKeyword reports the first of keywords found in text as whole
// words (a phrase matches as consecutive words), case- and
// accent-insensitive, and whether one was.
func MatchKeyword(text string, keywords []string) (string, bool) {
	ws := words(Fold(text))
	for _, k := range keywords {
		kw := words(Fold(k))
		if len(kw) == 0 {
			continue
		}
		for i := 0; i+len(kw) <= len(ws); i++ {
			match := true
			for j := range kw {
				if ws[i+j] != kw[j] {
					match = false
					break
				}
			}
			if match {
				return k, true
			}
		}
	}
	return "", false
}
