package e2e

import (
	"io"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"
)

// mailbox is a loopback SMTP server handing each message it receives to a
// channel, so tests await mail without sleeping.
type mailbox struct {
	port int
	got  chan letter
}

type letter struct {
	to      []string
	subject string
	body    string
}

type mailSession struct {
	box *mailbox
	to  []string
}

func (s *mailSession) Reset()                                    { s.to = nil }
func (s *mailSession) Logout() error                             { return nil }
func (s *mailSession) Mail(string, *smtp.MailOptions) error      { return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error { s.to = append(s.to, to); return nil }
func (s *mailSession) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	var body io.Reader = m.Body
	if strings.EqualFold(m.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(m.Body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	s.box.got <- letter{to: s.to, subject: m.Header.Get("Subject"), body: string(b)}
	return nil
}

func newMailbox(t *testing.T) *mailbox {
	t.Helper()
	box := &mailbox{got: make(chan letter, 16)}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{box: box}, nil }))
	srv.Domain = "localhost"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	box.port = ln.Addr().(*net.TCPAddr).Port
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return box
}

// next awaits the next message (the test's deadline bounds the wait).
func (b *mailbox) next(t *testing.T) letter {
	t.Helper()
	return <-b.got
}

func (b *mailbox) empty(t *testing.T) {
	t.Helper()
	select {
	case l := <-b.got:
		t.Errorf("unexpected mail to %v: %s", l.to, l.subject)
	default:
	}
}

var linkRe = regexp.MustCompile(`https?://\S+\?token=\S+`)

func linkIn(t *testing.T, l letter) string {
	t.Helper()
	link := linkRe.FindString(l.body)
	if link == "" {
		t.Fatalf("no link in the mail to %v: %q", l.to, l.body)
	}
	return link
}

// TestInviteMail_InvitesAndResetsAreEmailedThroughTheRelay: with no relay
// the links are only shown (and the answers say so); once the workspace
// has an SMTP server, invitations, resends, admin resets and "Forgot
// password?" are mailed, each link working once; "Forgot password?"
// answers the same for an unknown address and mails nothing for it.
func TestInviteMail_InvitesAndResetsAreEmailedThroughTheRelay(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		box := newMailbox(t)

		// No relay: shown, not sent, and said.
		r := n.must(201, "POST", s.ws("/invites"), s.token, map[string]string{"email": "zed@example.com"}).m(t)
		if r["emailed"] != false || !strings.Contains(r["email_error"].(string), "No email server") {
			t.Errorf("invite without a relay = %v, want emailed false and the reason", r)
		}
		forgot := n.must(202, "POST", "/api/v1/password-reset/request", "", map[string]string{"email": "ada@example.com"}).m(t)
		if forgot["email_configured"] != false {
			t.Errorf("forgot password without a relay = %v", forgot)
		}
		n.app.Invites.Wait()
		box.empty(t)

		n.must(200, "PUT", s.ws("/notification-smtp"), s.token, map[string]any{
			"host": "127.0.0.1", "port": box.port, "security": "none", "from": "Acme <parley@example.com>"})

		// An invitation is mailed to the invitee, with the link the admin sees.
		inv := n.must(201, "POST", s.ws("/invites"), s.token, map[string]string{"email": "bo@example.com"}).m(t)
		if inv["emailed"] != true || inv["email_error"] != nil {
			t.Errorf("invite with a relay = %v, want emailed", inv)
		}
		l := box.next(t)
		if len(l.to) != 1 || l.to[0] != "bo@example.com" || !strings.Contains(l.subject, "Acme") || linkIn(t, l) != inv["link"] {
			t.Fatalf("invitation mail = %+v, want to bo with the link %v", l, inv["link"])
		}
		if r := n.accept(tokenOf(t, linkIn(t, l)), "Bo", "password123", ""); r.status != 200 {
			t.Fatalf("accept the mailed link = %d %s", r.status, r.body)
		}
		if r := n.accept(tokenOf(t, linkIn(t, l)), "Bo", "password123", ""); r.status != 404 {
			t.Errorf("second use of the mailed link = %d, want 404", r.status)
		}

		// Resend mails a new link; the first stops working.
		cy := n.must(201, "POST", s.ws("/invites"), s.token, map[string]string{"email": "cy@example.com"}).m(t)
		first := linkIn(t, box.next(t))
		again := n.must(200, "POST", s.ws("/invites/"+cy["id"].(string)+"/resend"), s.token, nil).m(t)
		second := box.next(t)
		if again["emailed"] != true || linkIn(t, second) == first || second.to[0] != "cy@example.com" {
			t.Errorf("resend = %v, mail %+v: want a new link mailed to cy", again, second)
		}
		if r := n.do("GET", "/api/v1/invites/lookup?token="+tokenOf(t, first), "", nil); r.status != 404 {
			t.Errorf("the first link after a resend = %d, want 404", r.status)
		}

		// An admin's reset link is mailed to the member.
		me := n.must(200, "GET", s.ws("/users"), s.token, nil)
		var users struct {
			Items []struct{ ID, Email string }
		}
		me.json(t, &users)
		var boID string
		for _, u := range users.Items {
			if u.Email == "bo@example.com" {
				boID = u.ID
			}
		}
		reset := n.must(201, "POST", s.ws("/users/"+boID+"/password-reset"), s.token, nil).m(t)
		if l := box.next(t); reset["emailed"] != true || l.to[0] != "bo@example.com" || linkIn(t, l) != reset["link"] {
			t.Errorf("admin reset = %v, mail %+v", reset, l)
		}

		// Forgot password: the same answer for anyone; only the account's owner gets mail.
		unknown := n.must(202, "POST", "/api/v1/password-reset/request", "", map[string]string{"email": "nobody@example.com"})
		known := n.must(202, "POST", "/api/v1/password-reset/request", "", map[string]string{"email": "ADA@example.com"})
		if string(known.body) != string(unknown.body) || known.m(t)["email_configured"] != true {
			t.Errorf("answers: %s vs %s, want the same, email_configured true", known.body, unknown.body)
		}
		l = box.next(t)
		if l.to[0] != "ada@example.com" || !strings.Contains(l.subject, "Reset") {
			t.Fatalf("reset mail = %+v, want to ada", l)
		}
		n.app.Invites.Wait()
		box.empty(t)
		tok := tokenOf(t, linkIn(t, l))
		n.must(204, "POST", "/api/v1/password-reset/confirm", "", map[string]string{"token": tok, "password": "a brand new password"})
		if !n.canLogin("ada@example.com", "a brand new password") {
			t.Errorf("the mailed reset link did not set the password")
		}
		if r := n.do("POST", "/api/v1/password-reset/confirm", "", map[string]string{"token": tok, "password": "yet another one"}); r.status != 404 {
			t.Errorf("second use of the mailed reset link = %d, want 404", r.status)
		}
	})
}
