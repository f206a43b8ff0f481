package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/backend/memory"
	imapserver "github.com/emersion/go-imap/server"
	"github.com/parleyhq/parley/internal/channel/channeltest"
	"github.com/parleyhq/parley/internal/mailin"
)

// TestEmail_AutoReplySpoofReportsLoop: an auto-reply threading into a
// resolved conversation is stored there without reopening it or counting
// as unreplied; a delivery report marks the reply delivered and an ARF
// report spam; Parley's own mail coming back is dropped; a mail failing
// DMARC for a domain with p=reject is flagged and does not join the
// conversation its reply address names.
func TestEmail_AutoReplySpoofReportsLoop(t *testing.T) {
	o := emailOptions()
	o.dns = mailin.StaticResolver{
		"bank.test":        {"v=spf1 ip4:127.0.0.1 -all"},
		"_dmarc.bank.test": {"v=DMARC1; p=reject"},
	}
	eachEngineWith(t, o, func(t *testing.T, n *node) {
		s := n.bootstrap()
		relay := channeltest.NewSMTPRelay(t)
		iid := emailInbox(t, n, s, relay)["id"].(string)

		legit := strings.ReplaceAll(customerMail("ceo-1@bank.test", "Wire transfer", "Please confirm the transfer."),
			"Alice Doe <alice@customer.test>", "The CEO <ceo@bank.test>")
		if err := n.sendMail("ceo@bank.test", "support@acme.test", legit); err != nil {
			t.Fatal(err)
		}
		cid := conversationsOn(t, n, s, iid)[0]["id"].(string)
		if auth := threadOf(t, n, s, cid)[0]["email"].(map[string]any)["auth"].(map[string]any); auth["dmarc"] != "pass" || auth["suspicious"] != false {
			t.Fatalf("auth of an aligned SPF pass = %v", auth)
		}
		reply := n.must(201, "POST", s.ws("/conversations/"+cid+"/messages"), s.token, map[string]any{"content": "Confirmed."}).m(t)
		var got channeltest.RelayMail
		select {
		case got = <-relay.Mail:
		case <-time.After(20 * time.Second):
			t.Fatal("the reply never reached the relay")
		}
		out, _ := mail.ReadMessage(bytes.NewReader(got.Data))
		ourID := strings.Trim(out.Header.Get("Message-Id"), "<>")
		replyTo, _ := mail.ParseAddress(out.Header.Get("Reply-To"))
		waitFor(t, func() bool { return messageStatus(t, n, s, cid, reply["id"].(string)) == "sent" })

		// Our own mail back (a forwarding loop): dropped.
		if err := n.sendMail("support@acme.test", "support@acme.test", strings.ReplaceAll(string(got.Data), "\r\n", "\n")); err != nil {
			t.Fatal(err)
		}
		// A delivery report, then an ARF complaint.
		delivered := strings.Replace(strings.Replace(fmt.Sprintf(bounceTemplate, ourID), "Action: failed", "Action: delivered", 1),
			"Status: 5.1.1", "Status: 2.0.0", 1)
		if err := n.sendMail("", "support@acme.test", delivered); err != nil {
			t.Fatal(err)
		}
		waitFor(t, func() bool { return messageStatus(t, n, s, cid, reply["id"].(string)) == "delivered" })
		arf := fmt.Sprintf(arfTemplate, ourID)
		if err := n.sendMail("", "support@acme.test", arf); err != nil {
			t.Fatal(err)
		}
		waitFor(t, func() bool { return messageStatus(t, n, s, cid, reply["id"].(string)) == "spam" })
		if th := threadOf(t, n, s, cid); len(th) != 2 {
			t.Fatalf("thread = %d messages, want 2 (no loop, no report shown)", len(th))
		}

		// An auto-reply into the resolved conversation.
		n.must(200, "PATCH", s.ws("/conversations/"+cid), s.token, map[string]any{"status": "resolved"})
		auto := strings.ReplaceAll(customerMail("auto-1@bank.test", "Out of office", "I am away.",
			"In-Reply-To: <"+ourID+">", "Auto-Submitted: auto-replied"), "Alice Doe <alice@customer.test>", "The CEO <ceo@bank.test>")
		if err := n.sendMail("ceo@bank.test", "support@acme.test", auto); err != nil {
			t.Fatal(err)
		}
		conv := n.must(200, "GET", s.ws("/conversations/"+cid), s.token, nil).m(t)
		if conv["status"] != "resolved" || conv["unreplied_count"].(float64) != 0 {
			t.Fatalf("after an auto-reply the conversation is %v with %v unreplied, want resolved and 0", conv["status"], conv["unreplied_count"])
		}
		th := threadOf(t, n, s, cid)
		autoMarked := false
		for _, m := range th {
			if em, ok := m["email"].(map[string]any); ok && em["message_id"] == "auto-1@bank.test" {
				autoMarked = em["auto_reply"] == true
			}
		}
		if len(th) != 3 || !autoMarked {
			t.Fatalf("thread = %v, want the auto-reply stored and marked", th)
		}

		// A spoof: From the CEO, sent from elsewhere, to the reply address.
		n.must(200, "PATCH", s.ws("/conversations/"+cid), s.token, map[string]any{"status": "open"})
		spoof := strings.ReplaceAll(customerMail("spoof-1@evil.test", "Urgent", "Send the money to IBAN XX."),
			"Alice Doe <alice@customer.test>", "The CEO <ceo@bank.test>")
		if err := n.sendMail("attacker@evil.test", replyTo.Address, spoof); err != nil {
			t.Fatal(err)
		}
		if th := threadOf(t, n, s, cid); len(th) != 3 {
			t.Fatalf("the spoof joined the conversation by its reply address: %d messages", len(th))
		}
		var flagged map[string]any
		for _, c := range conversationsOn(t, n, s, iid) {
			if c["id"] != cid {
				for _, m := range threadOf(t, n, s, c["id"].(string)) {
					if em, ok := m["email"].(map[string]any); ok && em["message_id"] == "spoof-1@evil.test" {
						flagged, _ = em["auth"].(map[string]any)
					}
				}
			}
		}
		if flagged == nil || flagged["dmarc"] != "fail" || flagged["suspicious"] != true || flagged["policy"] != "reject" {
			t.Fatalf("spoof auth = %v, want DMARC fail, suspicious, policy reject", flagged)
		}
	})
}

// TestEmail_IMAPPolling polls a loopback IMAP server (go-imap's memory
// backend): its mail is stored once, a second poll stores nothing again,
// a mail that also came by SMTP is stored once, and mail added later is
// picked up from where polling stopped.
func TestEmail_IMAPPolling(t *testing.T) {
	eachEngineWith(t, emailOptions(), func(t *testing.T, n *node) {
		s := n.bootstrap()
		relay := channeltest.NewSMTPRelay(t)
		be := memory.New() // INBOX holds one mail from contact@example.org
		srv := imapserver.New(be)
		srv.AllowInsecureAuth = true
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go func() { _ = srv.Serve(ln) }()
		t.Cleanup(func() { _ = srv.Close() })
		_, port, _ := net.SplitHostPort(ln.Addr().String())

		inbox := n.must(201, "POST", s.ws("/inboxes"), s.token, map[string]any{"name": "Polled", "channel": "email",
			"config": map[string]string{"address": "support@acme.test", "smtp_host": relay.Host, "smtp_port": fmt.Sprint(relay.Port),
				"smtp_security": "none", "imap_host": "127.0.0.1", "imap_port": port, "imap_security": "none",
				"imap_username": "username", "imap_password": "password"}}).m(t)
		iid := inbox["id"].(string)
		if r := n.must(200, "POST", s.ws("/inboxes/"+iid+"/test"), s.token, nil).m(t); r["ok"] != true {
			t.Fatalf("test connection = %v", r)
		}

		// The same mail by SMTP first, then in the mailbox too.
		both := customerMail("both-1@customer.test", "Both ways", "Arrives by SMTP and by IMAP.")
		if err := n.sendMail("alice@customer.test", "support@acme.test", both); err != nil {
			t.Fatal(err)
		}
		u, _ := be.Login(nil, "username", "password")
		mbox, _ := u.GetMailbox("INBOX")
		if err := mbox.CreateMessage(nil, time.Now(), bytes.NewBufferString(strings.ReplaceAll(both, "\n", "\r\n"))); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		count := func() int {
			total := 0
			for _, c := range conversationsOn(t, n, s, iid) {
				total += len(threadOf(t, n, s, c["id"].(string)))
			}
			return total
		}
		n.app.Mail.PollIMAP(ctx)
		if got := count(); got != 2 {
			t.Fatalf("after the first poll %d messages, want 2 (the mailbox's first mail, and the SMTP one once)", got)
		}
		n.app.Mail.PollIMAP(ctx)
		if got := count(); got != 2 {
			t.Fatalf("after a second poll %d messages, want still 2", got)
		}
		later := customerMail("later-1@customer.test", "Later", "Added after the first polls.")
		if err := mbox.CreateMessage(nil, time.Now(), bytes.NewBufferString(strings.ReplaceAll(later, "\n", "\r\n"))); err != nil {
			t.Fatal(err)
		}
		n.app.Mail.PollIMAP(ctx)
		if got := count(); got != 3 {
			t.Fatalf("after mail was added %d messages, want 3", got)
		}
	})
}

const arfTemplate = `From: <staff@hotmail.test>
To: <support@acme.test>
Subject: complaint
Message-ID: <arf-1@hotmail.test>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="A"

--A
Content-Type: text/plain

An abuse report.

--A
Content-Type: message/feedback-report

Feedback-Type: abuse
Version: 1

--A
Content-Type: message/rfc822

From: support@acme.test
Message-ID: <%s>
Subject: x

x
--A--
`
