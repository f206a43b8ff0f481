package notify_test

import (
	"context"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/notify"
)

// fakeSMTP is a loopback SMTP server that keeps what it receives.
type fakeSMTP struct {
	mu   sync.Mutex
	mail []received
	addr *net.TCPAddr
}

type received struct {
	from string
	to   []string
	data string
}

type smtpSession struct {
	srv *fakeSMTP
	cur received
}

func (s *smtpSession) Reset()        { s.cur = received{} }
func (s *smtpSession) Logout() error { return nil }
func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	s.cur.from = from
	return nil
}
func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.to = append(s.cur.to, to)
	return nil
}
func (s *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.data = string(b)
	s.srv.mu.Lock()
	s.srv.mail = append(s.srv.mail, s.cur)
	s.srv.mu.Unlock()
	return nil
}

func newFakeSMTP(t *testing.T) *fakeSMTP {
	t.Helper()
	f := &fakeSMTP{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &smtpSession{srv: f}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f.addr = ln.Addr().(*net.TCPAddr)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return f
}

func (f *fakeSMTP) take() []received {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.mail
	f.mail = nil
	return out
}

// TestService_EmailDigestOfWhatIsStillUnread: after the user's delay one
// email lists what is still unread (a notification read meanwhile is left
// out), through the workspace's SMTP server; without a server nothing is
// sent and nothing fails.
func TestService_EmailDigestOfWhatIsStillUnread(t *testing.T) {
	eachEnv(t, time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC), func(t *testing.T, e *env) {
		ctx := context.Background()
		mailer := newFakeSMTP(t)
		e.svc.PublicURL = func() string { return "https://support.example.com" }
		if err := e.svc.RegisterEmail(e.sch); err != nil {
			t.Fatal(err)
		}
		p := notify.DefaultPreferences()
		p.EmailDelayMinutes = 10
		p.Types[parley.NotifySuggestion] = parley.NotificationChannels{InApp: true, Email: true}
		if _, err := e.svc.SavePreferences(ctx, e.f.Agent, p); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.SaveSMTP(ctx, e.f.Agent, notify.SMTPSettings{Host: "127.0.0.1"}); parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("SaveSMTP() by an agent = %v, want EFORBIDDEN", err)
		}
		if _, err := e.svc.SaveSMTP(ctx, e.f.Admin, notify.SMTPSettings{Host: "127.0.0.1", From: "nope"}); parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("SaveSMTP() with a bad sender = %v, want EINVALID", err)
		}
		saved, err := e.svc.SaveSMTP(ctx, e.f.Admin, notify.SMTPSettings{Host: "127.0.0.1", Port: mailer.addr.Port,
			Security: "none", From: "Parley <notify@example.com>", Username: "", Password: "s3cret"})
		if err != nil || saved.Password != "" || !saved.PasswordSet {
			t.Fatalf("SaveSMTP() = %+v, %v; want the password kept and not shown", saved, err)
		}
		e.notify(t, "Reply suggestion for #4")
		e.notify(t, "Reply suggestion for #5")
		page, _ := e.svc.List(ctx, e.f.Agent, "", 10)
		if _, err := e.svc.MarkRead(ctx, e.f.Agent.UserID, page.Items[0].ID); err != nil { // #5 read
			t.Fatal(err)
		}
		e.clock.Add(9 * time.Minute)
		if n := e.run(t); n != 0 {
			t.Fatalf("before the delay: %d jobs ran, want none", n)
		}
		e.clock.Add(time.Minute)
		if n := e.run(t); n != 1 {
			t.Fatalf("after the delay: %d jobs ran, want the digest", n)
		}
		got := mailer.take()
		if len(got) != 1 {
			t.Fatalf("emails = %d, want 1 digest", len(got))
		}
		m := got[0]
		body := strings.ReplaceAll(m.data, "=\r\n", "")
		if m.from != "notify@example.com" || len(m.to) != 1 || m.to[0] != "agent@example.com" ||
			!strings.Contains(body, "Subject: 1 unread notification in Acme") ||
			!strings.Contains(body, "Reply suggestion for #4") || strings.Contains(body, "#5") ||
			!strings.Contains(body, "https://support.example.com/settings/notifications") {
			t.Errorf("digest from %s to %v:\n%s\nwant one for the agent naming only #4", m.from, m.to, m.data)
		}
		e.clock.Add(time.Hour)
		if n := e.run(t); n != 0 || len(mailer.take()) != 0 {
			t.Errorf("after the digest: %d jobs and more mail, want none", n)
		}

		// No server: the digest job completes and sends nothing.
		if _, err := e.svc.SaveSMTP(ctx, e.f.Admin, notify.SMTPSettings{}); err != nil {
			t.Fatal(err)
		}
		e.notify(t, "Reply suggestion for #6")
		e.clock.Add(10 * time.Minute)
		if n := e.run(t); n != 1 || len(mailer.take()) != 0 {
			t.Errorf("without a server: %d jobs ran, want 1 that sends nothing", n)
		}
	})
}
