package inbound

import (
	"context"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// receiveThreaded places a message that says which conversation it
// continues (email, channel.Thread) instead of following the join rule: it
// joins the named conversation while that is open, continues a closed one
// in a new linked conversation, and an automatic message (Quiet) is stored
// in the named conversation without counting, reopening or opening
// anything. Naming nothing, it joins the contact's open conversation under
// the workspace's join rule, or opens a new one when Separate.
func receiveThreaded(ctx context.Context, tx *sqlstore.Tx, ws *parley.Workspace, inbox *parley.Inbox, in channel.Inbound,
	msg *parley.Message, knownContact string, res *Result) error {
	contact, err := lockContact(ctx, tx, inbox, in.Contact, knownContact)
	if err != nil {
		return err
	}
	within := JoinInbox(ws.Settings.JoinMode, inbox.ID)
	if held, err := screen(ctx, tx, contact, inbox, within, msg, res); held || err != nil {
		return err
	}
	t := in.Thread
	named, err := namedConversation(ctx, tx, inbox, contact.ID, t.ConversationID)
	if err != nil {
		return err
	}
	msg.Sender.ID = contact.ID
	if named != nil && t.Quiet {
		msg.ConversationID = named.ID
		if err := tx.InsertQuietInbound(ctx, msg); err != nil {
			return err
		}
		aud := named.Audience()
		*res = Result{MessageID: msg.ID, ConversationID: named.ID}
		return tx.AppendEvent(parley.EventMessageCreated, ws.ID, named.ID, msg, &aud, nil)
	}
	var conv *parley.Conversation
	created := false
	switch {
	case named != nil && !named.Status.Closed():
		conv = named
	case named != nil: // closed: the lifecycle rule, a new linked conversation
		conv, err = openConversation(ctx, tx, ws, contact.ID, inbox, named, subjectOf(in))
		created = true
	case !t.Separate && !contact.New:
		conv, err = tx.FindOpenConversation(ctx, contact.ID, within)
		if parley.IsNotFound(err) {
			conv, err = nil, nil
		}
	}
	if err != nil {
		return err
	}
	if conv == nil {
		var prev *parley.Conversation
		if !contact.New && !t.Separate { // a separate thread continues nothing
			if prev, err = tx.FindLatestConversation(ctx, contact.ID, within); parley.IsNotFound(err) {
				prev, err = nil, nil
			} else if err != nil {
				return err
			}
		}
		if conv, err = openConversation(ctx, tx, ws, contact.ID, inbox, prev, subjectOf(in)); err != nil {
			return err
		}
		created = true
	}
	msg.ConversationID = conv.ID
	conv.InboxID = inbox.ID
	if err := tx.InsertInbound(ctx, msg, conv, Preview(msg)); err != nil {
		return err
	}
	return announce(ctx, tx, ws, inbox, msg, conv, contact.ContactRef, created, res)
}

// namedConversation is the conversation a threaded message names, when it
// is the same contact's in the inbox's workspace; nil otherwise.
func namedConversation(ctx context.Context, tx *sqlstore.Tx, inbox *parley.Inbox, contactID, id string) (*parley.Conversation, error) {
	if id == "" {
		return nil, nil
	}
	c, err := tx.FindConversationByID(ctx, inbox.WorkspaceID, id)
	if parley.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if c.ContactID != contactID || c.MergedIntoID != "" {
		return nil, nil
	}
	return c, nil
}

func subjectOf(in channel.Inbound) string {
	if in.Email != nil {
		return in.Email.Subject
	}
	return ""
}

// openConversation opens a conversation with subject, linked to prev when
// it continues one.
func openConversation(ctx context.Context, tx *sqlstore.Tx, ws *parley.Workspace, contactID string, inbox *parley.Inbox,
	prev *parley.Conversation, subject string) (*parley.Conversation, error) {
	conv := &parley.Conversation{
		WorkspaceID: ws.ID, ContactID: contactID, InboxID: inbox.ID, Status: parley.StatusOpen, Subject: subject,
		TeamID: inbox.TeamID, AIMode: parley.AIManual, Priority: parley.PriorityNone, LastActivityAt: tx.Now(),
	}
	if prev != nil {
		conv.PreviousID = prev.ID
	}
	if err := enterQueue(ctx, tx, conv); err != nil {
		return nil, err
	}
	if err := tx.CreateConversation(ctx, conv); err != nil {
		return nil, err
	}
	if err := routeNew(ctx, tx, conv); err != nil {
		return nil, err
	}
	if err := linkLines(ctx, tx, prev, conv); err != nil {
		return nil, err
	}
	return conv, nil
}
