package ai

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/ai/handoff"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// System line actions of the AI agent.
const (
	ActionHandoff = "ai_handoff"
	ActionDropped = "ai_reply_dropped"
	ActionReset   = "ai_reset"
)

// apply carries out a decision on conv inside tx: the reply through the
// outbox (a channel's closed reply window turns it into a handoff), the
// appointment flag, and the handoff.
func (s *Service) apply(ctx context.Context, tx *sqlstore.Tx, conv *parley.Conversation, sender *parley.Sender, d Decision) error {
	reasoning, _ := json.Marshal(d.Reasoning)
	if d.Reply != "" {
		_, err := conversation.PostAutomatic(ctx, tx, conv, *sender, d.Reply, reasoning, s.Outbox)
		if parley.ErrorCode(err) == parley.EINVALID {
			// Outside the channel's reply window the AI may not write:
			// a person must (with a template).
			if !d.Handoff {
				d.Handoff, d.Reason = true, handoff.ReasonLowConfidence
			}
			d.Reasoning.Detail = "outside the channel's reply window: " + parley.ErrorMessage(err)
			d.Reasoning.Trigger = d.Reason
			reasoning, _ = json.Marshal(d.Reasoning)
		} else if err != nil {
			return err
		}
	}
	if !d.Handoff && !d.Appointment {
		return nil
	}
	prev := *conv
	if d.Appointment {
		conv.Appointment = true
	}
	if d.Handoff {
		conv.Handoff, conv.HandoffReason, conv.AIMode = true, d.Reason, parley.AIPaused
	}
	if err := tx.SaveConversation(ctx, conv, &prev); err != nil {
		return err
	}
	if err := tx.SetHandoff(ctx, conv.ID, d.Handoff, d.Reason, d.Appointment); err != nil {
		return err
	}
	if d.Handoff {
		text := fmt.Sprintf("The AI handed the conversation to a person (%s)", ReasonLabel(d.Reason))
		if d.Reasoning.Detail != "" {
			text += ": " + d.Reasoning.Detail
		}
		ev := parley.SystemEvent{Action: ActionHandoff, Reason: d.Reason, Note: d.Reasoning.Detail}
		if err := s.systemLine(ctx, tx, conv, ev, text, reasoning); err != nil {
			return err
		}
		if err := s.notifyHandoff(ctx, tx, conv, d.Reason); err != nil {
			return err
		}
	}
	return conversation.AppendConversationChange(ctx, tx, conv, "", nil)
}

// ReasonLabel is a handoff reason in words.
func ReasonLabel(reason string) string {
	switch reason {
	case handoff.ReasonHumanRequest:
		return "the customer asked for a person"
	case handoff.ReasonNegativeSentiment:
		return "the customer sounds upset"
	case handoff.ReasonKeyword:
		return "a handoff keyword"
	case handoff.ReasonLowConfidence:
		return "the assistant could not answer confidently"
	}
	return reason
}

func (s *Service) notifyHandoff(ctx context.Context, tx *sqlstore.Tx, conv *parley.Conversation, reason string) error {
	if s.Notify == nil {
		return nil
	}
	aud := conv.Audience()
	name := ""
	if c, err := tx.FindContactByID(ctx, conv.WorkspaceID, conv.ContactID); err == nil {
		name = c.Name
	}
	return s.Notify.Emit(ctx, tx, notify.Source{Kind: notify.SourceHandoff, WorkspaceID: conv.WorkspaceID, ConversationID: conv.ID,
		InboxID: conv.InboxID, Audience: &aud, Number: conv.Number, ContactName: name, Text: ReasonLabel(reason),
		Actor: parley.NotificationActor{Kind: parley.SenderAI}})
}

// systemLine records a private line in the thread with the AI's
// reasoning attached (the handoff's "why").
func (s *Service) systemLine(ctx context.Context, tx *sqlstore.Tx, conv *parley.Conversation, ev parley.SystemEvent, text string, reasoning json.RawMessage) error {
	m := &parley.Message{
		WorkspaceID: conv.WorkspaceID, ConversationID: conv.ID, InboxID: conv.InboxID, Direction: parley.DirectionOut,
		Sender: parley.Sender{Kind: parley.SenderSystem}, Private: true, Content: text, ContentType: "text",
		Channel: "system", Status: parley.DeliverySent, System: &ev, AIReasoning: reasoning,
	}
	if err := tx.InsertMessage(ctx, m); err != nil {
		return err
	}
	aud := conv.Audience()
	return tx.AppendEvent(parley.EventMessageCreated, conv.WorkspaceID, conv.ID, m, &aud, nil)
}

// recordDrop records in the thread that an AI reply was dropped because a
// person took over while it was being written.
func (s *Service) recordDrop(ctx context.Context, tx *sqlstore.Tx, conv *parley.Conversation, p job) error {
	reasoning, _ := json.Marshal(p.Decision.Reasoning)
	ev := parley.SystemEvent{Action: ActionDropped, Reason: "a person took over"}
	return s.systemLine(ctx, tx, conv, ev, "An AI reply was dropped: a person took over while it was being written", reasoning)
}
