// Package mailin takes mail into email inboxes: Parley's SMTP listener
// (PARLEY_SMTP_ADDR, behind the MX or a forwarding rule) and IMAP polling
// per inbox. Both hand each mail to Deliver, which drops loops, applies
// delivery and feedback reports to the messages they name, checks the
// sender (SPF, DKIM, DMARC), threads the mail and stores it through the
// one inbound path, keyed by its Message-ID so that the same mail arriving
// twice is stored once.
package mailin

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/channel/email"
	"github.com/parleyhq/parley/internal/delivery"
	"github.com/parleyhq/parley/internal/id"
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/mailparse"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Service delivers inbound mail.
type Service struct {
	Store   *sqlstore.Store
	Inbound *inbound.Receiver
	// Blobs keeps attachments; nil drops them (the message notes it).
	Blobs blob.Store
	// Auth checks senders; nil skips the checks (the result says none).
	Auth   *Authenticator
	Logger *slog.Logger
}

// ErrMalformed is a mail that cannot be read: refused for good (554).
var ErrMalformed = errors.New("mailin: the message cannot be parsed")

// Envelope is what the SMTP session (or IMAP) knew about a mail.
type Envelope struct {
	// Rcpt is the address it was sent to (the inbox's, or a reply address).
	Rcpt string
	// From is the envelope sender (MAIL FROM), "" for bounces.
	From string
	// IP is the connecting client's address (nil for IMAP).
	IP net.IP
	// HELO is the client's greeting name.
	HELO string
}

// Outcome says what became of a delivered mail.
type Outcome struct {
	Result inbound.Result
	// Dropped: a loop of Parley's own mail.
	Dropped bool
	// Report: a delivery or feedback report, applied to the message it
	// names (Applied) and otherwise dropped.
	Report, Applied bool
}

// Deliver stores one mail for inbox. It returns once everything is
// committed, so that the sender may be told 250.
func (s *Service) Deliver(ctx context.Context, inbox *parley.Inbox, env Envelope, raw []byte) (Outcome, error) {
	m, err := mailparse.Parse(raw, mailparse.DefaultLimits)
	if err != nil {
		return Outcome{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	address := channel.InboxSetting(inbox, email.KeyAddress)
	if m.Header.Get(email.HeaderInbox) == inbox.ID || (m.Report == nil && m.From == address) {
		s.log().InfoContext(ctx, "email loop dropped", "inbox_id", inbox.ID)
		return Outcome{Dropped: true}, nil
	}
	if m.Report != nil {
		applied, err := s.applyReport(ctx, inbox, m.Report)
		return Outcome{Report: true, Applied: applied}, err
	}
	if m.From == "" {
		return Outcome{}, fmt.Errorf("%w: no From address", ErrMalformed)
	}
	var auth *parley.EmailAuth
	if s.Auth != nil {
		auth = s.Auth.Check(ctx, env, m, raw)
	}
	thread, err := s.thread(ctx, inbox, env.Rcpt, m, auth)
	if err != nil {
		return Outcome{}, err
	}
	atts, cids, notes := s.keepFiles(ctx, inbox, m)
	in := channel.Inbound{
		ProviderMessageID: messageID(m, raw),
		Contact:           channel.ContactInfo{SourceID: m.From, Name: m.FromName, Email: m.From},
		Content:           content(m, notes),
		ContentType:       "text",
		Timestamp:         m.Date,
		Thread:            thread,
		Email:             info(m, auth, cids),
	}
	in.Email.MessageID = in.ProviderMessageID
	res, err := s.Inbound.ReceiveWithAttachments(ctx, inbox, in, atts)
	if err != nil || res.Duplicate {
		s.dropBlobs(atts)
	}
	if err != nil {
		return Outcome{}, fmt.Errorf("deliver mail: %w", err)
	}
	return Outcome{Result: res}, nil
}

// messageID is the mail's Message-ID, or for a mail without one a digest
// of its bytes (the same mail twice is still one).
func messageID(m *mailparse.Mail, raw []byte) string {
	if m.MessageID != "" {
		return m.MessageID
	}
	sum := sha256.Sum256(raw)
	return "sha256-" + hex.EncodeToString(sum[:16]) + "@parley.invalid"
}

// content is the message text: the mail's text, its notes, or a line
// saying it had none.
func content(m *mailparse.Mail, notes []string) string {
	text := channel.CleanText(m.Text)
	if len(notes) > 0 {
		text = strings.TrimSpace(text + "\n\n" + strings.Join(notes, "\n"))
	}
	if strings.TrimSpace(text) == "" {
		text = "(This email has no text.)"
	}
	return text
}

func info(m *mailparse.Mail, auth *parley.EmailAuth, cids map[string]string) *parley.EmailInfo {
	e := &parley.EmailInfo{Subject: m.Subject, From: m.From, InReplyTo: m.InReplyTo, References: m.References,
		AutoReply: m.AutoReply, Auth: auth, QuoteAt: mailparse.QuoteAt(channel.CleanText(m.Text))}
	if m.HTML != "" {
		e.HTML = mailparse.Sanitize(m.HTML)
	}
	e.CIDs = cids
	return e
}

// thread decides the conversation the mail continues: one whose message
// its In-Reply-To or References name (the newest first), else the one its
// reply address names. A mail failing DMARC for a domain with a
// quarantine or reject policy never joins by address. Without either it
// opens a new conversation: a subject never threads.
func (s *Service) thread(ctx context.Context, inbox *parley.Inbox, rcpt string, m *mailparse.Mail, auth *parley.EmailAuth) (*channel.Thread, error) {
	t := &channel.Thread{Separate: true, Quiet: m.AutoReply}
	ids := slices.Clone(m.References)
	slices.Reverse(ids)
	if m.InReplyTo != "" {
		ids = append([]string{m.InReplyTo}, ids...)
	}
	for i, ref := range ids {
		if i >= 50 {
			break
		}
		msg, err := s.Store.FindMessageByProviderID(ctx, inbox.ID, ref)
		if parley.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		t.ConversationID = msg.ConversationID
		return t, nil
	}
	if auth != nil && auth.Suspicious {
		return t, nil
	}
	if n, ok := email.ParseRecipient(inbox, rcpt); ok && n > 0 {
		c, err := s.Store.FindConversationByNumber(ctx, inbox.WorkspaceID, n)
		if err == nil {
			t.ConversationID = c.ID
		} else if !parley.IsNotFound(err) {
			return nil, err
		}
	}
	return t, nil
}

// applyReport records a delivery or feedback report on the message it
// names. A report never opens a conversation nor shows as a message.
func (s *Service) applyReport(ctx context.Context, inbox *parley.Inbox, r *mailparse.Report) (bool, error) {
	var st parley.DeliveryStatus
	switch {
	case r.Kind == "feedback-report":
		st = parley.DeliverySpam
	case r.Action == "failed":
		st = parley.DeliveryBounced
	case r.Action == "delivered" || r.Action == "relayed" || r.Action == "expanded":
		st = parley.DeliveryDelivered
	default: // delayed: the relay keeps trying
		return false, nil
	}
	pid := r.MessageID()
	if pid == "" {
		return false, nil
	}
	found := false
	err := s.Store.Write(ctx, func(tx *sqlstore.Tx) error {
		m, err := tx.FindMessageByProviderID(ctx, inbox.ID, pid)
		if parley.IsNotFound(err) || (err == nil && m.Direction != parley.DirectionOut) {
			found = false
			return nil
		}
		if err != nil {
			return err
		}
		found = true
		why := ""
		if st == parley.DeliveryBounced {
			why = strings.TrimSpace(r.Status + " " + r.Diagnostic)
		}
		return delivery.ApplyReport(ctx, tx, inbox, channel.StatusUpdate{ProviderMessageID: pid, Status: st, Error: why, At: tx.Now()})
	})
	if err != nil {
		return false, fmt.Errorf("apply report: %w", err)
	}
	return found, nil
}

// keepFiles stores the mail's attachments and inline images, returning
// them, the map from content id to attachment id, and notes on files not
// kept.
func (s *Service) keepFiles(ctx context.Context, inbox *parley.Inbox, m *mailparse.Mail) ([]parley.Attachment, map[string]string, []string) {
	if len(m.Attachments) == 0 {
		return nil, nil, nil
	}
	if s.Blobs == nil {
		return nil, nil, []string{"[The email carried attachments Parley cannot keep.]"}
	}
	var atts []parley.Attachment
	var notes []string
	cids := map[string]string{}
	for i, p := range m.Attachments {
		if i >= 50 {
			notes = append(notes, fmt.Sprintf("[%d more attachments were not kept.]", len(m.Attachments)-i))
			break
		}
		if len(p.Data) > email.MaxAttachment || len(p.Data) == 0 {
			notes = append(notes, "[The attachment "+p.FileName+" was not kept: it is empty or over 20 MB.]")
			continue
		}
		att := parley.Attachment{ID: id.New(), FileName: p.FileName, ContentType: p.ContentType, Size: int64(len(p.Data))}
		att.Key = att.ID
		if err := s.Blobs.Put(ctx, att.Key, p.Data); err != nil {
			s.log().ErrorContext(ctx, "email attachment store failed", "inbox_id", inbox.ID, "err", err)
			notes = append(notes, "[The attachment "+p.FileName+" could not be stored.]")
			continue
		}
		if p.ContentID != "" {
			cids[p.ContentID] = att.ID
		}
		atts = append(atts, att)
	}
	if len(cids) == 0 {
		cids = nil
	}
	return atts, cids, notes
}

func (s *Service) dropBlobs(atts []parley.Attachment) {
	for _, a := range atts {
		if err := s.Blobs.Delete(context.Background(), a.Key); err != nil {
			s.log().Warn("email drop blob", "key", a.Key, "err", err)
		}
	}
}

func (s *Service) log() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}

func isMalformed(err error) bool { return errors.Is(err, ErrMalformed) }
