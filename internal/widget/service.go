// Package widget is the visitor side of the web-chat channel: the API a
// website's chat window calls under /api/v1/widget/ (visitors, their
// messages, typing, their name and email) and the visitor's WebSocket.
// Every call names an inbox (by its website token, or through the visitor
// token it issued), must come from one of the inbox's allowed origins, and
// sees only what the visitor wrote and the replies they were sent: never
// notes, system lines or another visitor's messages.
package widget

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/broker"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/channel/webchat"
	"github.com/parleyhq/parley/internal/id"
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Hours tells whether an inbox is within its business hours at t (in the
// workspace's time zone); internal/hours implements it. AlwaysOpen is for
// tests and a widget without business hours.
type Hours interface {
	OpenAt(ctx context.Context, workspaceID, inboxID string, t time.Time) (bool, error)
}

// awayTexter is Hours that also knows the inbox's away message (the
// workspace's business-hours setting), used when the widget's own
// setting is empty.
type awayTexter interface {
	AwayMessage(ctx context.Context, workspaceID, inboxID string, t time.Time) (string, error)
}

// AlwaysOpen is the Hours of a workspace without business hours.
type AlwaysOpen struct{}

// OpenAt reports true.
func (AlwaysOpen) OpenAt(context.Context, string, string, time.Time) (bool, error) { return true, nil }

// Service is the visitor API's use cases.
type Service struct {
	Store   *sqlstore.Store
	Inbound *inbound.Receiver
	Broker  broker.Broker
	// Blobs keeps visitors' files; without it uploads are refused.
	Blobs blob.Store
	Hours Hours
	Clock parley.Clock
	Log   *slog.Logger
	// PublicURL is PARLEY_PUBLIC_URL, read at each use.
	PublicURL func() string

	cards agentCards
}

// Visitor is an authenticated visitor and their inbox.
type Visitor struct {
	*sqlstore.Visitor
	Inbox *parley.Inbox
}

// NewVisitor is what a widget says about its visitor when it starts.
type NewVisitor struct {
	Name           string `json:"name"`
	Email          string `json:"email"`
	Identifier     string `json:"identifier"`
	IdentifierHash string `json:"identifier_hash"`
}

// ErrBadIdentity refuses an identifier whose hash does not match.
var ErrBadIdentity = &parley.Error{Code: parley.EUNAUTHORIZED, Field: "identifier_hash",
	Message: "The identifier hash does not match the identifier (it is the hex HMAC-SHA256 of the identifier, keyed with the inbox's identity secret)."}

// FindInbox returns the web-chat inbox a website token names, or ENOTFOUND.
func (s *Service) FindInbox(ctx context.Context, websiteToken string) (*parley.Inbox, error) {
	notFound := parley.Errorf(parley.ENOTFOUND, "No web-chat inbox has this website token.")
	if !id.Valid(websiteToken) {
		return nil, notFound
	}
	inbox, err := s.Store.FindInboxByIDAnyWorkspace(ctx, websiteToken)
	if err != nil {
		if parley.IsNotFound(err) {
			return nil, notFound
		}
		return nil, err
	}
	if inbox.Channel != parley.ChannelWebchat {
		return nil, notFound
	}
	return inbox, nil
}

// checkIdentity verifies an identifier against its hash (constant time).
func checkIdentity(inbox *parley.Inbox, identifier, hash string) error {
	secret := inbox.Secrets[webchat.KeyIdentitySecret]
	if secret == "" {
		return ErrBadIdentity
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(identifier))
	want := hex.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(want), []byte(strings.ToLower(strings.TrimSpace(hash)))) {
		return ErrBadIdentity
	}
	return nil
}

// IdentityHash returns the identifier_hash a website computes for an
// identifier with the inbox's identity secret (for tests and docs).
func IdentityHash(secret, identifier string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(identifier))
	return hex.EncodeToString(mac.Sum(nil))
}

func checkText(field, v string, max int) (string, error) {
	v = strings.TrimSpace(v)
	if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
		return "", parley.FieldErrorf(field, "The %s is not valid text.", field)
	}
	if utf8.RuneCountInString(v) > max {
		return "", parley.FieldErrorf(field, "The %s has more than %d characters.", field, max)
	}
	return v, nil
}

func checkEmail(v string) (string, error) {
	v, err := checkText("email", v, 254)
	if err != nil || v == "" {
		return v, err
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || !strings.Contains(v, "@") {
		return "", parley.FieldErrorf("email", "%q is not an email address.", v)
	}
	return strings.ToLower(v), nil
}

// CreateVisitor starts a visitor on inbox and returns their token. With
// an identifier it must carry the matching hash (else EUNAUTHORIZED), and
// the visitor is the contact known by it; an inbox that requires a
// verified identity refuses visitors without one.
func (s *Service) CreateVisitor(ctx context.Context, inbox *parley.Inbox, in NewVisitor) (*sqlstore.Visitor, string, error) {
	name, err := checkText("name", in.Name, 200)
	if err != nil {
		return nil, "", err
	}
	email, err := checkEmail(in.Email)
	if err != nil {
		return nil, "", err
	}
	ident, err := checkText("identifier", in.Identifier, 256)
	if err != nil {
		return nil, "", err
	}
	v := &sqlstore.Visitor{WorkspaceID: inbox.WorkspaceID, InboxID: inbox.ID, Name: name, Email: email}
	switch {
	case ident != "":
		if err := checkIdentity(inbox, ident, in.IdentifierHash); err != nil {
			return nil, "", err
		}
		v.Identifier, v.Verified, v.SourceID = ident, true, "user:"+ident
		cid, err := s.Store.FindContactIDByIdentity(ctx, inbox.ID, v.SourceID)
		if err != nil && !parley.IsNotFound(err) {
			return nil, "", err
		}
		v.ContactID = cid
	case in.IdentifierHash != "":
		return nil, "", parley.FieldErrorf("identifier", "An identifier hash was sent without its identifier.")
	case inbox.Config[webchat.KeyIdentityRequired] == "true":
		return nil, "", &parley.Error{Code: parley.EUNAUTHORIZED, Field: "identifier_hash",
			Message: "This chat is only for signed-in customers: the website must send their identifier and its hash."}
	}
	token := auth.NewToken("pvt_")
	err = s.Store.Write(ctx, func(tx *sqlstore.Tx) error { return tx.CreateVisitor(ctx, v, hashToken(token)) })
	if err != nil {
		return nil, "", fmt.Errorf("widget: create visitor: %w", err)
	}
	return v, token, nil
}

func hashToken(t string) string {
	sum := sha256.Sum256([]byte(t))
	return hex.EncodeToString(sum[:])
}

// Authenticate returns the visitor a token belongs to and their inbox, or
// EUNAUTHORIZED.
func (s *Service) Authenticate(ctx context.Context, token string) (*Visitor, error) {
	bad := parley.Errorf(parley.EUNAUTHORIZED, "The visitor token is not valid: start a new visitor.")
	if !strings.HasPrefix(token, "pvt_") || len(token) > 100 {
		return nil, bad
	}
	v, err := s.Store.FindVisitorByTokenHash(ctx, hashToken(token))
	if err != nil {
		if parley.IsNotFound(err) {
			return nil, bad
		}
		return nil, err
	}
	inbox, err := s.Store.FindInboxByID(ctx, v.WorkspaceID, v.InboxID)
	if err != nil {
		if parley.IsNotFound(err) {
			return nil, bad
		}
		return nil, err
	}
	return &Visitor{Visitor: v, Inbox: inbox}, nil
}

// contactID returns the visitor's contact ("" before their first message).
func (s *Service) contactID(ctx context.Context, v *Visitor) (string, error) {
	if v.ContactID != "" {
		return v.ContactID, nil
	}
	cid, err := s.Store.FindContactIDByIdentity(ctx, v.InboxID, v.SourceID)
	if parley.IsNotFound(err) {
		return "", nil
	}
	return cid, err
}

// Sent says where a visitor's message landed.
type Sent struct {
	MessageID      string `json:"message_id"`
	ConversationID string `json:"conversation_id"`
}

// Send stores a visitor's message, with the files they uploaded, through
// the one inbound path. A client_message_id makes it idempotent (per
// visitor): a retry finds the same message and claims the same files.
func (s *Service) Send(ctx context.Context, v *Visitor, content, clientMessageID string, attachmentIDs []string) (*Sent, error) {
	content, err := checkText("content", content, 20000)
	if err != nil {
		return nil, err
	}
	if content == "" && len(attachmentIDs) == 0 {
		return nil, parley.FieldErrorf("content", "The message is empty.")
	}
	cmid, err := checkText("client_message_id", clientMessageID, 100)
	if err != nil {
		return nil, err
	}
	if cmid == "" {
		cmid = id.New()
	}
	atts, err := s.claimUploads(ctx, v, attachmentIDs, claimKey(v.ID, cmid))
	if err != nil {
		return nil, err
	}
	in := channel.Inbound{
		ProviderMessageID: "widget:" + v.ID + ":" + cmid,
		Contact:           channel.ContactInfo{SourceID: v.SourceID, Name: v.Name, Email: v.Email},
		Content:           content, ContentType: "text", Timestamp: s.Clock.Now(),
	}
	for _, a := range atts {
		// The files are already stored: Media only says the message has some.
		in.Media = append(in.Media, channel.MediaRef{ID: a.ID, ContentType: a.ContentType, FileName: a.FileName})
	}
	if content == "" {
		in.ContentType = kindOf(atts[0].ContentType)
	}
	res, err := s.Inbound.ReceiveWithAttachments(ctx, v.Inbox, in, atts)
	if err != nil {
		return nil, err
	}
	if v.ContactID == "" {
		if cid, err := s.contactID(ctx, v); err == nil && cid != "" {
			v.ContactID = cid
			_ = s.Store.Write(ctx, func(tx *sqlstore.Tx) error { return tx.UpdateVisitor(ctx, v.Visitor) })
		}
	}
	return &Sent{MessageID: res.MessageID, ConversationID: res.ConversationID}, nil
}

// kindOf is the content type of a message that is only a file.
func kindOf(contentType string) string {
	if strings.HasPrefix(contentType, "image/") {
		return "image"
	}
	return "document"
}

// Message is a message as the visitor sees it: nothing of agents'
// internals (no notes, no system lines, no delivery errors, no ids or
// emails of agents: an agent is their display name and avatar).
type Message struct {
	ID             string `json:"id"`
	ConversationID string `json:"conversation_id"`
	// From is "visitor" or "agent".
	From         string `json:"from"`
	AuthorName   string `json:"author_name,omitempty"`
	AuthorAvatar string `json:"author_avatar_url,omitempty"`
	Content      string `json:"content"`
	ContentType  string `json:"content_type"`
	// Status of a visitor's message is "delivered" (Parley has it) or
	// "read" (an agent has read the conversation since); of a reply, its
	// delivery status.
	Status      string    `json:"status"`
	Attachments []File    `json:"attachments,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// File is an attachment as the visitor sees it; URL is fetched with the
// visitor's token.
type File struct {
	ID          string `json:"id"`
	FileName    string `json:"file_name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	URL         string `json:"url"`
}

// visible reports whether a visitor may see m, and how.
func visible(m *parley.Message) (Message, bool) {
	if m.Private || m.Sender.Kind == parley.SenderSystem || m.System != nil || m.ContentType == "call" {
		return Message{}, false
	}
	out := Message{ID: m.ID, ConversationID: m.ConversationID, Content: m.Content, ContentType: m.ContentType,
		Status: string(m.Status), CreatedAt: m.CreatedAt}
	if m.Direction == parley.DirectionIn {
		out.From, out.Status = "visitor", "delivered"
	} else {
		out.From, out.AuthorName = "agent", m.Sender.Name
		if m.Status == parley.DeliveryFailed {
			return Message{}, false
		}
	}
	for _, a := range m.Attachments {
		out.Attachments = append(out.Attachments, File{ID: a.ID, FileName: a.FileName, ContentType: a.ContentType, Size: a.Size,
			URL: Prefix + "conversations/" + m.ConversationID + "/messages/" + m.ID + "/attachments/" + a.ID})
	}
	return out, true
}

// markRead sets the status of the visitor's messages an agent has read.
func markRead(m *Message, readAt time.Time) {
	if m.From == "visitor" && !readAt.IsZero() && !m.CreatedAt.After(readAt) {
		m.Status = "read"
	}
}

// Page is a page of a visitor's messages, oldest first; Cursor fetches
// the older ones.
type Page struct {
	Items          []Message `json:"items"`
	ConversationID string    `json:"conversation_id"`
	Cursor         string    `json:"next_cursor"`
}

// Messages returns the visitor's latest conversation on the inbox, newest
// page first (before cursor when given).
func (s *Service) Messages(ctx context.Context, v *Visitor, cursor string) (*Page, error) {
	page := &Page{Items: []Message{}}
	var before *sqlstore.MessageCursor
	if cursor != "" {
		before = new(sqlstore.MessageCursor)
		if err := json.Unmarshal([]byte(cursor), before); err != nil || !id.Valid(before.ID) {
			return nil, parley.FieldErrorf("query.cursor", "The cursor is not one this API returned.")
		}
	}
	cid, err := s.contactID(ctx, v)
	if err != nil || cid == "" {
		return page, err
	}
	conv, err := s.Store.FindLatestWidgetConversation(ctx, cid, v.InboxID)
	if err != nil {
		if parley.IsNotFound(err) {
			return page, nil
		}
		return nil, err
	}
	page.ConversationID = conv.ID
	const limit = 50
	list, err := s.Store.ListMessages(ctx, conv.ID, before, limit)
	if err != nil {
		return nil, err
	}
	readAt, err := s.Store.ConversationReadAt(ctx, conv.ID)
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].ConversationID != conv.ID {
			continue // merged conversations may hold other contacts' messages
		}
		if list[i].Direction == parley.DirectionOut && list[i].InboxID != v.InboxID {
			// Replies sent elsewhere (the email copy to a visitor who
			// left, a follow-up on another channel) are not the widget's,
			// as on the socket.
			continue
		}
		if m, ok := visible(&list[i]); ok {
			markRead(&m, readAt)
			s.author(ctx, &list[i], &m)
			page.Items = append(page.Items, m)
		}
	}
	if len(list) == limit {
		b, _ := json.Marshal(sqlstore.MessageCursor{CreatedAt: list[0].CreatedAt, ID: list[0].ID})
		page.Cursor = string(b)
	}
	return page, nil
}

// UpdateVisitor changes the visitor's name and email (the pre-chat form).
func (s *Service) UpdateVisitor(ctx context.Context, v *Visitor, name, email *string) error {
	if name != nil {
		n, err := checkText("name", *name, 200)
		if err != nil {
			return err
		}
		v.Name = n
	}
	if email != nil {
		e, err := checkEmail(*email)
		if err != nil {
			return err
		}
		v.Email = e
	}
	return s.Store.Write(ctx, func(tx *sqlstore.Tx) error { return tx.UpdateVisitor(ctx, v.Visitor) })
}

// visitorSignal is a typing signal as the agents' hub reads it from the
// broker (see realtime's signal): the user is the contact.
type visitorSignal struct {
	Type           string          `json:"type"`
	ConversationID string          `json:"conversation_id"`
	User           signalUser      `json:"user"`
	State          string          `json:"state"`
	Audience       *signalAudience `json:"audience,omitempty"`
}

type signalUser struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type signalAudience struct {
	TeamID      string   `json:"team_id"`
	AssigneeIDs []string `json:"assignee_ids"`
	VisibleTo   []string `json:"visible_to"`
}

// ContactUserPrefix marks signals from customers: agents' ids are uuids.
const ContactUserPrefix = "contact:"

// Typing tells the agents who can see the visitor's conversation that the
// visitor is typing (state "on") or stopped ("off").
func (s *Service) Typing(ctx context.Context, v *Visitor, state string) error {
	if state != "on" && state != "off" {
		return parley.FieldErrorf("state", "The state is on or off.")
	}
	cid, err := s.contactID(ctx, v)
	if err != nil || cid == "" {
		return err // no conversation yet: nobody to tell
	}
	conv, err := s.Store.FindLatestWidgetConversation(ctx, cid, v.InboxID)
	if err != nil {
		if parley.IsNotFound(err) {
			return nil
		}
		return err
	}
	aud, err := s.Store.ConversationAudience(ctx, v.WorkspaceID, conv.ID)
	if err != nil {
		return err
	}
	name := v.Name
	if name == "" {
		name = "The customer"
	}
	sa := signalAudience{TeamID: aud.TeamID, AssigneeIDs: nonNil(aud.AssigneeIDs), VisibleTo: nonNil(aud.VisibleTo)}
	payload, err := json.Marshal(visitorSignal{Type: "typing", ConversationID: conv.ID,
		User: signalUser{ID: ContactUserPrefix + cid, Name: name}, State: state, Audience: &sa})
	if err != nil {
		return err
	}
	return s.Broker.PublishSignal(ctx, v.WorkspaceID, payload)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Settings is what the widget shows before a visitor writes.
type Settings struct {
	Greeting    string `json:"greeting"`
	AwayMessage string `json:"away_message"`
	Open        bool   `json:"open"`
	Color       string `json:"color"`
	Position    string `json:"position"`
	PreChatForm bool   `json:"pre_chat_form"`
	// IdentityRequired: the website must sign its visitors in.
	IdentityRequired bool   `json:"identity_required"`
	Name             string `json:"name"`
}

// InboxSettings returns the widget's look and words for inbox now.
func (s *Service) InboxSettings(ctx context.Context, inbox *parley.Inbox) (*Settings, error) {
	hours := s.Hours
	if hours == nil {
		hours = AlwaysOpen{}
	}
	open, err := hours.OpenAt(ctx, inbox.WorkspaceID, inbox.ID, s.Clock.Now())
	if err != nil {
		return nil, fmt.Errorf("widget: business hours: %w", err)
	}
	c := inbox.Config
	st := &Settings{Greeting: c[webchat.KeyGreeting], Open: open, Color: c[webchat.KeyColor], Position: c[webchat.KeyPosition],
		PreChatForm: c[webchat.KeyPreChatForm] == "true", IdentityRequired: c[webchat.KeyIdentityRequired] == "true", Name: inbox.Name}
	if !open {
		st.AwayMessage = c[webchat.KeyAwayMessage]
		if am, ok := hours.(awayTexter); ok && st.AwayMessage == "" {
			if st.AwayMessage, err = am.AwayMessage(ctx, inbox.WorkspaceID, inbox.ID, s.Clock.Now()); err != nil {
				return nil, fmt.Errorf("widget: away message: %w", err)
			}
		}
		if st.AwayMessage == "" {
			st.AwayMessage = "We are away right now. Leave a message and we will answer as soon as we are back."
		}
	}
	if st.Color == "" {
		st.Color = "#1f6feb"
	}
	if st.Position == "" {
		st.Position = "right"
	}
	return st, nil
}
