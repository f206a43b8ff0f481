// Package calls keeps phone calls in the customers' history (seed 000
// "Call Records: links to call recordings and notes"). A call record is a
// message of content type "call" in a conversation: private, so it is
// never sent to the customer nor shown to them, and its notes are its
// content, so search finds them. The recording is only a link: the
// server never fetches it.
package calls

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
	"github.com/parleyhq/parley/internal/netguard"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Limits of a call record.
const (
	MaxNotesLen = 8000
	MaxURLLen   = 2000
	// MaxDuration is a day: longer is a mistake in the caller's units.
	MaxDuration = 24 * 60 * 60
	// skew is how far in the future a start may be (clocks differ).
	skew = 5 * time.Minute
	// listLimit caps a contact's call history.
	listLimit = 200
)

// Service records and lists calls.
type Service struct {
	store *sqlstore.Store
	// guard's allow-list (PARLEY_ALLOW_PRIVATE_ADDRESSES) lets plain-http
	// recordings and private hosts through, for phone systems on the LAN.
	guard *netguard.Guard
}

// New returns a Service; guard may be nil (nothing private allowed).
func New(store *sqlstore.Store, guard *netguard.Guard) *Service {
	return &Service{store: store, guard: guard}
}

// Input is a call to record.
type Input struct {
	Direction      string
	StartedAt      *time.Time
	DurationS      int
	RecordingURL   string
	Notes          string
	AgentID        string
	ConversationID string
}

// validate checks what needs no database and returns the trimmed input.
func (s *Service) validate(in Input, now time.Time) (Input, error) {
	in.Notes = strings.TrimSpace(in.Notes)
	in.RecordingURL = strings.TrimSpace(in.RecordingURL)
	switch {
	case in.Direction != parley.CallInbound && in.Direction != parley.CallOutbound:
		return in, parley.FieldErrorf("direction", "The direction must be inbound or outbound.")
	case in.StartedAt == nil || in.StartedAt.IsZero():
		return in, parley.FieldErrorf("started_at", "When the call started is required (RFC 3339).")
	case in.StartedAt.After(now.Add(skew)):
		return in, parley.FieldErrorf("started_at", "The call cannot start in the future.")
	case in.DurationS < 0 || in.DurationS > MaxDuration:
		return in, parley.FieldErrorf("duration_s", "The duration must be between 0 and %d seconds.", MaxDuration)
	case !utf8.ValidString(in.Notes) || utf8.RuneCountInString(in.Notes) > MaxNotesLen:
		return in, parley.FieldErrorf("notes", "The notes must be valid text of at most %d characters.", MaxNotesLen)
	case strings.ContainsRune(in.Notes, 0):
		return in, parley.FieldErrorf("notes", "The notes must not contain NUL characters.")
	}
	if in.RecordingURL != "" {
		if err := s.checkRecording(in.RecordingURL); err != nil {
			return in, parley.FieldErrorf("recording_url", "%s", parley.ErrorMessage(err))
		}
	}
	return in, nil
}

// checkRecording accepts an https link (plain http only to a host the
// allow-list names), never one with credentials, nor one naming a private
// address the allow-list does not open. It is shown to agents as a play
// link, never fetched.
func (s *Service) checkRecording(raw string) error {
	if len(raw) > MaxURLLen {
		return parley.Errorf(parley.EINVALID, "The recording URL must be at most %d characters.", MaxURLLen)
	}
	u, err := netguard.ValidateURL(raw)
	if err != nil {
		return err
	}
	if err := s.guard.CheckURL(raw); err != nil {
		return err
	}
	if u.Scheme != "https" && !s.listed(u.Hostname()) {
		return parley.Errorf(parley.EINVALID, "The recording URL must be https (plain http only to a host PARLEY_ALLOW_PRIVATE_ADDRESSES allows).")
	}
	return nil
}

// listed reports whether the allow-list names the host (or its address).
func (s *Service) listed(host string) bool {
	if s.guard == nil {
		return false
	}
	if host == "localhost" {
		host = "127.0.0.1"
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return netguard.Blocked(ip) && s.guard.Allowed(ip)
	}
	return s.guard.Lists(host)
}

// Record keeps a call in a contact's history: in the conversation named,
// else the contact's current one, else a new conversation on the channel
// they last used, assigned to the call's agent. A conversation the actor
// may not see is not found. It appends message.created (and
// conversation.created for a new conversation) and an audit row.
func (s *Service) Record(ctx context.Context, a parley.Actor, contactID string, in Input) (*parley.Message, error) {
	var out *parley.Message
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		in, err := s.validate(in, tx.Now())
		if err != nil {
			return err
		}
		ws, err := tx.FindWorkspaceByID(ctx, a.WorkspaceID)
		if err != nil {
			return err
		}
		contact, err := tx.FindContactByID(ctx, ws.ID, contactID)
		if err != nil {
			return err
		}
		agent, err := agentOf(ctx, tx, a, in.AgentID)
		if err != nil {
			return err
		}
		c, err := s.target(ctx, tx, a, ws, contact, in.ConversationID, agent.ID)
		if err != nil {
			return err
		}
		call := &parley.CallRecord{Direction: in.Direction, StartedAt: in.StartedAt.UTC(), DurationS: in.DurationS,
			RecordingURL: in.RecordingURL, Notes: in.Notes, AgentID: agent.ID, AgentName: agent.Name}
		m := &parley.Message{
			WorkspaceID: ws.ID, ConversationID: c.ID, InboxID: c.InboxID, Direction: parley.DirectionOut,
			Sender: parley.Sender{Kind: parley.SenderAgent, ID: agent.ID, Name: agent.Name}, Private: true,
			Content: Describe(call), ContentType: "call", Channel: "call", Status: parley.DeliverySent, Call: call,
			MentionIDs: []string{}, Mentions: []parley.Mention{},
		}
		if err := tx.InsertMessage(ctx, m); err != nil {
			return err
		}
		aud := c.Audience()
		if err := tx.AppendEvent(parley.EventMessageCreated, ws.ID, c.ID, m, &aud, nil); err != nil {
			return err
		}
		out = m
		return tx.Audit(ctx, ws.ID, a.UserID, "call.record", "conversation", c.ID,
			map[string]any{"number": c.Number, "message_id": m.ID, "direction": call.Direction, "duration_s": call.DurationS})
	})
	return out, err
}

// agentOf is the member who had the call: the one named, else the actor.
func agentOf(ctx context.Context, tx *sqlstore.Tx, a parley.Actor, agentID string) (parley.PersonRef, error) {
	if agentID == "" || agentID == a.UserID {
		return parley.PersonRef{ID: a.UserID, Name: a.Name}, nil
	}
	if _, err := tx.FindMember(ctx, a.WorkspaceID, agentID); err != nil {
		if parley.IsNotFound(err) {
			return parley.PersonRef{}, parley.FieldErrorf("agent_id", "User %s is not a member of this workspace.", clip(agentID))
		}
		return parley.PersonRef{}, err
	}
	ref := parley.PersonRef{ID: agentID}
	if u, err := tx.FindUserByID(ctx, agentID); err == nil {
		ref.Name = u.Name
	}
	return ref, nil
}

// target is the conversation the call joins (see Record).
func (s *Service) target(ctx context.Context, tx *sqlstore.Tx, a parley.Actor, ws *parley.Workspace, contact *parley.Contact,
	conversationID, agentID string) (*parley.Conversation, error) {
	notFound := parley.Errorf(parley.ENOTFOUND, "Conversation not found.")
	if conversationID != "" {
		c, err := tx.FindConversationByID(ctx, ws.ID, conversationID)
		if err != nil {
			return nil, err
		}
		if !access.CanSeeConversation(a, ws.Settings, c.Audience()) {
			return nil, notFound
		}
		if c.ContactID != contact.ID {
			return nil, parley.FieldErrorf("conversation_id", "Conversation #%d is another contact's.", c.Number)
		}
		return c, nil
	}
	c, err := tx.FindOpenConversation(ctx, contact.ID, "")
	switch {
	case err == nil:
		if !access.CanSeeConversation(a, ws.Settings, c.Audience()) {
			return nil, notFound
		}
		return c, nil
	case !parley.IsNotFound(err):
		return nil, err
	}
	return s.open(ctx, tx, a, ws, contact, agentID)
}

// open starts a conversation for a call with a contact who has none
// going: on the inbox of their latest conversation (which it continues),
// else of their first channel identity; open and assigned to the agent.
func (s *Service) open(ctx context.Context, tx *sqlstore.Tx, a parley.Actor, ws *parley.Workspace, contact *parley.Contact,
	agentID string) (*parley.Conversation, error) {
	c := &parley.Conversation{WorkspaceID: ws.ID, ContactID: contact.ID, Status: parley.StatusOpen, AssigneeIDs: []string{agentID},
		AIMode: parley.AIManual, Priority: parley.PriorityNone, Source: "call"}
	if prev, err := tx.FindLatestConversation(ctx, contact.ID, ""); err == nil {
		c.InboxID, c.PreviousID = prev.InboxID, prev.ID
	} else if !parley.IsNotFound(err) {
		return nil, err
	}
	if c.InboxID == "" && len(contact.Identities) > 0 {
		c.InboxID = contact.Identities[0].InboxID
	}
	if c.InboxID == "" {
		return nil, parley.FieldErrorf("conversation_id", "The contact has no channel yet: start a conversation with them first.")
	}
	inbox, err := tx.FindInboxByID(ctx, ws.ID, c.InboxID)
	if err != nil {
		return nil, fmt.Errorf("call conversation inbox: %w", err)
	}
	c.TeamID = inbox.TeamID
	if !access.CanSeeConversation(a, ws.Settings, c.Audience()) {
		return nil, parley.Errorf(parley.EFORBIDDEN, "You cannot start a conversation in this inbox.")
	}
	if err := tx.CreateConversation(ctx, c); err != nil {
		return nil, err
	}
	item, err := tx.FindConversationItem(ctx, ws.ID, c.ID, "")
	if err != nil {
		return nil, err
	}
	aud := c.Audience()
	if err := tx.AppendEvent(parley.EventConversationCreated, ws.ID, c.ID, item, &aud, nil); err != nil {
		return nil, err
	}
	return c, nil
}

// ContactCall is a call in a contact's history, with the conversation it
// is in.
type ContactCall struct {
	parley.Message
	ConversationNumber int64 `json:"conversation_number"`
}

// ForContact lists a contact's calls, newest first, in the conversations
// the actor may see.
func (s *Service) ForContact(ctx context.Context, a parley.Actor, contactID string) ([]ContactCall, error) {
	ws, err := s.store.FindWorkspaceByID(ctx, a.WorkspaceID)
	if err != nil {
		return nil, err
	}
	if _, err := s.store.FindContactByID(ctx, ws.ID, contactID); err != nil {
		return nil, err
	}
	convs, err := s.store.ContactConversationsAll(ctx, ws.ID, contactID)
	if err != nil {
		return nil, err
	}
	numbers := map[string]int64{}
	var ids []string
	for _, c := range convs {
		if access.CanSeeConversation(a, ws.Settings, c.Audience()) {
			numbers[c.ID] = c.Number
			ids = append(ids, c.ID)
		}
	}
	msgs, err := s.store.ListCalls(ctx, ids, listLimit)
	if err != nil {
		return nil, err
	}
	out := make([]ContactCall, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, ContactCall{Message: m, ConversationNumber: numbers[m.ConversationID]})
	}
	return out, nil
}

// Describe is a call as one plain line, the message's content: clients
// that do not render calls show it, and search finds the notes in it.
func Describe(c *parley.CallRecord) string {
	dir := "Inbound call"
	if c.Direction == parley.CallOutbound {
		dir = "Outbound call"
	}
	s := fmt.Sprintf("%s, %s", dir, Duration(c.DurationS))
	if c.Notes != "" {
		s += ": " + c.Notes
	}
	return s
}

// Duration is a call's length as people read it: 45s, 4m 05s, 1h 02m.
func Duration(sec int) string {
	switch {
	case sec < 60:
		return fmt.Sprintf("%ds", sec)
	case sec < 3600:
		return fmt.Sprintf("%dm %02ds", sec/60, sec%60)
	}
	return fmt.Sprintf("%dh %02dm", sec/3600, sec%3600/60)
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
