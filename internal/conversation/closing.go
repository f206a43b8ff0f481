package conversation

import (
	"strings"
	"unicode"
)

// DefaultClosingPhrases are what a customer writes to say they are done; a
// workspace edits its own list. Auto-resolve closes a conversation whose
// newest customer message says nothing else.
var DefaultClosingPhrases = []string{
	"thanks", "thank you", "thank u", "thx", "ty", "cheers", "many thanks",
	"resolved", "solved", "problem solved", "issue resolved", "all sorted", "sorted",
	"that's all", "that is all", "that's it", "that is it", "all good", "nothing else",
	"no further questions", "no more questions", "got it", "that helps", "that helped",
	"it works now", "works now", "bye", "goodbye", "have a nice day", "have a good day",
}

// closingFillers may surround closing phrases without changing their sense
// ("ok great, thanks so much for your help!"). A message of fillers alone is
// not closing: "ok" may be a customer about to say more.
var closingFillers = strings.Fields(`ok okay k great perfect cool awesome excellent wonderful amazing
	nice good fine yes yep yeah sure alright all right so very much lot a again for your the help
	you guys everyone again now really`)

// IsClosingPhrase reports whether text says nothing but that the customer is
// done: one or more of phrases, with fillers and punctuation around them.
// "Thanks!" and "ok thanks, that's all" are; "thanks, but it still doesn't
// work" and "ok" are not. Matching ignores case, punctuation and emoji.
func IsClosingPhrase(text string, phrases []string) bool {
	words := closingWords(text)
	if len(words) == 0 || len(words) > 20 {
		return false
	}
	matched := false
	for len(words) > 0 {
		if n := matchPhrase(words, phrases); n > 0 {
			words, matched = words[n:], true
			continue
		}
		if n := matchPhrase(words, closingFillers); n > 0 {
			words = words[n:]
			continue
		}
		return false
	}
	return matched
}

// matchPhrase returns how many of words the longest of phrases matching
// their start covers, or 0.
func matchPhrase(words, phrases []string) int {
	best := 0
	for _, p := range phrases {
		pw := closingWords(p)
		if len(pw) > best && len(pw) <= len(words) && equalWords(words[:len(pw)], pw) {
			best = len(pw)
		}
	}
	return best
}

func equalWords(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// closingWords lowercases text and splits it into words, dropping
// punctuation and symbols; apostrophes stay inside words ("that's").
func closingWords(text string) []string {
	text = strings.NewReplacer("’", "'", "‘", "'").Replace(strings.ToLower(text))
	return strings.FieldsFunc(text, func(r rune) bool {
		return r != '\'' && !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}
