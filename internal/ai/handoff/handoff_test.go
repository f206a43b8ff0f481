package handoff

import (
	"fmt"
	"testing"
)

type kind int

const (
	human kind = iota
	upset
	appointment
	ordinary
)

// phrasings is the quality set: customers asking for a person, upset,
// asking for an appointment, and ordinary messages that mention agents,
// people, humans or bad days without asking for one.
var phrasings = []struct {
	text string
	kind kind
}{
	{"I want to speak to someone", human},
	{"I want to talk to a real person", human},
	{"Representative", human},
	{"agent please", human},
	{"Can a human call me?", human},
	{"Can I speak with a representative?", human},
	{"Please connect me to an agent", human},
	{"transfer me to a human", human},
	{"I need to talk to a person, not a bot", human},
	{"Is there a real person I can talk to?", human},
	{"get me a human", human},
	{"I'd like to speak with your manager", human},
	{"Let me talk to customer service", human},
	{"HUMAN PLEASE", human},
	{"Are you a bot?", human},
	{"I don't want to chat with a robot", human},
	{"Can someone from your team call me back?", human},
	{"Could a person look at my case?", human},
	{"put me through to an operator", human},
	{"I would like to speak to a supervisor", human},
	{"Live agent", human},
	{"talk to human", human},
	{"Je veux parler à un humain", human},
	{"I’d prefer to chat with an actual person", human},
	{"need a human asap", human},
	{"Can you escalate this to a manager?", human},
	{"stop the bot, I need help from a person", human},
	{"Is anyone there?", human},
	{"have someone call me please", human},
	{"can I get a real human on the line", human},
	{"I want a human", human},
	{"Speak to agent", human},
	{"customer service please", human},
	{"Please have an agent contact me about my bill", human},
	{"Connect me with support staff", human},

	{"This is the third time I'm asking", upset},
	{"This is ridiculous, my order still hasn't arrived", upset},
	{"I've been waiting for two weeks and nobody answers", upset},
	{"Worst service ever", upset},
	{"I'm so angry right now", upset},
	{"You people never listen", upset},
	{"I am extremely disappointed with your company", upset},
	{"This is unacceptable!!!", upset},
	{"I'm fed up with this", upset},
	{"Are you kidding me? Again?", upset},
	{"I'm going to contact my lawyer", upset},
	{"Your product is garbage", upset},
	{"I've asked three times already", upset},
	{"Nobody is helping me", upset},
	{"This is a joke", upset},
	{"Absolutely terrible experience", upset},
	{"I'll file a chargeback if this isn't fixed today", upset},
	{"I'm sick and tired of waiting", upset},
	{"It still doesn't work and I'm really frustrated", upset},
	{"How many times do I have to explain this?", upset},
	{"What a waste of my time", upset},
	{"I hate this app", upset},
	{"not happy at all with the delivery", upset},
	{"you charged me twice, this is a scam", upset},
	{"I keep getting the same useless answer", upset},
	{"Horrible. Just horrible.", upset},
	{"I am furious about the damaged package", upset},
	{"I want my money back", upset},
	{"Seriously?! Still broken", upset},
	{"ugh, this is awful", upset},
	{"I will never buy from you again", upset},
	{"The app crashes again and again", upset},
	{"Je suis très déçu, c'est inacceptable", upset},
	{"This is the 4th message I've sent", upset},
	{"you guys don't care about customers", upset},

	{"Can I book a call for tomorrow?", appointment},
	{"I'd like to schedule a meeting", appointment},
	{"I need to reschedule my appointment", appointment},
	{"Can we set up a demo next week?", appointment},
	{"I want to book an appointment", appointment},
	{"Could we arrange a consultation?", appointment},
	{"When are you available for a call?", appointment},
	{"Please move my appointment to Friday", appointment},
	{"I'd like to book a slot on Monday", appointment},
	{"can we hop on a call this afternoon", appointment},
	{"I need an appointment", appointment},
	{"Schedule a demo please", appointment},
	{"Is there availability for a meeting on Thursday?", appointment},
	{"I missed my appointment, can I get a new one?", appointment},
	{"Can I reschedule tomorrow's call?", appointment},
	{"I'd love to book a consultation", appointment},
	{"set up a video call with me", appointment},
	{"I want to change my booking", appointment},
	{"Book me in for a fitting", appointment},
	{"Can we meet next week?", appointment},

	{"My son is an estate agent", ordinary},
	{"The delivery person left the parcel at my neighbour's", ordinary},
	{"I had a bad day but your app made it better, thanks!", ordinary},
	{"How do I add a new agent to my account?", ordinary},
	{"What are your opening hours?", ordinary},
	{"Thanks, that solved it!", ordinary},
	{"My travel agent booked the wrong dates, can I change them?", ordinary},
	{"How many people can use one subscription?", ordinary},
	{"Do you ship to Canada?", ordinary},
	{"The agent I spoke to yesterday was very helpful", ordinary},
	{"Is the product suitable for humans with sensitive skin?", ordinary},
	{"Where is my order #4412?", ordinary},
	{"Can I pay by card?", ordinary},
	{"I'm a real estate agent looking for a CRM", ordinary},
	{"Hi there", ordinary},
	{"Good morning, quick question about pricing", ordinary},
	{"How do I reset my password?", ordinary},
	{"Is there a discount for teams of ten people?", ordinary},
	{"What's the difference between the basic and pro plans?", ordinary},
	{"Great, thanks for the quick answer", ordinary},
	{"Our support agents need a shared inbox", ordinary},
	{"My manager asked me to get a quote", ordinary},
	{"Do you have a free trial?", ordinary},
	{"Ok perfect", ordinary},
	{"Sorry for the late reply, I was busy", ordinary},
	{"Can I change my delivery address?", ordinary},
	{"How do I invite people to my workspace?", ordinary},
	{"Does the human resources module include payroll?", ordinary},
	{"I called the courier and they said Tuesday", ordinary},
	{"The meeting room booking feature looks nice", ordinary},
	{"Which people on my team can see invoices?", ordinary},
	{"Not bad at all, I like the new design", ordinary},
	{"What payment methods do you accept?", ordinary},
	{"Rough week, but the package arrived fine", ordinary},
	{"Can someone on my team use the same login?", ordinary},
	{"I'm an insurance agent, do you offer a plan for me?", ordinary},
	{"Where can I download the invoice?", ordinary},
	{"Is the store open on Sunday?", ordinary},
	{"Your agents were lovely last time", ordinary},
	{"Please send me the user guide", ordinary},
	{"My daughter wants the blue one", ordinary},
	{"How long does shipping take?", ordinary},
	{"I'm happy with the product so far", ordinary},
	{"Can I return an item after 30 days?", ordinary},
	{"Do your agents work weekends?", ordinary},
}

// TestClassify_QualitySet checks recall and false handoffs on the set and
// prints the rates (the bar: person-request and upset recall ≥
// 95%, false handoffs ≤ 2%, appointment recall ≥ 90%).
func TestClassify_QualitySet(t *testing.T) {
	var n [4]int
	var hit [4]int
	falseHandoffs := 0
	for _, p := range phrasings {
		sig := Classify(Settings{}, nil, p.text)
		reason := sig.Reason(false)
		n[p.kind]++
		switch p.kind {
		case human:
			if sig.HumanRequest {
				hit[human]++
			} else {
				t.Errorf("Classify(%q): human request not seen (signals %+v)", p.text, sig)
			}
		case upset:
			if reason != "" {
				hit[upset]++
			} else {
				t.Errorf("Classify(%q): upset not seen (signals %+v)", p.text, sig)
			}
		case appointment:
			if sig.Appointment {
				hit[appointment]++
			} else {
				t.Errorf("Classify(%q): appointment not seen", p.text)
			}
		case ordinary:
			if reason != "" {
				falseHandoffs++
				t.Errorf("Classify(%q) = handoff %q, want none (signals %+v)", p.text, reason, sig)
			}
			if sig.Appointment {
				t.Errorf("Classify(%q): appointment, want none", p.text)
			}
		}
	}
	total := len(phrasings)
	if total < 100 {
		t.Fatalf("the set has %d phrasings, want at least 100", total)
	}
	rate := func(k kind) float64 { return 100 * float64(hit[k]) / float64(n[k]) }
	fmt.Printf("handoff quality set: %d phrasings; person-request recall %.1f%% (%d/%d), upset recall %.1f%% (%d/%d), appointment recall %.1f%% (%d/%d), false handoffs %.1f%% (%d/%d ordinary)\n",
		total, rate(human), hit[human], n[human], rate(upset), hit[upset], n[upset], rate(appointment), hit[appointment], n[appointment],
		100*float64(falseHandoffs)/float64(n[ordinary]), falseHandoffs, n[ordinary])
}
