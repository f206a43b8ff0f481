package email

import (
	"bytes"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
)

func testInbox() *parley.Inbox {
	return &parley.Inbox{ID: "inbox-1", Channel: parley.ChannelEmail,
		Config:  map[string]string{KeyAddress: "support@acme.test", KeyDisplayName: "Acme Support"},
		Secrets: map[string]string{KeyReplyKey: "k-123"}}
}

func TestReplyAddress_RoundTripAndForgery(t *testing.T) {
	in := testInbox()
	addr := ReplyAddress(in, 42)
	if !strings.HasPrefix(addr, "support+42-") || !strings.HasSuffix(addr, "@acme.test") {
		t.Fatalf("ReplyAddress = %q", addr)
	}
	tests := []struct {
		rcpt   string
		number int64
		ok     bool
	}{
		{addr, 42, true},
		{strings.ToUpper(addr), 42, true},
		{"<" + addr + ">", 42, true},
		{"support@acme.test", 0, true},
		{strings.Replace(addr, "+42-", "+43-", 1), 0, true}, // another number under this signature
		{"support+42-forged0000@acme.test", 0, true},
		{"sales@acme.test", 0, false},
		{"support@other.test", 0, false},
		{"nonsense", 0, false},
	}
	for _, tt := range tests {
		n, ok := ParseRecipient(in, tt.rcpt)
		if n != tt.number || ok != tt.ok {
			t.Errorf("ParseRecipient(%q) = %d, %v; want %d, %v", tt.rcpt, n, ok, tt.number, tt.ok)
		}
	}
	other := testInbox()
	other.Secrets[KeyReplyKey] = "another key"
	if n, _ := ParseRecipient(other, addr); n != 0 {
		t.Errorf("another inbox's key verified the address (number %d)", n)
	}
}

func TestNormalizeAddress(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"Support@Acme.TEST", "support@acme.test", true},
		{"support+x@acme.test", "", false},
		{"Acme <support@acme.test>", "", false},
		{"support", "", false},
		{"support@localhost", "support@localhost", true},
	}
	for _, tt := range tests {
		got, err := normalizeAddress(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("normalizeAddress(%q) = %q, %v", tt.in, got, err)
		}
	}
}

func TestCompose_Headers(t *testing.T) {
	in := testInbox()
	out := channel.Outbound{To: "alice@customer.test", Content: "Line one\n\n<b>not markup</b>", DeliveryID: "msg-7",
		Mail: &channel.MailThread{Subject: "Printer", ConversationNumber: 42, InReplyTo: "m2@c.test",
			References: []string{"m1@c.test", "m2@c.test"}, AgentName: "Sam", ContactName: "Alice"}}
	m, id, err := Compose(in, out, time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC), nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := mail.ReadMessage(&buf)
	if err != nil {
		t.Fatal(err)
	}
	h := got.Header
	from, _ := mail.ParseAddress(h.Get("From"))
	checks := map[string]bool{
		"id":          id == "msg-7@acme.test" && h.Get("Message-Id") == "<msg-7@acme.test>",
		"from":        from != nil && from.Name == "Sam from Acme Support" && from.Address == "support@acme.test",
		"reply-to":    strings.Contains(h.Get("Reply-To"), ReplyAddress(in, 42)),
		"subject":     h.Get("Subject") == "Re: Printer",
		"in-reply-to": h.Get("In-Reply-To") == "<m2@c.test>",
		"references":  strings.Join(strings.Fields(h.Get("References")), " ") == "<m1@c.test> <m2@c.test>",
		"loop mark":   h.Get(HeaderInbox) == "inbox-1",
		"alternative": strings.Contains(h.Get("Content-Type"), "multipart/alternative"),
	}
	for name, ok := range checks {
		if !ok {
			t.Errorf("%s wrong in:\n%v", name, h)
		}
	}
	body := buf.String() + readAll(got)
	if strings.Contains(body, "<b>not markup</b>") && !strings.Contains(body, "&lt;b&gt;") {
		t.Errorf("the HTML part carries the agent's text as markup")
	}
}

func readAll(m *mail.Message) string {
	var b bytes.Buffer
	_, _ = b.ReadFrom(m.Body)
	return b.String()
}

func TestReplySubject(t *testing.T) {
	for in, want := range map[[2]string]string{
		{"Printer", "r"}: "Re: Printer", {"RE: Printer", "r"}: "RE: Printer", {"", "r"}: "Your message", {"New", ""}: "New",
	} {
		if got := replySubject(in[0], in[1] != ""); got != want {
			t.Errorf("replySubject(%q) = %q, want %q", in, got, want)
		}
	}
}
