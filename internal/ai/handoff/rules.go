// Package handoff decides when the AI agent hands a conversation to a
// person: the customer asks for one, sounds upset, uses a configured
// keyword, or asks something the assistant cannot answer confidently; and
// whether the customer asks for an appointment. It is pure: text in,
// decision out, no I/O.
package handoff

import (
	"regexp"
)

// Reasons, in the order they win when several fire: what the customer
// expressed comes before what the assistant could not do.
const (
	ReasonHumanRequest      = "human_request"
	ReasonNegativeSentiment = "negative_sentiment"
	ReasonKeyword           = "keyword"
	ReasonLowConfidence     = "low_confidence"
)

// Reasons lists the handoff reasons in precedence order.
var Reasons = []string{ReasonHumanRequest, ReasonNegativeSentiment, ReasonKeyword, ReasonLowConfidence}

// The rules run on folded text (Fold): lowercase, no accents, ASCII
// apostrophes.
var (
	humanTarget = `(?:a |an |the |your |some |one of your |any )?(?:real |live |actual |human |customer service |customer support |support |sales |billing )?` +
		`(?:human(?: being)?|person|agent|representative|rep|operator|someone|somebody|anyone|anybody|manager|supervisor|staff(?: member)?|employee|team member|real people|customer service|customer care|support team|support staff)`
	humanRules = []*regexp.Regexp{
		// speak / talk / chat … to a person
		regexp.MustCompile(`\b(?:speak|talk|chat|communicate|deal) (?:directly )?(?:to|with) ` + humanTarget + `\b`),
		// connect / transfer / put / pass / get / give me … a person
		regexp.MustCompile(`\b(?:connect|transfer|put|pass|forward|route|redirect|escalate|get|give|send|bring|find)(?: me| this| it| my (?:case|issue|ticket|request))?(?: through| over| on)?(?: to| with)? ` + humanTarget + `\b`),
		// real person, live agent, human being
		regexp.MustCompile(`\b(?:real|live|actual) (?:human|person|agent|operator|representative|rep|support|people|someone|chat)\b`),
		regexp.MustCompile(`\bhuman (?:being|agent|support|help|assistance|operator|representative|rep|please)\b`),
		// I want / need / would like a person
		regexp.MustCompile(`\b(?:want|need|like|prefer|request|demand|require|get)(?: to (?:have|get|see|reach))? (?:a |an |to a |to an )?(?:human|person|representative|operator|rep|supervisor|manager|agent)\b(?: please| now| asap| here)?(?:$|[.!?,]| please| now| asap| to (?:help|call|look|handle|check|contact|review))`),
		// "agent please", "human!", "representative"
		regexp.MustCompile(`^\W*(?:an? )?(?:human|agent|representative|operator|person|rep|supervisor|manager|real person|live agent|customer service|support)(?: please| pls| plz| now| asap)?\W*$`),
		regexp.MustCompile(`\b(?:please|pls|plz)(?: get| give)?(?: me)? (?:an? )?(?:human|agent|representative|operator|supervisor|manager)\b`),
		// can a human call me / have someone contact me
		regexp.MustCompile(`\b(?:can|could|would|will|may|should|have|let|ask|get) (?:a |an |some |one of your |your )?(?:human|person|agent|representative|rep|someone|somebody|anyone|staff|employee|team member|manager|supervisor|people)(?: from [a-z ]+)? (?:call|phone|ring|contact|email|text|reach|get back|get in touch|look at|help me|take over|handle|answer|talk|speak|check)\b`),
		regexp.MustCompile(`\b(?:is there|are there|isn't there) (?:a |an |any )?(?:real |actual |live )?(?:human|person|people|agent|someone|somebody|anyone|anybody|representative|operator)(?: (?:there|here|available|around|at all|i can|who|that|to|on))`),
		// not a bot / tired of the bot
		regexp.MustCompile(`\b(?:not|no|stop|enough|done|tired of|sick of|hate|fed up with|without) (?:a |the |this |your |talking to |talking to a |talking to the |chatting with |with |with the |with a )?(?:bot|robot|chatbot|machine|ai|automated (?:system|replies|responses|answers)|automatic (?:replies|responses|answers)|computer)s?\b`),
		regexp.MustCompile(`\b(?:are you|is this|am i (?:talking|chatting|speaking) (?:to|with)) (?:a |an |just a |only a )?(?:bot|robot|chatbot|machine|ai|computer|real person|human)\b`),
		regexp.MustCompile(`\bescalate (?:this|it|my|me)\b`),
		regexp.MustCompile(`\b(?:don't|do not|dont) want (?:to )?(?:talk|chat|speak)(?: to| with)? (?:a |the |this |your )?(?:bot|robot|chatbot|machine|ai|computer)\b`),
		regexp.MustCompile(`\b(?:is|are) (?:anyone|anybody|someone|somebody|there anyone|there anybody) (?:there|here|around|available|real)\b`),
		// French, Spanish, German, Portuguese: the common ways to ask.
		regexp.MustCompile(`\b(?:parler|discuter) (?:a|avec) (?:un|une|quelqu'un|le|la) ?(?:humain|personne|conseiller|conseillere|agent|vrai|vraie|responsable)?\b`),
		regexp.MustCompile(`\bhablar con (?:un|una|alguien|el|la) ?(?:humano|persona|agente|asesor|representante)?\b`),
		regexp.MustCompile(`\bmit (?:einem|einer|jemandem) ?(?:menschen|mitarbeiter|mitarbeiterin|person)? ?(?:sprechen|reden)\b`),
		regexp.MustCompile(`\bfalar com (?:um|uma|alguem) ?(?:humano|pessoa|atendente)?\b`),
	}
	// Phrases where a person word means someone else: a job title, a
	// relative, the company's staff in a story.
	humanExcept = regexp.MustCompile(`\b(?:estate|travel|insurance|real estate|secret|free|booking|shipping|customs|sports|talent|leasing|ticket|user|support) agents?\b`)

	frustrationRules = []*regexp.Regexp{
		regexp.MustCompile(`\b(?:second|third|fourth|fifth|sixth|tenth|umpteenth|hundredth|millionth|\d+(?:st|nd|rd|th)|(?:two|three|four|five|six|ten|many|several|multiple|countless|\d+) (?:times|emails|messages|calls))\b(?: time| times)?`),
		regexp.MustCompile(`\b(?:again and again|over and over|yet again|time and again|every single time)\b`),
		regexp.MustCompile(`\bhow (?:many|much longer|long) (?:more )?(?:times|do i|must i|am i|will i|have i|should i)\b`),
		regexp.MustCompile(`\b(?:still|keeps?|kept) (?:waiting|not|no|doesn't|don't|didn't|isn't|haven't|hasn't|broken|failing|crashing|happening|charging|nothing)\b`),
		regexp.MustCompile(`\b(?:been waiting|waiting for|waited) (?:for )?(?:over |more than |almost |nearly )?(?:an? |\d+ |two |three |four |five |six |several |many )?(?:hours?|days?|weeks?|months?|ages|forever)\b`),
		regexp.MustCompile(`\b(?:waste|wasting|wasted) (?:of )?(?:my |our )?(?:time|money)\b`),
		regexp.MustCompile(`\b(?:fed up|sick and tired|sick of|tired of|had enough|enough is enough|at my wits end|last straw|losing my patience|lost my patience|out of patience)\b`),
		regexp.MustCompile(`\b(?:unacceptable|ridiculous|outrageous|absurd|disgraceful|shameful|pathetic|appalling|infuriating|unbelievable|incompetent|useless)\b`),
		regexp.MustCompile(`\b(?:nobody|no one|noone|no-one) (?:(?:is|has|ever|will|seems to|here|there|at all) )*(?:help|helps|helping|helped|answer|answers|answered|answering|reply|replies|replied|replying|respond|responds|responded|responding|care|cares|fix|fixed|listen|listens|get back|got back|gets back)`),
		regexp.MustCompile(`\b(?:you|you guys|you people|your company|your team|your support|they) (?:never|don't|do not|didn't|did not|won't|wont|dont|can't|cannot|refuse to) (?:even )?(?:listen|answer|reply|respond|help|care|fix|read|get back|call back)\b`),
		regexp.MustCompile(`\b(?:lawyer|attorney|legal action|sue you|sue your|small claims|report you|chargeback|charge back|dispute the charge|consumer protection|trading standards|bbb|ombudsman)\b`),
		regexp.MustCompile(`\b(?:this|that|it)(?: is|'s| was) (?:a )?(?:joke|scam|fraud|theft|robbery|nonsense|insane|crazy)\b`),
		regexp.MustCompile(`\b(?:not|never) (?:happy|ok|okay|acceptable|good enough|satisfied|impressed|pleased)\b`),
		regexp.MustCompile(`\b(?:what the hell|what the heck|wtf|are you kidding|are you serious|you've got to be kidding|give me a break|for god's sake|for gods sake|ffs|seriously\?)`),
		regexp.MustCompile(`\b(?:worst|terrible|awful|horrible|appalling|disgusting|lousy|crappy|shoddy) (?:service|experience|support|company|customer service|product|app|help)\b`),
		regexp.MustCompile(`\b(?:never|won't|will not|wont) (?:buy|order|shop|use you|use your|recommend|come back)`),
		regexp.MustCompile(`\b(?:i want|give me|i demand|i expect) (?:my money back|a full refund|a refund now|compensation)\b`),
		regexp.MustCompile(`[!?]{3,}|\?!`),
		regexp.MustCompile(`\b(?:i'm|im|i am|we're|we are|i feel|feeling|i was|getting|so|very|really|extremely|deeply|totally) (?:\w+ )?(?:disappointed|angry|upset|frustrated|annoyed|furious|livid|unhappy|dissatisfied|mad|pissed|irritated|outraged|disgusted)\b`),
		regexp.MustCompile(`\b(?:your|this|the) (?:product|service|app|company|support|website|site|shop|store|system|software)(?: is|'s| was| are) (?:\w+ )?(?:garbage|trash|rubbish|crap|awful|terrible|horrible|useless|a joke|a scam|a mess|broken|pathetic|the worst)\b`),
		regexp.MustCompile(`\b(?:inacceptable|inadmissible|scandaleux|decu|decue|ras le bol|marre|inaceptable|harto|harta|verguenza|unverschamt|inakzeptabel|frechheit|absurdo)\b`),
	}

	apptRules = []*regexp.Regexp{
		regexp.MustCompile(`\b(?:book|schedule|reschedule|re-schedule|rebook|re-book|arrange|set up|setup|organise|organize|move|change|postpone|push back|shift|plan|fix|confirm|request|get|have)(?: in)? (?:a |an |the |my |our |another |one more |some |a new |a quick |a short |a follow-up |a follow up |a free |a phone |a video |a zoom |a 30 minute |a 15 minute |a one-on-one |a one on one |\d+ )?(?:call|meeting|appointment|appt|demo|consultation|consult|session|slot|visit|video call|phone call|zoom|zoom call|teams call|time slot|viewing|fitting|check-?up|onboarding call|discovery call)s?\b`),
		regexp.MustCompile(`\b(?:can|could|shall|should) we (?:meet|schedule|set up|arrange|hop on a call|jump on a call|get on a call|have a call|do a call|talk on the phone|book)\b`),
		regexp.MustCompile(`\b(?:when|what time|what day|which day)(?: (?:are|is|would|will|could|can))? (?:you|we|someone|your team)(?: be)? (?:available|free|meet|have time)\b`),
		regexp.MustCompile(`\b(?:availability|available|free|open)(?: (?:slots?|times?|dates?))?(?: for| to (?:have|do|book|schedule))? (?:a |an )?(?:call|meeting|appointment|demo|consultation|chat)\b`),
		regexp.MustCompile(`\b(?:need|want|like|get|make|take|love|request) (?:an?|to (?:book|get|make|have|schedule|request) an?) (?:new )?(?:appointment|appt|consultation|demo|meeting)\b`),
		regexp.MustCompile(`\b(?:move|change|cancel|reschedule|postpone|miss(?:ed)?) (?:my|our|the|tomorrow's|today's) (?:appointment|appt|meeting|call|booking|consultation|session|demo)\b`),
		regexp.MustCompile(`\bbook (?:me )?(?:in|a time|an? (?:slot|time))\b`),
		regexp.MustCompile(`\bappointments?\b.*\b(?:available|free|open|possible)\b`),
	}
	apptExcept = regexp.MustCompile(`\b(?:call|meeting|appointment|demo) (?:was|went|yesterday|last week) (?:great|good|fine|well|helpful)\b`)
)

// HumanRequest reports whether folded text asks for a person.
func HumanRequest(text string) bool {
	t := humanExcept.ReplaceAllString(Fold(text), "$0x")
	for _, r := range humanRules {
		if r.MatchString(t) {
			return true
		}
	}
	return false
}

// Frustration returns the first frustration or escalation phrase in text,
// or "".
func Frustration(text string) string {
	t := Fold(text)
	for _, r := range frustrationRules {
		if m := r.FindString(t); m != "" {
			return m
		}
	}
	return ""
}

// Appointment reports whether text asks to book, schedule or reschedule
// a call or meeting.
func Appointment(text string) bool {
	t := Fold(text)
	if apptExcept.MatchString(t) {
		return false
	}
	for _, r := range apptRules {
		if r.MatchString(t) {
			return true
		}
	}
	return false
}

// Settings are an assistant's handoff settings.
type Settings struct {
	// Keywords hand off when the customer uses one (whole words).
	Keywords []string
	// SentimentThreshold: a compound sentiment at or below it is upset
	// (default -0.5; -1 turns the scorer off, frustration rules stay).
	SentimentThreshold float64
	// ConfidenceThreshold: an answer below it hands off (default 0.5).
	ConfidenceThreshold float64
}

// DefaultSentimentThreshold and DefaultConfidenceThreshold are the
// thresholds of a new assistant.
const (
	DefaultSentimentThreshold  = -0.5
	DefaultConfidenceThreshold = 0.5
)

// Signals is what Classify found in the customer's recent messages.
type Signals struct {
	HumanRequest bool    `json:"human_request"`
	Sentiment    float64 `json:"sentiment"`
	Negative     bool    `json:"negative"`
	Frustration  string  `json:"frustration,omitempty"`
	Keyword      string  `json:"keyword,omitempty"`
	Appointment  bool    `json:"appointment"`
}

// Classify reads the customer's latest message (last) with the ones
// before it since the last answer (recent, oldest first, may be empty).
// Sentiment is the mean of the recent messages' scores weighted toward
// the latest, so one calm line after three angry ones still reads upset.
func Classify(s Settings, recent []string, last string) Signals {
	var sig Signals
	sig.HumanRequest = HumanRequest(last)
	sig.Appointment = Appointment(last)
	sig.Keyword, _ = MatchKeyword(last, s.Keywords)
	sig.Frustration = Frustration(last)
	score, weight := Sentiment(last)*2, 2.0
	for i, r := range recent {
		w := 1.0 / float64(len(recent)-i+1)
		score += Sentiment(r) * w
		weight += w
		if sig.Frustration == "" {
			sig.Frustration = Frustration(r)
		}
	}
	sig.Sentiment = score / weight
	th := s.SentimentThreshold
	if th == 0 {
		th = DefaultSentimentThreshold
	}
	sig.Negative = sig.Frustration != "" || (th > -1 && sig.Sentiment <= th)
	return sig
}

// Reason returns the handoff reason of sig, or "" when nothing fires;
// lowConfidence is the assistant's (or the model's) verdict on its answer.
func (sig Signals) Reason(lowConfidence bool) string {
	switch {
	case sig.HumanRequest:
		return ReasonHumanRequest
	case sig.Negative:
		return ReasonNegativeSentiment
	case sig.Keyword != "":
		return ReasonKeyword
	case lowConfidence:
		return ReasonLowConfidence
	}
	return ""
}
