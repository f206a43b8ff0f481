package handoff

import (
	"math"
	"strings"
)

// This is a VADER-style scorer (Hutto & Gilbert 2014): a valence lexicon,
// boosters, negation within three words, "but" shifting weight to the
// second clause, capitals and exclamation marks as emphasis, and the
// compound score normalised to [-1, 1] by x/sqrt(x²+15). The lexicon is a
// customer-service subset of VADER's, with VADER's valences. VADER alone
// misses complaints without emotional words ("this is the third time I'm
// asking"), so Classify combines it with the frustration rules in rules.go.

var lexicon = map[string]float64{
	"angry": -2.3, "annoyed": -1.6, "annoying": -1.8, "awful": -2.0, "bad": -2.5, "broken": -1.9,
	"crap": -1.6, "crappy": -2.5, "damn": -1.7, "disappointed": -1.9, "disappointing": -2.2,
	"disgusting": -2.4, "dreadful": -2.9, "fail": -2.5, "failed": -2.3, "failure": -2.3, "frustrated": -2.4,
	"frustrating": -2.0, "furious": -2.7, "garbage": -2.0, "hate": -2.7, "hated": -3.2, "horrible": -2.5,
	"incompetent": -2.6, "joke": -0.5, "mad": -2.2, "mess": -1.5, "miserable": -2.2, "nightmare": -2.8,
	"pathetic": -2.6, "poor": -2.1, "rubbish": -1.6, "rude": -2.0, "sad": -2.1, "scam": -2.6, "shit": -2.6,
	"stupid": -2.4, "terrible": -2.1, "trash": -1.9, "ugh": -1.8, "unacceptable": -2.0, "unhappy": -1.8,
	"upset": -1.6, "useless": -1.8, "waste": -1.8, "wasted": -2.2, "worse": -2.1, "worst": -3.1, "wrong": -2.1,
	"ridiculous": -1.5, "outrageous": -2.0, "disgrace": -2.3, "fraud": -2.8, "liar": -2.6, "lied": -1.6,
	"lies": -1.8, "ignored": -1.8, "ignoring": -1.7, "sucks": -1.5, "suck": -1.9, "fed": 0, "sick": -2.3,
	"tired": -1.9, "disaster": -3.1, "hopeless": -2.0, "livid": -2.5, "appalling": -2.7, "appalled": -2.1,
	"shocking": -1.6, "shocked": -1.3, "rip": -1.2, "ripped": -1.4, "cheated": -2.3, "nonsense": -1.7,
	"problem": -1.7, "problems": -1.7, "issue": -0.6, "late": -0.5, "lost": -1.3, "missing": -1.2,
	"sorry": -0.3, "unfortunately": -1.5, "damaged": -1.6, "refuse": -1.2, "refused": -1.2,
	"good": 1.9, "great": 3.1, "thanks": 1.9, "thank": 1.5, "love": 3.2, "excellent": 2.7, "awesome": 3.1,
	"happy": 2.7, "nice": 1.8, "perfect": 2.7, "helpful": 1.8, "amazing": 2.8, "wonderful": 2.7, "fine": 0.8,
	"like": 1.5, "glad": 2.0, "appreciate": 2.7, "pleased": 1.9, "fantastic": 2.6, "best": 3.2, "cool": 1.3,
	"want": 0.3, "please": 1.3, "help": 1.7, "ok": 0.9, "okay": 0.9, "yes": 1.7, "fun": 2.3, "enjoy": 2.2,
	"worried": -1.2, "concerned": -0.7, "confused": -1.3, "stuck": -1.0,
}

var boosters = map[string]float64{
	"absolutely": 0.293, "completely": 0.293, "extremely": 0.293, "incredibly": 0.293, "really": 0.293,
	"so": 0.293, "totally": 0.293, "very": 0.293, "utterly": 0.293, "seriously": 0.293, "fucking": 0.293,
	"super": 0.293, "most": 0.293, "such": 0.293, "barely": -0.293, "slightly": -0.293, "somewhat": -0.293,
	"kinda": -0.293, "little": -0.293,
}

var negations = map[string]bool{
	"not": true, "no": true, "never": true, "nothing": true, "nobody": true, "none": true, "nor": true,
	"don't": true, "doesn't": true, "didn't": true, "isn't": true, "aren't": true, "wasn't": true,
	"weren't": true, "won't": true, "can't": true, "cannot": true, "couldn't": true, "shouldn't": true,
	"wouldn't": true, "haven't": true, "hasn't": true, "hadn't": true, "dont": true, "doesnt": true,
	"didnt": true, "isnt": true, "wont": true, "cant": true, "without": true,
}

const (
	negScalar  = -0.74
	capsIncr   = 0.733
	vaderAlpha = 15.0
)

// Sentiment returns text's compound score in [-1, 1] (below -0.05 is
// negative in VADER's convention).
func Sentiment(text string) float64 {
	raw := strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == '\n' || r == '\t' })
	var toks, orig []string
	for _, w := range raw {
		t := strings.Trim(Fold(w), ".,;:!?\"()[]{}*-…")
		if t == "" {
			continue
		}
		toks = append(toks, t)
		orig = append(orig, strings.Trim(w, ".,;:!?\"()[]{}*-…"))
	}
	shout := someCapsDiffer(orig)
	vals := make([]float64, len(toks))
	butAt := -1
	for i, t := range toks {
		if t == "but" {
			butAt = i
		}
		v, ok := lexicon[t]
		if !ok || v == 0 {
			continue
		}
		if shout && isUpper(orig[i]) {
			v += math.Copysign(capsIncr, v)
		}
		for back := 1; back <= 3 && i-back >= 0; back++ {
			p := toks[i-back]
			if b, ok := boosters[p]; ok {
				scale := []float64{1, 1, 0.95, 0.9}[back]
				inc := b * scale
				if v < 0 {
					inc = -inc
				}
				if shout && isUpper(orig[i-back]) {
					inc += math.Copysign(capsIncr, v)
				}
				v += inc
			}
			if negations[p] {
				v *= negScalar
			}
		}
		vals[i] = v
	}
	if butAt >= 0 {
		for i := range vals {
			switch {
			case i < butAt:
				vals[i] *= 0.5
			case i > butAt:
				vals[i] *= 1.5
			}
		}
	}
	sum := 0.0
	for _, v := range vals {
		sum += v
	}
	if sum != 0 {
		ex := math.Min(float64(strings.Count(text, "!")), 4) * 0.292
		if q := strings.Count(text, "?"); q > 1 {
			ex += math.Min(float64(q), 3) * 0.18
		}
		sum += math.Copysign(ex, sum)
	}
	return sum / math.Sqrt(sum*sum+vaderAlpha)
}

func isUpper(w string) bool {
	letters := 0
	for _, r := range w {
		if r >= 'a' && r <= 'z' {
			return false
		}
		if r >= 'A' && r <= 'Z' {
			letters++
		}
	}
	return letters > 1
}

// someCapsDiffer is VADER's rule: capitals emphasise only when some words
// are in capitals and others are not.
func someCapsDiffer(ws []string) bool {
	up := 0
	for _, w := range ws {
		if isUpper(w) {
			up++
		}
	}
	return up > 0 && up < len(ws)
}
