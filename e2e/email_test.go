package e2e

import (
	"bytes"
	"fmt"
	"net/mail"
	"net/smtp"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/channel/channeltest"
	"github.com/parleyhq/parley/internal/config"
)

// emailNode starts a node with its SMTP listener on a free port and a 1 MB
// cap on one mail.
func emailOptions() nodeOptions {
	return nodeOptions{configure: func(c *config.Config) {
		c.SMTPAddr = "127.0.0.1:0"
		c.SMTPMaxBytes = 1 << 20
		c.IMAPPollInterval = time.Hour
	}}
}

// sendMail sends raw through the node's SMTP listener.
func (n *node) sendMail(from, to, raw string) error {
	return smtp.SendMail(n.app.SMTPAddr(), nil, from, []string{to}, []byte(strings.ReplaceAll(raw, "\n", "\r\n")))
}

func customerMail(id, subject, body string, extra ...string) string {
	h := "From: Alice Doe <alice@customer.test>\nTo: support@acme.test\nSubject: " + subject +
		"\nMessage-ID: <" + id + ">\nDate: Wed, 02 Dec 2026 10:00:00 +0000\nMIME-Version: 1.0\n"
	for _, e := range extra {
		h += e + "\n"
	}
	return h + "Content-Type: text/plain; charset=utf-8\n\n" + body + "\n"
}

// emailInbox creates an email inbox sending through relay.
func emailInbox(t *testing.T, n *node, s session, relay *channeltest.SMTPRelay) map[string]any {
	t.Helper()
	return n.must(201, "POST", s.ws("/inboxes"), s.token, map[string]any{"name": "Support", "channel": "email",
		"config": map[string]string{"address": "support@acme.test", "display_name": "Acme Support",
			"smtp_host": relay.Host, "smtp_port": fmt.Sprint(relay.Port), "smtp_security": "none",
			"smtp_username": "", "smtp_password": "relay-secret-pw"}}).m(t)
}

// conversationsOn lists the conversations of an inbox (all views).
func conversationsOn(t *testing.T, n *node, s session, inboxID string) []map[string]any {
	var list struct {
		Items []map[string]any `json:"items"`
	}
	n.must(200, "GET", s.ws("/conversations?view=all"), s.token, nil).json(t, &list)
	var out []map[string]any
	for _, it := range list.Items {
		if it["inbox_id"] == inboxID {
			out = append(out, it)
		}
	}
	return out
}

func threadOf(t *testing.T, n *node, s session, cid string) []map[string]any {
	var th struct {
		Items []map[string]any `json:"items"`
	}
	n.must(200, "GET", s.ws("/conversations/"+cid+"/messages"), s.token, nil).json(t, &th)
	var out []map[string]any
	for _, m := range th.Items {
		if m["sender"].(map[string]any)["kind"] != "system" {
			out = append(out, m)
		}
	}
	return out
}

// TestEmail_InReplyOutThreadBounce drives the email channel end to end:
// mail in through the SMTP listener opens a conversation with its subject;
// the same mail twice is stored once; unknown recipients are refused at
// RCPT and oversize mail at DATA; the agent's reply reaches the relay with
// the thread's headers and a DSN request; the customer's answer under a
// new subject joins the same conversation, while a new mail with the same
// subject opens another; mail to the reply address alone joins; a bounce
// marks the reply bounced without showing as a message.
func TestEmail_InReplyOutThreadBounce(t *testing.T) {
	eachEngineWith(t, emailOptions(), func(t *testing.T, n *node) {
		s := n.bootstrap()
		relay := channeltest.NewSMTPRelay(t)
		inbox := emailInbox(t, n, s, relay)
		iid := inbox["id"].(string)
		cfg := inbox["config"].(map[string]any)
		if cfg["smtp_password"] != nil || cfg["reply_key"] != nil || strings.Contains(fmt.Sprint(inbox), "relay-secret-pw") {
			t.Fatalf("inbox = %v, want no secret returned", inbox)
		}
		if r := n.do("POST", s.ws("/inboxes"), s.token, map[string]any{"name": "Other", "channel": "email",
			"config": map[string]string{"address": "support@acme.test", "smtp_host": relay.Host}}); r.status < 400 || r.status >= 500 {
			t.Fatalf("a second inbox with the same address = %d %s, want a 4xx", r.status, r.body)
		}
		if r := n.do("POST", s.ws("/inboxes"), s.token, map[string]any{"name": "Bad", "channel": "email",
			"config": map[string]string{"address": "not an address", "smtp_host": relay.Host}}); r.status != 422 || !strings.Contains(string(r.body), "config.address") {
			t.Fatalf("a bad address = %d %s, want 422 naming config.address", r.status, r.body)
		}

		// Refused at RCPT: another domain, another local part.
		c, err := smtp.Dial(n.app.SMTPAddr())
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Mail("spammer@evil.test"); err != nil {
			t.Fatal(err)
		}
		for _, rcpt := range []string{"victim@elsewhere.test", "sales@acme.test", "support+999-forged@acme.test@x"} {
			if err := c.Rcpt(rcpt); err == nil || !strings.HasPrefix(err.Error(), "550") {
				t.Errorf("RCPT TO %s = %v, want 550", rcpt, err)
			}
		}
		c.Close()

		first := customerMail("m1@customer.test", "Printer on fire", "Hello, my printer is on fire.\nPlease help.")
		for range 2 { // the same mail twice (a retry, a redelivery)
			if err := n.sendMail("alice@customer.test", "support@acme.test", first); err != nil {
				t.Fatalf("send: %v", err)
			}
		}
		convs := conversationsOn(t, n, s, iid)
		if len(convs) != 1 || convs[0]["subject"] != "Printer on fire" {
			t.Fatalf("conversations = %v, want one with the mail's subject", convs)
		}
		cid := convs[0]["id"].(string)
		th := threadOf(t, n, s, cid)
		if len(th) != 1 || !strings.Contains(th[0]["content"].(string), "printer is on fire") {
			t.Fatalf("thread = %v, want the mail once", th)
		}
		if em := th[0]["email"].(map[string]any); em["subject"] != "Printer on fire" || em["message_id"] != "m1@customer.test" {
			t.Fatalf("email details = %v", em)
		}

		big := customerMail("big@customer.test", "Big", strings.Repeat(strings.Repeat("x", 76)+"\n", 30000))
		if err := n.sendMail("alice@customer.test", "support@acme.test", big); err == nil || !strings.Contains(err.Error(), "552") {
			t.Fatalf("an oversize mail = %v, want 552", err)
		}

		reply := n.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": "We are on it.\nStand back."}).m(t)
		var got channeltest.RelayMail
		select {
		case got = <-relay.Mail:
		case <-time.After(20 * time.Second):
			t.Fatal("the reply never reached the relay")
		}
		out, err := mail.ReadMessage(bytes.NewReader(got.Data))
		if err != nil {
			t.Fatal(err)
		}
		from, _ := mail.ParseAddress(out.Header.Get("From"))
		replyTo, _ := mail.ParseAddress(out.Header.Get("Reply-To"))
		if got.From != "support@acme.test" || len(got.To) != 1 || got.To[0] != "alice@customer.test" ||
			from == nil || from.Address != "support@acme.test" || !strings.HasSuffix(from.Name, " from Acme Support") ||
			replyTo == nil || !strings.HasPrefix(replyTo.Address, "support+") || !strings.HasSuffix(replyTo.Address, "@acme.test") ||
			out.Header.Get("In-Reply-To") != "<m1@customer.test>" || !strings.Contains(out.Header.Get("References"), "<m1@customer.test>") ||
			out.Header.Get("Subject") != "Re: Printer on fire" || !strings.Contains(out.Header.Get("Content-Type"), "multipart/alternative") {
			t.Fatalf("relay got from %s to %v:\n%s", got.From, got.To, got.Data)
		}
		if strings.Join(got.Notify, ",") != "SUCCESS,FAILURE" {
			t.Errorf("NOTIFY = %v, want SUCCESS,FAILURE", got.Notify)
		}
		ourID := strings.Trim(out.Header.Get("Message-Id"), "<>")
		waitFor(t, func() bool { return messageStatus(t, n, s, cid, reply["id"].(string)) == "sent" })

		// The customer answers under a new subject: same conversation.
		answer := customerMail("m2@customer.test", "Totally different subject", "It is out now, thanks.",
			"In-Reply-To: <"+ourID+">", "References: <m1@customer.test> <"+ourID+">")
		if err := n.sendMail("alice@customer.test", "support@acme.test", answer); err != nil {
			t.Fatal(err)
		}
		// The same subject without references: a new conversation.
		again := customerMail("m3@customer.test", "Printer on fire", "Another printer, another fire.")
		if err := n.sendMail("alice@customer.test", "support@acme.test", again); err != nil {
			t.Fatal(err)
		}
		// Only the reply address: joins the conversation it names.
		viaAddress := customerMail("m4@customer.test", "no headers", "Sent to the reply address.")
		if err := n.sendMail("alice@customer.test", replyTo.Address, viaAddress); err != nil {
			t.Fatal(err)
		}
		if th := threadOf(t, n, s, cid); len(th) != 4 {
			t.Fatalf("thread = %d messages %v, want 4 (mail, reply, answer, via reply address)", len(th), th)
		}
		if convs := conversationsOn(t, n, s, iid); len(convs) != 2 {
			t.Fatalf("conversations = %d, want 2 (the same subject never joins)", len(convs))
		}

		// A bounce from the relay's MTA: the reply is bounced, nothing shows.
		dsn := fmt.Sprintf(bounceTemplate, ourID)
		if err := n.sendMail("", "support@acme.test", dsn); err != nil {
			t.Fatal(err)
		}
		waitFor(t, func() bool { return messageStatus(t, n, s, cid, reply["id"].(string)) == "bounced" })
		if th := threadOf(t, n, s, cid); len(th) != 4 {
			t.Fatalf("thread after the bounce = %d messages, want still 4", len(th))
		}
		if convs := conversationsOn(t, n, s, iid); len(convs) != 2 {
			t.Fatalf("conversations after the bounce = %d, want still 2", len(convs))
		}
	})
}

func messageStatus(t *testing.T, n *node, s session, cid, mid string) string {
	for _, m := range threadOf(t, n, s, cid) {
		if m["id"] == mid {
			return m["status"].(string)
		}
	}
	return ""
}

const bounceTemplate = `From: Mail Delivery System <MAILER-DAEMON@relay.test>
To: support@acme.test
Subject: Undelivered Mail Returned to Sender
Message-ID: <bounce-1@relay.test>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

This is the mail system at host relay.test. Your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.test
Arrival-Date: Wed,  2 Dec 2026 10:00:00 +0000

Final-Recipient: rfc822; alice@customer.test
Original-Recipient: rfc822;alice@customer.test
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <alice@customer.test>: Recipient address rejected

--B
Content-Type: text/rfc822-headers

From: Agent from Acme Support <support@acme.test>
To: alice@customer.test
Subject: Re: Printer on fire
Message-ID: <%s>

--B--
`
