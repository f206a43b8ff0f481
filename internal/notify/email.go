package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/scheduler"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/wneessen/go-mail"
)

// SMTPSettings is a workspace's outgoing mail server for notification
// emails. The password is write-only: it is kept sealed and never
// returned.
type SMTPSettings struct {
	Host     string `json:"host" maxLength:"253" doc:"The SMTP server's host name; empty turns notification emails off."`
	Port     int    `json:"port" minimum:"0" maximum:"65535" doc:"587 when omitted (465 with tls)."`
	Username string `json:"username" maxLength:"254"`
	Password string `json:"password,omitempty" maxLength:"256" doc:"Write-only; omit to keep the stored one."`
	From     string `json:"from" maxLength:"254" doc:"The sender address, e.g. Parley <notifications@example.com>."`
	// Security is starttls (when offered: the default), tls (implicit,
	// port 465) or none.
	Security    string `json:"security" enum:"starttls,tls,none,"`
	PasswordSet bool   `json:"password_set" readOnly:"true"`
}

func smtpKey(workspaceID string) string { return "notify_smtp:" + workspaceID }

// SMTP returns a workspace's mail settings (the password left out); an
// empty Host means none are set.
func (s *Service) SMTP(ctx context.Context, a parley.Actor) (*SMTPSettings, error) {
	if !a.IsAdmin() {
		return nil, parley.Errorf(parley.EFORBIDDEN, "Only an admin of this workspace can do this.")
	}
	cfg, err := s.smtp(ctx, a.WorkspaceID)
	if err != nil {
		return nil, err
	}
	cfg.PasswordSet, cfg.Password = cfg.Password != "", ""
	return cfg, nil
}

func (s *Service) smtp(ctx context.Context, workspaceID string) (*SMTPSettings, error) {
	raw, err := s.Store.SealedSystemSetting(ctx, smtpKey(workspaceID))
	if err != nil {
		return nil, err
	}
	cfg := &SMTPSettings{}
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), cfg); err != nil {
			return nil, fmt.Errorf("smtp settings: %w", err)
		}
	}
	return cfg, nil
}

// SaveSMTP checks and stores a workspace's mail settings (admins).
func (s *Service) SaveSMTP(ctx context.Context, a parley.Actor, in SMTPSettings) (*SMTPSettings, error) {
	if !a.IsAdmin() {
		return nil, parley.Errorf(parley.EFORBIDDEN, "Only an admin of this workspace can do this.")
	}
	in.Host = strings.TrimSpace(in.Host)
	if in.Host != "" {
		if strings.ContainsAny(in.Host, " /:@") {
			return nil, parley.FieldErrorf("host", "The host is a name such as smtp.example.com, without a port or scheme.")
		}
		m := mail.NewMsg()
		if err := m.From(in.From); err != nil || in.From == "" {
			return nil, parley.FieldErrorf("from", "The sender must be an email address.")
		}
	}
	switch in.Security {
	case "":
		in.Security = "starttls"
	case "starttls", "tls", "none":
	default:
		return nil, parley.FieldErrorf("security", "Security is starttls, tls or none.")
	}
	old, err := s.smtp(ctx, a.WorkspaceID)
	if err != nil {
		return nil, err
	}
	if in.Password == "" && in.Username == old.Username {
		in.Password = old.Password
	}
	in.PasswordSet = false
	raw, _ := json.Marshal(in)
	err = s.Store.Write(ctx, func(tx *sqlstore.Tx) error {
		if _, err := tx.DeleteSystemSetting(ctx, smtpKey(a.WorkspaceID)); err != nil {
			return err
		}
		_, err := tx.SetSealedSystemSettingIfAbsent(ctx, smtpKey(a.WorkspaceID), string(raw))
		return err
	})
	if err != nil {
		return nil, err
	}
	in.PasswordSet, in.Password = in.Password != "", ""
	return &in, nil
}

// RegisterEmail adds the email digest job to sch.
func (s *Service) RegisterEmail(sch *scheduler.Scheduler) error {
	return sch.Register(KindEmailDigest, scheduler.Handler{Run: s.runDigest, Commit: s.commitDigest, MaxAttempts: 10})
}

// digestable returns what a digest due at due covers: the user's
// notifications waiting for email, created by then.
func digestable(ns []parley.Notification, due time.Time) []parley.Notification {
	var out []parley.Notification
	for _, n := range ns {
		if !n.CreatedAt.After(due) {
			out = append(out, n)
		}
	}
	return out
}

// runDigest emails what is still unread (and visible) of the user's
// notifications waiting for email, in one message, through the
// workspace's SMTP server. No server set: nothing is sent.
func (s *Service) runDigest(ctx context.Context, job *sqlstore.Job) error {
	p, err := readPayload(job)
	if err != nil {
		return err
	}
	r, ok, err := recipientNow(ctx, s.Store, job.WorkspaceID, p.UserID)
	if err != nil || !ok {
		return err
	}
	if _, quiet := QuietUntil(r.Prefs, s.Store.Now()); quiet {
		return nil
	}
	cfg, err := s.smtp(ctx, job.WorkspaceID)
	if err != nil || cfg.Host == "" {
		return err
	}
	pending, err := s.Store.NotificationsInState(ctx, job.WorkspaceID, p.UserID, "email", sqlstore.DeliveryPending, summaryLimit)
	if err != nil {
		return err
	}
	var unread []parley.Notification
	for _, n := range digestable(pending, job.DueAt) {
		if n.ReadAt == nil {
			unread = append(unread, n)
		}
	}
	shown, err := s.stillVisible(ctx, r, unread)
	if err != nil || len(shown) == 0 {
		return err
	}
	m, err := s.Store.FindMember(ctx, job.WorkspaceID, p.UserID)
	if err != nil {
		return err
	}
	w, err := s.Store.FindWorkspaceByID(ctx, job.WorkspaceID)
	if err != nil {
		return err
	}
	return s.sendDigest(ctx, cfg, m, w, shown, job)
}

func (s *Service) sendDigest(ctx context.Context, cfg *SMTPSettings, to *parley.Member, w *parley.Workspace, ns []parley.Notification, job *sqlstore.Job) error {
	msg := mail.NewMsg()
	if err := msg.From(cfg.From); err != nil {
		return scheduler.Permanent(fmt.Errorf("email digest: from: %w", err))
	}
	if err := msg.AddToFormat(to.Name, to.Email); err != nil {
		return scheduler.Permanent(fmt.Errorf("email digest: to: %w", err))
	}
	// One Message-ID per job: a retry after an unknown outcome can be
	// recognised by the receiver.
	msg.SetMessageIDWithValue(job.ID + "@parley")
	base := ""
	if s.PublicURL != nil {
		base = strings.TrimRight(s.PublicURL(), "/")
	}
	noun := "notifications"
	if len(ns) == 1 {
		noun = "notification"
	}
	msg.Subject(fmt.Sprintf("%d unread %s in %s", len(ns), noun, w.Name))
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\nThese are still unread in %s:\n\n", to.Name, w.Name)
	for _, n := range ns {
		fmt.Fprintf(&b, "- %s\n  %s%s\n", n.Text, base, link(&n))
	}
	fmt.Fprintf(&b, "\nChange what you receive: %s/settings/notifications\n", base)
	msg.SetBodyString(mail.TypeTextPlain, b.String())
	if err := s.send(ctx, cfg, msg); err != nil {
		return fmt.Errorf("email digest: %w", err)
	}
	return nil
}

// send delivers msg through the relay cfg. A bad setting is permanent
// (scheduler.Permanent); a failed delivery may be retried.
func (s *Service) send(ctx context.Context, cfg *SMTPSettings, msg *mail.Msg) error {
	port := cfg.Port
	opts := []mail.Option{mail.WithTimeout(20 * time.Second)}
	switch cfg.Security {
	case "tls":
		opts = append(opts, mail.WithSSL())
		if port == 0 {
			port = 465
		}
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	}
	if port == 0 {
		port = 587
	}
	opts = append(opts, mail.WithPort(port))
	if cfg.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(cfg.Username), mail.WithPassword(cfg.Password))
	}
	if s.Dial != nil {
		opts = append(opts, mail.WithDialContextFunc(s.Dial))
	}
	c, err := mail.NewClient(cfg.Host, opts...)
	if err != nil {
		return scheduler.Permanent(err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("send: %w", err)
	}
	return nil
}

// ErrNoRelay: the workspace has no SMTP server set, so nothing can be
// emailed from it.
var ErrNoRelay = errors.New("this workspace has no email server set (Settings → Notifications → Email)")

// HasRelay reports whether a workspace can send email.
func (s *Service) HasRelay(ctx context.Context, workspaceID string) (bool, error) {
	cfg, err := s.smtp(ctx, workspaceID)
	if err != nil {
		return false, err
	}
	return cfg.Host != "", nil
}

// SendMail emails a plain-text message to one person through the
// workspace's relay (invitations, password resets): ErrNoRelay when it
// has none, else the server's refusal.
func (s *Service) SendMail(ctx context.Context, workspaceID, toName, toEmail, subject, body string) error {
	cfg, err := s.smtp(ctx, workspaceID)
	if err != nil {
		return err
	}
	if cfg.Host == "" {
		return ErrNoRelay
	}
	msg := mail.NewMsg()
	if err := msg.From(cfg.From); err != nil {
		return fmt.Errorf("the sender address %q: %w", cfg.From, err)
	}
	if err := msg.AddToFormat(toName, toEmail); err != nil {
		return fmt.Errorf("the address %q: %w", toEmail, err)
	}
	msg.Subject(subject)
	msg.SetBodyString(mail.TypeTextPlain, body)
	return s.send(ctx, cfg, msg)
}

// commitDigest marks what the digest covered as done (sent, or dropped
// when read meanwhile), moves the job to the end of quiet hours that
// still hold, and starts the next digest when more is waiting.
func (s *Service) commitDigest(ctx context.Context, tx *sqlstore.Tx, job *sqlstore.Job) error {
	p, err := readPayload(job)
	if err != nil {
		return err
	}
	r, ok, err := recipientNow(ctx, tx, job.WorkspaceID, p.UserID)
	if err != nil || !ok {
		return err
	}
	if end, quiet := QuietUntil(r.Prefs, tx.Now()); quiet {
		return scheduler.Schedule(ctx, tx, KindEmailDigest, job.Key, job.WorkspaceID, end, p)
	}
	pending, err := tx.NotificationsInState(ctx, job.WorkspaceID, p.UserID, "email", sqlstore.DeliveryPending, summaryLimit)
	if err != nil {
		return err
	}
	covered := digestable(pending, job.DueAt)
	ids := make([]string, len(covered))
	for i, n := range covered {
		ids[i] = n.ID
	}
	if err := tx.SetNotificationState(ctx, "email", sqlstore.DeliverySent, ids); err != nil {
		return err
	}
	if len(covered) < len(pending) {
		due := tx.Now().Add(time.Duration(r.Prefs.EmailDelayMinutes) * time.Minute)
		return scheduler.Schedule(ctx, tx, KindEmailDigest, job.Key, job.WorkspaceID, due, p)
	}
	return nil
}

// DialFunc dials the SMTP server (netguard's, to refuse private
// addresses).
type DialFunc = func(ctx context.Context, network, address string) (net.Conn, error)
