// Package activity records the system lines of a thread: what happened to a
// conversation (assigned, transferred, resolved, woke up…), one helper for
// every use case and timer.
package activity

import (
	"context"
	"fmt"
	"strings"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Record records an action in the conversation's thread: a message
// from sender kind system, private (never sent to the customer, never in
// the outbox), carrying the structured event for the web app and a plain
// sentence for clients that do not render it. Every lifecycle action calls
// it in the transaction of the change, and it appends message.created.
func Record(ctx context.Context, tx *sqlstore.Tx, c *parley.Conversation, ev parley.SystemEvent) (*parley.Message, error) {
	m := &parley.Message{
		WorkspaceID: c.WorkspaceID, ConversationID: c.ID, InboxID: c.InboxID, Direction: parley.DirectionOut,
		Sender: parley.Sender{Kind: parley.SenderSystem}, Private: true, Content: describe(ev), ContentType: "text",
		Channel: "system", Status: parley.DeliverySent, System: &ev,
	}
	if ev.Actor != nil {
		m.Sender.ID, m.Sender.Name = ev.Actor.ID, ev.Actor.Name
	}
	if err := tx.InsertMessage(ctx, m); err != nil {
		return nil, err
	}
	aud := c.Audience()
	if err := tx.AppendEvent(parley.EventMessageCreated, c.WorkspaceID, c.ID, m, &aud, nil); err != nil {
		return nil, err
	}
	return m, nil
}

// Person names a member for a system line.
func Person(ctx context.Context, tx *sqlstore.Tx, userID string) *parley.PersonRef {
	if userID == "" {
		return nil
	}
	ref := &parley.PersonRef{ID: userID}
	if u, err := tx.FindUserByID(ctx, userID); err == nil {
		ref.Name = u.Name
	}
	return ref
}

// ActorRef names the actor of an action.
func ActorRef(a parley.Actor) *parley.PersonRef {
	if a.UserID == "" {
		return nil
	}
	return &parley.PersonRef{ID: a.UserID, Name: a.Name}
}

// describe is a system event as one plain sentence.
func describe(ev parley.SystemEvent) string {
	who := "Parley"
	if ev.Actor != nil {
		who = nameOf(ev.Actor)
	}
	var s string
	switch ev.Action {
	case parley.ActionAssigned:
		s = fmt.Sprintf("%s assigned %s", who, nameOf(ev.Subject))
	case parley.ActionUnassigned:
		s = fmt.Sprintf("%s removed the assignee", who)
	case parley.ActionAccepted:
		s = fmt.Sprintf("%s accepted the conversation", who)
	case parley.ActionRouted:
		s = fmt.Sprintf("Routed to %s", nameOf(ev.Subject))
	case parley.ActionTransferred:
		to := nameOf(ev.Subject)
		if ev.Team != nil {
			to = "team " + ev.Team.Name
		}
		s = fmt.Sprintf("%s transferred the conversation to %s", who, to)
		if ev.From != nil {
			s = fmt.Sprintf("%s transferred the conversation from %s to %s", who, nameOf(ev.From), to)
		}
	case parley.ActionQueued:
		s = "Waiting in the queue"
		if ev.Team != nil {
			s += " of " + ev.Team.Name
		}
	case parley.ActionResolved:
		s = fmt.Sprintf("%s resolved the conversation", who)
	case parley.ActionAutoResolved:
		s = "Resolved automatically"
	case parley.ActionAbandoned:
		s = "Closed as abandoned"
	case parley.ActionReopened:
		s = fmt.Sprintf("%s reopened the conversation", who)
	case parley.ActionMerged:
		s = fmt.Sprintf("%s merged conversation #%d", who, ev.Number)
	case parley.ActionContinues:
		s = fmt.Sprintf("Continues #%d", ev.Number)
	case parley.ActionContinuedIn:
		s = fmt.Sprintf("Continued in #%d", ev.Number)
	case parley.ActionSnoozed:
		s = fmt.Sprintf("%s snoozed the conversation", who)
	case parley.ActionWoke:
		s = "The conversation woke up"
	case parley.ActionVisibility:
		s = fmt.Sprintf("%s changed who can see the conversation", who)
	case parley.ActionStatusChanged:
		s = fmt.Sprintf("%s set the status to %s", who, ev.Status)
	case parley.ActionPayment:
		s = fmt.Sprintf("%s: payment request %s", who, ev.PaymentStatus)
	case parley.ActionRestored:
		s = fmt.Sprintf("%s restored the conversation", who)
	default:
		s = who + ": " + ev.Action
	}
	var extra []string
	if ev.Reason != "" {
		extra = append(extra, "reason: "+ev.Reason)
	}
	if ev.Note != "" {
		extra = append(extra, "note: "+ev.Note)
	}
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, "; ") + ")"
	}
	return s + "."
}

func nameOf(p *parley.PersonRef) string {
	if p == nil {
		return "nobody"
	}
	if p.Name != "" {
		return p.Name
	}
	return p.ID
}

// Close moves a conversation to a closed status (resolved, abandoned) for
// Parley itself (a timer, a closing phrase) inside tx: the status, a
// system line, conversation.updated and an audit row. The caller frees
// the assignees' capacity (routing) afterwards.
func Close(ctx context.Context, tx *sqlstore.Tx, c *parley.Conversation, next parley.ConversationStatus, ev parley.SystemEvent) error {
	prev := *c
	now := tx.Now()
	c.Status, c.ResolvedAt, c.QueuedAt, c.SnoozedUntil = next, &now, nil, nil
	if err := tx.SaveConversation(ctx, c, &prev); err != nil {
		return err
	}
	if _, err := Record(ctx, tx, c, ev); err != nil {
		return err
	}
	item, err := tx.FindConversationItem(ctx, c.WorkspaceID, c.ID, "")
	if err != nil {
		return err
	}
	aud := c.Audience()
	if err := tx.AppendEvent(parley.EventConversationUpdated, c.WorkspaceID, c.ID, item, &aud, nil); err != nil {
		return err
	}
	return tx.Audit(ctx, c.WorkspaceID, "", "conversation."+ev.Action, "conversation", c.ID,
		map[string]any{"status": []string{string(prev.Status), string(next)}, "reason": ev.Reason})
}
