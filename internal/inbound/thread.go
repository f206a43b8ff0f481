package inbound

import (
	"context"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/activity"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// receiveThreaded places a message that says which conversation it
// continues (email, channel.Thread) instead of following the join rule: it
// joins the named conversation while that is open, and continues a closed
// one under the workspace's lifecycle rule (a new linked conversation, or
// a resolved one reopened). An automatic message (Quiet) never counts,
// reopens or opens anything: it is stored in the conversation it names,
// else in the contact's latest one (see quietConversation). Naming
// nothing, it joins the contact's open conversation under the workspace's
// join rule, or opens a new one when Separate.
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
	if t.Quiet {
		return receiveQuiet(ctx, tx, ws, inbox, in, msg, contact, named, res)
	}
	var conv *parley.Conversation
	created := false
	switch {
	case named != nil && !named.Status.Closed():
		conv = named
	case named != nil && named.Status == parley.StatusResolved && ws.Settings.ReopensResolved():
		conv, err = named, reopen(ctx, tx, named)
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

// receiveQuiet stores an automatic message (an out-of-office answer, a
// bulk notice) where it cannot ask for work: in the conversation it
// names, else in the contact's latest conversation (where an agent reading
// the history finds it), without counting it unreplied, reopening or
// moving anything. A contact with no conversation at all gets a new one
// that starts resolved: the message is kept and findable, but no queue,
// view or unreplied count shows it as waiting for an answer.
func receiveQuiet(ctx context.Context, tx *sqlstore.Tx, ws *parley.Workspace, inbox *parley.Inbox, in channel.Inbound,
	msg *parley.Message, contact lockedContact, named *parley.Conversation, res *Result) error {
	conv := named
	if conv == nil && !contact.New {
		latest, err := tx.FindLatestConversation(ctx, contact.ID, inbox.ID)
		if err != nil && !parley.IsNotFound(err) {
			return err
		}
		if err == nil && latest.MergedIntoID == "" {
			conv = latest
		}
	}
	created := false
	if conv == nil {
		now := tx.Now()
		conv = &parley.Conversation{
			WorkspaceID: ws.ID, ContactID: contact.ID, InboxID: inbox.ID, Status: parley.StatusResolved, Subject: subjectOf(in),
			TeamID: inbox.TeamID, AIMode: parley.AIManual, Priority: parley.PriorityNone, LastActivityAt: now, ResolvedAt: &now,
		}
		if err := tx.CreateConversation(ctx, conv); err != nil {
			return err
		}
		created = true
	}
	msg.ConversationID = conv.ID
	if err := tx.InsertQuietInbound(ctx, msg); err != nil {
		return err
	}
	aud := conv.Audience()
	if err := tx.AppendEvent(parley.EventMessageCreated, ws.ID, conv.ID, msg, &aud, nil); err != nil {
		return err
	}
	if created {
		item := &parley.ConversationItem{Conversation: *conv, Contact: contact.ContactRef,
			Inbox: parley.InboxRef{ID: inbox.ID, Name: inbox.Name, Channel: inbox.Channel}}
		if err := tx.AppendEvent(parley.EventConversationCreated, ws.ID, conv.ID, item, &aud, nil); err != nil {
			return err
		}
	}
	*res = Result{MessageID: msg.ID, ConversationID: conv.ID, NewConversation: created}
	return nil
}

// reopen reopens a resolved conversation a customer message continues,
// under the workspace's lifecycle rule "reopen": open again (or back in
// its team's queue when it has no assignee and the team routes), its
// resolution cleared, with a "reopened" line by Parley.
func reopen(ctx context.Context, tx *sqlstore.Tx, c *parley.Conversation) error {
	prev := *c
	c.Status, c.ResolvedAt, c.ResolutionNote, c.CloseReason = parley.StatusOpen, nil, "", ""
	if len(c.AssigneeIDs) == 0 {
		if err := enterQueue(ctx, tx, c); err != nil {
			return err
		}
	}
	if err := tx.SaveConversation(ctx, c, &prev); err != nil {
		return err
	}
	if err := routeNew(ctx, tx, c); err != nil {
		return err
	}
	_, err := activity.Record(ctx, tx, c, parley.SystemEvent{Action: parley.ActionReopened, Status: c.Status, Reason: "The customer wrote again."})
	return err
}
