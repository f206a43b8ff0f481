package inbound

import (
	"context"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// screen applies the contact's block and archive to a message about to be
// stored. A blocked contact's message is held: stored (nothing is lost) in
// a hidden conversation that no list, count, view, notification or job
// sees, and no event announces it; unblocking brings the conversation
// back. A message from an archived contact brings the contact back to the
// contact list and then goes its usual way.
func screen(ctx context.Context, tx *sqlstore.Tx, contact lockedContact, inbox *parley.Inbox, within string,
	msg *parley.Message, res *Result) (held bool, err error) {
	if contact.Archived && !contact.Blocked {
		return false, tx.UnarchiveContact(ctx, contact.ID)
	}
	if !contact.Blocked {
		return false, nil
	}
	conv, err := tx.FindBlockedConversation(ctx, contact.ID, within)
	if parley.IsNotFound(err) {
		conv = &parley.Conversation{
			WorkspaceID: inbox.WorkspaceID, ContactID: contact.ID, InboxID: inbox.ID, Status: parley.StatusOpen,
			TeamID: inbox.TeamID, AIMode: parley.AIManual, Priority: parley.PriorityNone, LastActivityAt: tx.Now(),
		}
		if err = tx.CreateConversation(ctx, conv); err == nil {
			err = tx.HideConversation(ctx, conv)
		}
	}
	if err != nil {
		return false, err
	}
	msg.Sender.ID, msg.ConversationID = contact.ID, conv.ID
	conv.InboxID = inbox.ID
	if err := tx.InsertInbound(ctx, msg, conv, Preview(msg)); err != nil {
		return false, err
	}
	*res = Result{MessageID: msg.ID, ConversationID: conv.ID, Blocked: true}
	return true, nil
}
