package widget

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/delivery"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// agentCard is what a visitor may know of an agent: their display name
// (on the message) and their avatar. Cached a minute per node, so that a
// reply fanned out to many sockets costs one lookup.
type agentCard struct {
	avatar string
	at     time.Time
}

type agentCards struct {
	mu    sync.Mutex
	cards map[string]agentCard
}

// author fills in the avatar of the agent who wrote m (display name only
// otherwise: never their email or id).
func (s *Service) author(ctx context.Context, pm *parley.Message, m *Message) {
	if m.From != "agent" || pm.Sender.Kind != parley.SenderAgent || pm.Sender.ID == "" {
		return
	}
	m.AuthorAvatar = s.avatar(ctx, pm.Sender.ID)
}

func (s *Service) avatar(ctx context.Context, userID string) string {
	now := s.Clock.Now()
	s.cards.mu.Lock()
	c, ok := s.cards.cards[userID]
	s.cards.mu.Unlock()
	if ok && now.Sub(c.at) < time.Minute {
		return c.avatar
	}
	u, err := s.Store.FindUserByID(ctx, userID)
	if err != nil {
		if !parley.IsNotFound(err) {
			s.Log.WarnContext(ctx, "widget agent avatar", "err", err)
		}
		return ""
	}
	c = agentCard{at: now}
	// What the visitor's browser can load: an https address, or a file
	// Parley serves publicly (/media/…, which the widget prefixes with
	// Parley's address).
	if p, err := url.Parse(u.AvatarURL); err == nil && ((p.Scheme == "https" && p.Host != "") || strings.HasPrefix(u.AvatarURL, "/media/")) {
		c.avatar = u.AvatarURL
	}
	s.cards.mu.Lock()
	if s.cards.cards == nil || len(s.cards.cards) > 10000 {
		s.cards.cards = map[string]agentCard{}
	}
	s.cards.cards[userID] = c
	s.cards.mu.Unlock()
	return c.avatar
}

// Seen records that the visitor's widget showed the replies of their
// conversation: status "delivered" (the widget has them, its window
// closed) or "read" (the window is open). Each reply on the visitor's
// inbox moves through the provider-report path (delivery.ApplyReport),
// so its status never moves backwards and agents get message.updated.
func (s *Service) Seen(ctx context.Context, v *Visitor, status string) error {
	st := parley.DeliveryStatus(status)
	if st != parley.DeliveryRead && st != parley.DeliveryDelivered {
		return parley.FieldErrorf("status", "The status is delivered or read.")
	}
	cid, err := s.contactID(ctx, v)
	if err != nil || cid == "" {
		return err
	}
	conv, err := s.Store.FindLatestWidgetConversation(ctx, cid, v.InboxID)
	if err != nil {
		if parley.IsNotFound(err) {
			return nil
		}
		return err
	}
	// The newest page is where replies still move; older ones were seen
	// when they were new.
	list, err := s.Store.ListMessages(ctx, conv.ID, nil, 50)
	if err != nil {
		return err
	}
	var due []parley.Message
	for i := range list {
		m := &list[i]
		if m.Direction == parley.DirectionOut && !m.Private && m.InboxID == v.InboxID && m.ProviderMessageID != "" &&
			m.ConversationID == conv.ID && m.Status.Advances(st) {
			due = append(due, *m)
		}
	}
	if len(due) == 0 {
		return nil
	}
	now := s.Clock.Now()
	return s.Store.Write(ctx, func(tx *sqlstore.Tx) error {
		for i := range due {
			if err := delivery.ApplyReport(ctx, tx, v.Inbox, channel.StatusUpdate{
				ProviderMessageID: due[i].ProviderMessageID, Status: st, At: now}); err != nil {
				return err
			}
		}
		return nil
	})
}

// readSignal tells the visitor sockets that agents read a conversation.
type readSignal struct {
	Type           string `json:"type"`
	ConversationID string `json:"conversation_id"`
	State          string `json:"state"`
	ReadAt         string `json:"read_at"`
}

// AgentRead is called after an agent marked a conversation read: the
// visitor's widget, wherever its socket is, shows their messages read.
// It is a broker signal, like typing: a lost one is made good by the read
// state the widget fetches when it next loads.
func (s *Service) AgentRead(ctx context.Context, conv *parley.Conversation) {
	inbox, err := s.Store.FindInboxByID(ctx, conv.WorkspaceID, conv.InboxID)
	if err != nil || inbox.Channel != parley.ChannelWebchat {
		return // no visitor to tell
	}
	workspaceID, conversationID := conv.WorkspaceID, conv.ID
	at, err := s.Store.ConversationReadAt(ctx, conversationID)
	if err != nil || at.IsZero() {
		return
	}
	payload, err := json.Marshal(readSignal{Type: "read", ConversationID: conversationID, State: "on",
		ReadAt: at.UTC().Format(time.RFC3339Nano)})
	if err != nil {
		return
	}
	if err := s.Broker.PublishSignal(ctx, workspaceID, payload); err != nil {
		s.Log.WarnContext(ctx, "widget read signal", "conversation_id", conversationID, "err", err)
	}
}

// CanStartChat lets an agent start a conversation on a web-chat inbox
// only with a contact who has used its widget with a verified identity:
// an anonymous visitor cannot be recognised when they come back, so the
// message would never reach them. Other channels are not its business.
func (s *Service) CanStartChat(ctx context.Context, tx *sqlstore.Tx, inbox *parley.Inbox, contactID string) error {
	if inbox.Channel != parley.ChannelWebchat {
		return nil
	}
	ok, err := tx.HasVerifiedVisitor(ctx, inbox.ID, contactID)
	if err != nil {
		return err
	}
	if !ok {
		return parley.FieldErrorf("contact_id",
			"Web-chat messages reach only known customers: this contact has never used the chat signed in (with a verified identity), so they would never see it. Write on another of their channels.")
	}
	return nil
}
