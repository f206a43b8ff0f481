package conversation

import (
	"context"
	"encoding/json"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// PostAutomatic stores an automatic reply (the AI agent's, or a bot's
// away message) on conv inside tx, through the conversation's inbox and
// its reply window, and hands it to the outbox. It answers no one in the
// unreplied count's sense (only a person's reply does), so the counters
// stay; the list's preview and order move. The window's refusal is
// returned as is (EINVALID), for the caller to hand off instead.
func PostAutomatic(ctx context.Context, tx *sqlstore.Tx, conv *parley.Conversation, sender parley.Sender, content string,
	reasoning json.RawMessage, outbox Outbox) (*parley.Message, error) {
	inbox, err := tx.FindInboxByID(ctx, conv.WorkspaceID, conv.InboxID)
	if err != nil {
		return nil, err
	}
	if err := CheckReplyWindow(ctx, tx, inbox, conv, sender.Kind, tx.Now()); err != nil {
		return nil, err
	}
	msg := &parley.Message{
		WorkspaceID: conv.WorkspaceID, ConversationID: conv.ID, InboxID: inbox.ID, Direction: parley.DirectionOut,
		Sender: sender, Content: content, ContentType: "text", Channel: inbox.Channel, Status: parley.DeliveryQueued,
		AIReasoning: reasoning,
	}
	if err := tx.InsertMessage(ctx, msg); err != nil {
		return nil, err
	}
	s := &Service{}
	if err := s.dispatch(ctx, tx, inbox, conv, msg, outbox); err != nil {
		return nil, err
	}
	prev := *conv
	conv.LastActivityAt = msg.CreatedAt
	conv.LastMessage = inbound.Preview(msg)
	if err := tx.SaveConversation(ctx, conv, &prev); err != nil {
		return nil, err
	}
	if err := appendChange(ctx, tx, conv, nil, parley.EventMessageCreated, msg); err != nil {
		return nil, err
	}
	return msg, nil
}

// AppendConversationChange appends conversation.updated (and typ with obj
// when given) for a change made by another package inside tx.
func AppendConversationChange(ctx context.Context, tx *sqlstore.Tx, c *parley.Conversation, typ string, obj any) error {
	return appendChange(ctx, tx, c, nil, typ, obj)
}
