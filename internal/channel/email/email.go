package email

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/wneessen/go-mail"
)

// HeaderInbox marks mail Parley sent, with the sending inbox's id: mail
// coming back with it is a loop and is dropped.
const HeaderInbox = "X-Parley-Inbox"

// Adapter sends an email inbox's replies through its SMTP relay.
type Adapter struct {
	dial  func(ctx context.Context, network, addr string) (net.Conn, error)
	clock parley.Clock
	log   *slog.Logger
	// tracker makes the signed open and click URLs of inboxes that track
	// them (channel.Env.Tracker); nil tracks nothing.
	tracker Tracker
}

// Tracker makes the signed URLs that record a sent mail's opening and a
// click on one of its links.
type Tracker = channel.Tracker

// New returns the adapter; env.Dial reaches the relays (through the
// netguard in the app).
func New(env channel.Env) *Adapter {
	a := &Adapter{dial: env.Dial, clock: env.Clock, log: env.Logger, tracker: env.Tracker}
	if a.dial == nil {
		a.dial = (&net.Dialer{Timeout: 20 * time.Second}).DialContext
	}
	if a.clock == nil {
		a.clock = parley.SystemClock{}
	}
	if a.log == nil {
		a.log = slog.Default()
	}
	return a
}

// Kind implements channel.Adapter.
func (a *Adapter) Kind() string { return parley.ChannelEmail }

// ParseWebhook implements channel.Adapter: mail arrives by SMTP or IMAP,
// never by webhook.
func (a *Adapter) ParseWebhook(*http.Request, []byte, string, *parley.Inbox) (*channel.WebhookResult, error) {
	return nil, fmt.Errorf("%w: the email channel takes no webhooks", channel.ErrMalformed)
}

// MessageID is the Message-ID Parley gives a sent message (without angle
// brackets): the same on every attempt, so a relay or a recipient that
// sees a retry can tell.
func MessageID(inbox *parley.Inbox, deliveryID string) string {
	_, domain, _ := strings.Cut(channel.InboxSetting(inbox, KeyAddress), "@")
	return deliveryID + "@" + domain
}

// Compose builds the mail for out: From "<agent> from <display name>",
// Reply-To the conversation's reply address, the thread's In-Reply-To and
// References, Parley's Message-ID, text and HTML alternatives, files.
// With a tracker, the HTML of an inbox that tracks opens carries the
// pixel and that of an inbox that tracks clicks has its links rewritten;
// the text part is never changed. With a DKIM key the mail is signed.
func Compose(inbox *parley.Inbox, out channel.Outbound, now time.Time, tr Tracker) (*mail.Msg, string, error) {
	m := mail.NewMsg()
	addr := channel.InboxSetting(inbox, KeyAddress)
	mt := out.Mail
	if mt == nil {
		mt = &channel.MailThread{}
	}
	if err := m.FromFormat(fromName(inbox, mt.AgentName), addr); err != nil {
		return nil, "", permanent("from", "The inbox's address is not valid.")
	}
	if err := m.AddToFormat(mt.ContactName, out.To); err != nil {
		return nil, "", permanent("to", "The customer's email address is not valid.")
	}
	if mt.ConversationNumber > 0 {
		if err := m.ReplyToFormat(channel.InboxSetting(inbox, KeyDisplayName), ReplyAddress(inbox, mt.ConversationNumber)); err != nil {
			return nil, "", permanent("reply_to", "The reply address is not valid.")
		}
	}
	m.Subject(replySubject(mt.Subject, mt.InReplyTo != ""))
	id := MessageID(inbox, out.DeliveryID)
	m.SetMessageIDWithValue(id)
	m.SetDateWithValue(now)
	if mt.InReplyTo != "" {
		m.SetGenHeader(mail.HeaderInReplyTo, "<"+mt.InReplyTo+">")
	}
	if len(mt.References) > 0 {
		refs := make([]string, len(mt.References))
		for i, r := range mt.References {
			refs[i] = "<" + r + ">"
		}
		m.SetGenHeaderPreformatted(mail.HeaderReferences, strings.Join(refs, "\r\n "))
	}
	m.SetGenHeader(HeaderInbox, inbox.ID)
	m.SetUserAgent("Parley")
	m.SetBodyString(mail.TypeTextPlain, out.Content)
	m.AddAlternativeString(mail.TypeTextHTML, htmlBody(out.Content, tracking(inbox, out.DeliveryID, tr)))
	for _, f := range out.Attachments {
		if err := m.AttachReader(f.FileName, bytes.NewReader(f.Data), mail.WithFileContentType(mail.ContentType(f.ContentType))); err != nil {
			return nil, "", fmt.Errorf("attach %s: %w", f.FileName, err)
		}
	}
	if err := signDKIM(inbox, m); err != nil {
		return nil, "", err
	}
	return m, id, nil
}

func fromName(inbox *parley.Inbox, agent string) string {
	name := channel.InboxSetting(inbox, KeyDisplayName)
	switch {
	case agent != "" && name != "":
		return agent + " from " + name
	case agent != "":
		return agent
	}
	return name
}

// replySubject is the subject of a reply: "Re: " once.
func replySubject(s string, reply bool) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "Your message"
	}
	if !reply || strings.HasPrefix(strings.ToLower(s), "re:") {
		return s
	}
	return "Re: " + s
}

// tracks is what the HTML of one mail carries for tracking: the pixel's
// URL ("" for none) and the link rewriter (nil for none).
type tracks struct {
	pixel string
	link  func(target string) string
}

func tracking(inbox *parley.Inbox, messageID string, tr Tracker) tracks {
	var t tracks
	if tr == nil || messageID == "" {
		return t
	}
	if on(inbox, KeyTrackOpens) {
		t.pixel = tr.OpenURL(inbox.ID, messageID)
	}
	if on(inbox, KeyTrackClicks) {
		t.link = func(target string) string { return tr.ClickURL(inbox.ID, messageID, target) }
	}
	return t
}

// linkPattern finds the web links in a reply's text.
var linkPattern = regexp.MustCompile(`https?://[^\s<>"'\x60]+`)

// htmlBody is the HTML alternative of a text reply: escaped, paragraphs
// and line breaks kept, web links made links (through the click tracker
// when the inbox tracks clicks), and the open pixel last.
func htmlBody(text string, t tracks) string {
	var b strings.Builder
	b.WriteString(`<!doctype html><html><body><div style="font-family:sans-serif;font-size:14px">`)
	for i, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString("<p>" + strings.ReplaceAll(linkify(p, t.link), "\n", "<br>") + "</p>")
	}
	b.WriteString("</div>")
	if t.pixel != "" {
		b.WriteString(`<img src="` + html.EscapeString(t.pixel) + `" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px">`)
	}
	b.WriteString("</body></html>")
	return b.String()
}

// linkify escapes text and turns its web links into anchors; rewrite,
// when set, gives the href for a link (the signed click URL).
func linkify(text string, rewrite func(string) string) string {
	var b strings.Builder
	last := 0
	for _, loc := range linkPattern.FindAllStringIndex(text, -1) {
		start, end := loc[0], loc[1]
		// Sentence punctuation after a link is not part of it.
		for end > start && strings.ContainsRune(".,;:!?)]}", rune(text[end-1])) {
			end--
		}
		target := text[start:end]
		if _, err := url.ParseRequestURI(target); err != nil {
			continue
		}
		href := target
		if rewrite != nil {
			href = rewrite(target)
		}
		b.WriteString(html.EscapeString(text[last:start]))
		b.WriteString(`<a href="` + html.EscapeString(href) + `">` + html.EscapeString(target) + `</a>`)
		last = end
	}
	b.WriteString(html.EscapeString(text[last:]))
	return b.String()
}

// Send implements channel.Adapter: one SMTP session to the inbox's relay,
// asking for delivery reports (NOTIFY=SUCCESS,FAILURE) where the relay
// offers DSN. The result's id is the mail's Message-ID, which delivery
// reports and replies name.
func (a *Adapter) Send(ctx context.Context, inbox *parley.Inbox, out channel.Outbound) (channel.SendResult, error) {
	msg, id, err := Compose(inbox, out, a.clock.Now(), a.tracker)
	if err != nil {
		return channel.SendResult{}, err
	}
	c, err := a.client(inbox, true)
	if err != nil {
		return channel.SendResult{}, err
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return channel.SendResult{}, sendError(err, inbox)
	}
	return channel.SendResult{ProviderMessageID: id}, nil
}

// client is a go-mail client for the inbox's relay.
func (a *Adapter) client(inbox *parley.Inbox, dsn bool) (*mail.Client, error) {
	host := channel.InboxSetting(inbox, KeySMTPHost)
	if host == "" {
		return nil, permanent("smtp_host", "The inbox has no SMTP host.")
	}
	security := channel.InboxSetting(inbox, KeySMTPSecurity)
	p, _ := strconv.Atoi(channel.InboxSetting(inbox, KeySMTPPort))
	opts := []mail.Option{mail.WithTimeout(30 * time.Second), mail.WithDialContextFunc(a.dial)}
	switch security {
	case "tls":
		opts = append(opts, mail.WithSSL())
		if p == 0 {
			p = 465
		}
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if p == 0 {
		p = 587
	}
	opts = append(opts, mail.WithPort(p))
	if u := channel.InboxSetting(inbox, KeySMTPUsername); u != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(u),
			mail.WithPassword(channel.InboxSetting(inbox, KeySMTPPassword)))
	}
	if _, domain, ok := strings.Cut(channel.InboxSetting(inbox, KeyAddress), "@"); ok {
		opts = append(opts, mail.WithHELO(domain))
	}
	if dsn {
		opts = append(opts, mail.WithDSNMailReturnType(mail.DSNMailReturnHeadersOnly),
			mail.WithDSNRcptNotifyType(mail.DSNRcptNotifySuccess, mail.DSNRcptNotifyFailure))
	}
	c, err := mail.NewClient(host, opts...)
	if err != nil {
		return nil, permanent("smtp", "The SMTP settings are not valid: "+err.Error())
	}
	return c, nil
}

// sendError classifies a relay's answer: 5xx refusals are permanent,
// everything else (4xx, the network) is retried. Secrets never show.
func sendError(err error, inbox *parley.Inbox) error {
	var se *mail.SendError
	text := channel.Scrub(err.Error(), channel.InboxSetting(inbox, KeySMTPPassword))
	if errors.As(err, &se) {
		code := se.ErrorCode()
		return &channel.SendError{Permanent: !se.IsTemp() && code >= 500, Code: strconv.Itoa(code), Message: text}
	}
	return &channel.SendError{Code: "network", Message: text}
}

func permanent(code, msg string) error {
	return &channel.SendError{Permanent: true, Code: code, Message: msg}
}

// Probe implements channel.Prober: it logs in to the SMTP relay and, when
// one is set, to the IMAP server.
func (a *Adapter) Probe(ctx context.Context, inbox *parley.Inbox) *channel.Probe {
	start := a.clock.Now()
	p := &channel.Probe{CheckedAt: start}
	defer func() { p.LatencyMS = a.clock.Now().Sub(start).Milliseconds() }()
	c, err := a.client(inbox, false)
	if err == nil {
		if err = c.DialWithContext(ctx); err == nil {
			err = c.Close()
		}
	}
	if err != nil {
		p.Error = "SMTP: " + channel.Scrub(channel.Scrub(err.Error(), channel.InboxSetting(inbox, KeySMTPPassword)), channel.InboxSetting(inbox, KeyIMAPPassword))
		return p
	}
	if channel.InboxSetting(inbox, KeyIMAPHost) != "" {
		if err := a.ProbeIMAP(ctx, inbox); err != nil {
			p.Error = "IMAP: " + channel.Scrub(err.Error(), channel.InboxSetting(inbox, KeyIMAPPassword))
			return p
		}
	}
	p.OK, p.Status = true, 250
	return p
}
