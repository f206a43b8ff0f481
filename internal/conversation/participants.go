package conversation

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// MaxCommentLen bounds the comment left when adding colleagues (runes).
const MaxCommentLen = 2000

// Added is the result of adding colleagues: who is now a participant, and
// the informational line the thread shows.
type Added struct {
	Participants []parley.Participant `json:"participants"`
	Message      *parley.Message      `json:"message"`
}

// AddParticipants adds colleagues who can see the conversation, with an
// optional comment: they list it under Participating and are notified.
// The thread shows a private informational line (content type
// participants_added) with the author, the people added (its mentions)
// and the comment; customers never see it and nothing is sent.
func (s *Service) AddParticipants(ctx context.Context, a parley.Actor, conversationID string, userIDs []string, comment string) (*Added, error) {
	comment = strings.TrimSpace(comment)
	switch {
	case len(userIDs) == 0:
		return nil, parley.FieldErrorf("user_ids", "Pick at least one colleague.")
	case !utf8.ValidString(comment) || utf8.RuneCountInString(comment) > MaxCommentLen:
		return nil, parley.FieldErrorf("comment", "A comment is at most %d characters of text.", MaxCommentLen)
	}
	out := &Added{}
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		conv, ws, err := visible(ctx, tx, a, conversationID)
		if err != nil {
			return err
		}
		people, err := colleagues(ctx, tx, ws, conv, "user_ids", userIDs)
		if err != nil {
			return err
		}
		var added []parley.Mention
		for _, p := range people {
			ok, err := tx.AddParticipant(ctx, ws.ID, conv.ID, p.ID, a.UserID)
			if err != nil {
				return err
			}
			if ok {
				added = append(added, p)
			}
		}
		if len(added) > 0 {
			msg := &parley.Message{
				WorkspaceID: ws.ID, ConversationID: conv.ID, InboxID: conv.InboxID, Direction: parley.DirectionOut,
				Sender: parley.Sender{Kind: parley.SenderAgent, ID: a.UserID, Name: a.Name}, Private: true,
				Content: comment, ContentType: parley.ContentTypeParticipants, Status: parley.DeliverySent, Mentions: added,
			}
			inbox, err := tx.FindInboxByID(ctx, ws.ID, conv.InboxID)
			if err != nil {
				return err
			}
			msg.Channel = inbox.Channel
			if err := tx.InsertMessage(ctx, msg); err != nil {
				return err
			}
			if err := s.recordMessage(ctx, tx, conv, msg); err != nil {
				return err
			}
			if err := notify(ctx, tx, a, conv, NotifyParticipant, msg, added); err != nil {
				return err
			}
			if err := tx.Audit(ctx, ws.ID, a.UserID, "conversation.participants_add", "conversation", conv.ID, map[string]any{"user_ids": msg.MentionIDs}); err != nil {
				return err
			}
			out.Message = msg
		}
		out.Participants, err = tx.ListParticipants(ctx, conv.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Participants lists a conversation's participants.
func (s *Service) Participants(ctx context.Context, a parley.Actor, conversationID string) ([]parley.Participant, error) {
	if _, _, err := visible(ctx, s.store, a, conversationID); err != nil {
		return nil, err
	}
	return s.store.ListParticipants(ctx, conversationID)
}

// RemoveParticipant takes a colleague off a conversation; anyone who can
// see the conversation may.
func (s *Service) RemoveParticipant(ctx context.Context, a parley.Actor, conversationID, userID string) error {
	return s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		if _, _, err := visible(ctx, tx, a, conversationID); err != nil {
			return err
		}
		return tx.RemoveParticipant(ctx, conversationID, userID)
	})
}

// Participating returns the conversations the actor was added to and may
// still see, last added first.
func (s *Service) Participating(ctx context.Context, a parley.Actor, cursor string, limit int) (*Page, error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	if limit > MaxLimit {
		return nil, parley.FieldErrorf("limit", "The limit must be at most %d.", MaxLimit)
	}
	var after *sqlstore.ParticipatingCursor
	if cursor != "" {
		after = &sqlstore.ParticipatingCursor{}
		if err := decodeCursor(cursor, after); err != nil {
			return nil, err
		}
	}
	rows, err := s.store.ListParticipating(ctx, a.WorkspaceID, a.UserID, after, limit)
	if err != nil {
		return nil, err
	}
	page := &Page{Items: []parley.ConversationItem{}}
	for _, r := range rows {
		if _, _, err := visible(ctx, s.store, a, r.ConversationID); parley.IsNotFound(err) {
			continue
		} else if err != nil {
			return nil, err
		}
		item, err := s.store.FindConversationItem(ctx, a.WorkspaceID, r.ConversationID, a.UserID)
		if parley.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		page.Items = append(page.Items, *item)
	}
	if len(rows) == limit {
		page.NextCursor = encodeCursor(rows[len(rows)-1])
	}
	return page, nil
}
