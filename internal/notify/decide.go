// Package notify is Parley's notification system: one pure function
// (Decide) says who is told what about a change, the worker turns the
// workspace's events into notifications through it, and delivery (in the
// app live, Web Push, email digests) goes through durable scheduler jobs
// that quiet hours hold and summarise.
package notify

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
)

// Source kinds that are not event types: what features call Emit with
// directly (they have no event of their own).
const (
	SourceChannelFailing = "channel.failing"
	SourceMention        = "mention"
	// SourceParticipant: colleagues added to a conversation (UserIDs),
	// with the comment as Text.
	SourceParticipant = "participant"
	SourceHandoff     = "handoff"
	SourceWaiting     = "waiting"
	SourceSuggestion  = "suggestion"
)

// Source is something that may notify people: an event read from the
// workspace's events (FromEvent), or a feature's direct call to Emit.
type Source struct {
	// Kind is the event type or one of the Source* kinds.
	Kind           string
	WorkspaceID    string
	ConversationID string
	MessageID      string
	InboxID        string
	// Audience is who may see the conversation now; a source about a
	// conversation without one notifies nobody.
	Audience *parley.Audience
	// PrevAudience is who could see it before (assignments are the
	// assignees not in it).
	PrevAudience *parley.Audience
	// Actor caused the change; they are never told about it themselves.
	Actor parley.NotificationActor
	// Number and ContactName name the conversation in texts.
	Number      int64
	ContactName string
	// Inbound: a message from the contact (message.created).
	Inbound bool
	// Text is the content shown (a message preview, a note, an alert).
	Text string
	// UserIDs are the people a direct source names (mentioned, handed to).
	UserIDs []string
	// ParticipantIDs are the colleagues added to the conversation (they
	// hear of customer messages as assignees do).
	ParticipantIDs []string
}

// Recipient is a member of the workspace with their preferences.
type Recipient struct {
	Actor parley.Actor
	Prefs parley.NotificationPreferences
}

// Decision is one notification for one user and how it reaches them.
type Decision struct {
	Notification parley.Notification
	Channels     parley.NotificationChannels
}

// rule is one row of the decision table: for a source kind, which type of
// notification goes to which members (before visibility, scope and
// preferences, which apply to every row alike).
type rule struct {
	typ    parley.NotificationType
	target func(s *Source, r *Recipient) bool
	text   func(s *Source) string
}

// table is THE decision table. A feature adding a kind of notification
// adds a row here (and its source, through an event or Emit).
var table = map[string][]rule{
	parley.EventConversationCreated: {
		{parley.NotifyNewConversation, inQueue, func(s *Source) string {
			return fmt.Sprintf("New conversation #%d from %s: %s", s.Number, s.ContactName, s.Text)
		}},
		{parley.NotifyAssigned, assignee, assignedText},
	},
	parley.EventConversationUpdated: {
		{parley.NotifyAssigned, newlyAssigned, assignedText},
	},
	parley.EventMessageCreated: {
		{parley.NotifyNewMessage, func(s *Source, r *Recipient) bool { return s.Inbound && (assignee(s, r) || participant(s, r)) },
			func(s *Source) string { return s.ContactName + ": " + s.Text }},
	},
	SourceChannelFailing: {
		{parley.NotifyChannelFailing, func(_ *Source, r *Recipient) bool { return r.Actor.IsAdmin() },
			func(s *Source) string { return s.Text }},
	},
	SourceMention: {
		{parley.NotifyMention, named, func(s *Source) string {
			return fmt.Sprintf("%s mentioned you in #%d: %s", s.Actor.Name, s.Number, s.Text)
		}},
	},
	SourceParticipant: {
		{parley.NotifyMention, named, func(s *Source) string {
			if s.Text == "" {
				return fmt.Sprintf("%s added you to #%d", s.Actor.Name, s.Number)
			}
			return fmt.Sprintf("%s added you to #%d: %s", s.Actor.Name, s.Number, s.Text)
		}},
	},
	SourceHandoff: {
		{parley.NotifyHandoff, assigneeElseTeam, func(s *Source) string {
			return fmt.Sprintf("Conversation #%d with %s needs a person: %s", s.Number, s.ContactName, s.Text)
		}},
	},
	SourceWaiting: {
		{parley.NotifyWaiting, assigneeElseTeam, func(s *Source) string {
			return fmt.Sprintf("Conversation #%d with %s is waiting for a reply", s.Number, s.ContactName)
		}},
	},
	SourceSuggestion: {
		{parley.NotifySuggestion, named, func(s *Source) string { return s.Text }},
	},
}

func assignedText(s *Source) string {
	by := ""
	if s.Actor.Kind == parley.SenderAgent && s.Actor.Name != "" {
		by = " by " + s.Actor.Name
	}
	return fmt.Sprintf("Conversation #%d with %s was assigned to you%s", s.Number, s.ContactName, by)
}

func assignee(s *Source, r *Recipient) bool {
	return s.Audience != nil && slices.Contains(s.Audience.AssigneeIDs, r.Actor.UserID)
}

func newlyAssigned(s *Source, r *Recipient) bool {
	return s.PrevAudience != nil && assignee(s, r) && !slices.Contains(s.PrevAudience.AssigneeIDs, r.Actor.UserID)
}

// inQueue: an unassigned conversation in the member's team's queue (or in
// the workspace's, when it has no team).
func inQueue(s *Source, r *Recipient) bool {
	if s.Audience == nil || len(s.Audience.AssigneeIDs) > 0 {
		return false
	}
	return s.Audience.TeamID == "" || slices.Contains(r.Actor.TeamIDs, s.Audience.TeamID)
}

func assigneeElseTeam(s *Source, r *Recipient) bool {
	if s.Audience == nil {
		return false
	}
	if len(s.Audience.AssigneeIDs) > 0 {
		return assignee(s, r)
	}
	return inQueue(s, r)
}

func named(s *Source, r *Recipient) bool { return slices.Contains(s.UserIDs, r.Actor.UserID) }

func participant(s *Source, r *Recipient) bool {
	return slices.Contains(s.ParticipantIDs, r.Actor.UserID)
}

// personal reports whether a notification concerns the user themselves,
// for the "assigned only" scope.
func personal(t parley.NotificationType, s *Source, r *Recipient) bool {
	switch t {
	case parley.NotifyAssigned, parley.NotifyMention, parley.NotifyChannelFailing:
		return true
	}
	return assignee(s, r) || named(s, r)
}

// inScope applies the user's scope (All / Assigned only / Mentions only).
// Alerts about failing channels reach admins whatever their scope.
func inScope(t parley.NotificationType, s *Source, r *Recipient) bool {
	switch r.Prefs.Scope {
	case parley.NotifyScopeMentions:
		return t == parley.NotifyMention || t == parley.NotifyChannelFailing
	case parley.NotifyScopeAssigned:
		return personal(t, s, r)
	}
	return true
}

// Decide is the one place that says who is told what: for each member,
// each row of the table for the source's kind that targets them gives a
// notification, unless they caused it, cannot see the conversation it is
// about (access.CanSeeConversation), left it out of their scope, or
// turned every channel of its type off. A member gets at most one
// notification per source (the first row that applies).
func Decide(s Source, settings parley.WorkspaceSettings, members []Recipient) []Decision {
	rows := table[s.Kind]
	if len(rows) == 0 {
		return nil
	}
	var out []Decision
	for i := range members {
		r := &members[i]
		if r.Actor.UserID == "" || (s.Actor.ID != "" && s.Actor.ID == r.Actor.UserID) {
			continue
		}
		if s.ConversationID != "" && (s.Audience == nil || !access.CanSeeConversation(r.Actor, settings, *s.Audience)) {
			continue
		}
		for _, row := range rows {
			if !row.target(&s, r) || !inScope(row.typ, &s, r) {
				continue
			}
			ch := r.Prefs.Types[row.typ]
			if !ch.InApp && !ch.Push && !ch.Email {
				break
			}
			out = append(out, Decision{Channels: ch, Notification: parley.Notification{
				WorkspaceID: s.WorkspaceID, UserID: r.Actor.UserID, Type: row.typ,
				ConversationID: s.ConversationID, MessageID: s.MessageID, InboxID: s.InboxID,
				Actor: s.Actor, Text: clip(row.text(&s), 280),
			}})
			break
		}
	}
	return out
}

// clip shortens s to at most n runes, on one line.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// FromEvent reads an event as a source; false when no row of the table
// is about its type (or its data cannot be read).
func FromEvent(ev parley.Event) (Source, bool) {
	if len(table[ev.Type]) == 0 {
		return Source{}, false
	}
	s := Source{Kind: ev.Type, WorkspaceID: ev.WorkspaceID, ConversationID: ev.ConversationID,
		Audience: ev.Audience, PrevAudience: ev.PrevAudience}
	switch ev.Type {
	case parley.EventConversationCreated, parley.EventConversationUpdated:
		var item parley.ConversationItem
		if json.Unmarshal(ev.Data, &item) != nil {
			return Source{}, false
		}
		s.Number, s.ContactName = item.Number, item.Contact.Name
		s.Actor = parley.NotificationActor{Kind: parley.SenderContact, ID: item.Contact.ID, Name: item.Contact.Name}
		if item.LastMessage != nil {
			s.Text = preview(item.LastMessage.Content, item.LastMessage.Attachments)
		}
		if ev.Type == parley.EventConversationUpdated {
			s.Actor = parley.NotificationActor{Kind: parley.SenderSystem}
		}
	case parley.EventMessageCreated:
		var m parley.Message
		if json.Unmarshal(ev.Data, &m) != nil {
			return Source{}, false
		}
		s.MessageID = m.ID
		s.Inbound = m.Direction == parley.DirectionIn && m.Sender.Kind == parley.SenderContact && !m.Private
		s.ContactName = m.Sender.Name
		s.Actor = parley.NotificationActor{Kind: m.Sender.Kind, ID: m.Sender.ID, Name: m.Sender.Name}
		s.Text = preview(m.Content, len(m.Attachments))
	}
	if s.ContactName == "" {
		s.ContactName = "a customer"
	}
	return s, true
}

func preview(content string, attachments int) string {
	if strings.TrimSpace(content) == "" && attachments > 0 {
		return "(a file)"
	}
	return clip(content, 200)
}
