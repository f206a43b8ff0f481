package mailin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel/email"
)

// DefaultMaxBytes is the default cap on one mail (PARLEY_SMTP_MAX_BYTES).
const DefaultMaxBytes = 25 << 20

// Listener is the SMTP listener: it accepts mail only for the addresses
// of email inboxes and their reply addresses (any other recipient is
// refused at RCPT with 550: never an open relay), refuses mail over the
// cap at DATA with 552, and answers 250 only once the mail is committed.
type Listener struct {
	srv *smtp.Server
	svc *Service
	log *slog.Logger
	max int64
}

// NewListener returns a listener for svc; domain is the name it greets
// with, maxBytes the cap on one mail (DefaultMaxBytes when 0).
func NewListener(svc *Service, domain string, maxBytes int64) *Listener {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	l := &Listener{svc: svc, log: svc.log(), max: maxBytes}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		s := &session{l: l, helo: c.Hostname()}
		if a, ok := c.Conn().RemoteAddr().(*net.TCPAddr); ok {
			s.ip = a.IP
		}
		return s, nil
	}))
	srv.Domain = domain
	// The cap is applied in Data, which reads the rest of an oversize
	// mail before answering 552 (go-smtp's own cap drops the connection,
	// which senders retry).
	srv.MaxRecipients = 50
	srv.ReadTimeout = 5 * time.Minute
	srv.WriteTimeout = time.Minute
	srv.AllowInsecureAuth = false
	l.srv = srv
	return l
}

// Serve accepts connections on ln until Close.
func (l *Listener) Serve(ln net.Listener) error {
	err := l.srv.Serve(ln)
	if errors.Is(err, smtp.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting and waits for sessions to end (or ctx).
func (l *Listener) Shutdown(ctx context.Context) error { return l.srv.Shutdown(ctx) }

// Close stops at once.
func (l *Listener) Close() error { return l.srv.Close() }

// session is one SMTP transaction.
type session struct {
	l    *Listener
	ip   net.IP
	helo string
	from string
	rcpt []recipient
}

type recipient struct {
	addr  string
	inbox *parley.Inbox
}

var (
	errNoMailbox = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
		Message: "No such mailbox here (this server takes mail only for its support addresses)"}
	errTryLater = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Temporary failure, try again later"}
	errTooBig   = &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 3, 4}, Message: "Message too big"}
	errBadMail  = &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "The message cannot be parsed"}
)

func (s *session) Reset()        { s.from, s.rcpt = "", nil }
func (s *session) Logout() error { return nil }

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

// Rcpt accepts an inbox's address or one of its reply addresses.
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	base, _ := email.SplitAddress(to)
	if base == "" {
		return errNoMailbox
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	inbox, err := s.l.svc.Store.FindInboxByRouteKey(ctx, parley.ChannelEmail, base)
	if parley.IsNotFound(err) {
		return errNoMailbox
	}
	if err != nil {
		s.l.log.Error("smtp rcpt lookup", "err", err)
		return errTryLater
	}
	if _, ok := email.ParseRecipient(inbox, to); !ok {
		return errNoMailbox
	}
	for _, r := range s.rcpt {
		if r.inbox.ID == inbox.ID {
			return nil // one copy per inbox
		}
	}
	s.rcpt = append(s.rcpt, recipient{addr: to, inbox: inbox})
	return nil
}

// Data reads the mail and delivers it to each inbox; 250 follows only
// when every copy is committed.
func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(io.LimitReader(r, s.l.max+1))
	if err != nil {
		return errTryLater
	}
	if int64(len(raw)) > s.l.max {
		// Read (and drop) the rest so that the answer is heard; a sender
		// going on past ten times the cap loses the connection instead.
		if _, err := io.Copy(io.Discard, io.LimitReader(r, 10*s.l.max)); err != nil {
			return errTooBig
		}
		return errTooBig
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, rc := range s.rcpt {
		_, err := s.l.svc.Deliver(ctx, rc.inbox, Envelope{Rcpt: rc.addr, From: s.from, IP: s.ip, HELO: s.helo}, raw)
		if errors.Is(err, ErrMalformed) {
			return errBadMail
		}
		if err != nil {
			s.l.log.Error("smtp deliver", "inbox_id", rc.inbox.ID, "err", fmt.Sprint(err))
			return errTryLater
		}
	}
	return nil
}
