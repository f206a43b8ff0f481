package conversation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/compose"
	"github.com/parleyhq/parley/internal/id"
	"github.com/parleyhq/parley/internal/media"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// BlocksInput is a constructor message to send. Template blocks carry
// their rendered text (the caller renders them).
type BlocksInput struct {
	Blocks []compose.Block
	// InboxID sends through another of the contact's channels; empty:
	// the conversation's.
	InboxID string
}

// SendBlocks sends a constructor message as the channel messages that
// carry it (compose.Split over the reply inbox's capabilities), all in one
// transaction: either every part is queued or none is. It clears the
// actor's constructor draft of the conversation. Errors name
// blocks[i].field.
func (s *Service) SendBlocks(ctx context.Context, a parley.Actor, conversationID string, in BlocksInput, outbox Outbox) ([]*parley.Message, error) {
	if err := compose.Check(in.Blocks, false); err != nil {
		return nil, err
	}
	var sent []*parley.Message
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		conv, ws, err := visible(ctx, tx, a, conversationID)
		if err != nil {
			return err
		}
		inbox, err := replyInbox(ctx, tx, ws, conv, in.InboxID)
		if err != nil {
			return err
		}
		if err := checkBlockFiles(ctx, tx, a, inbox.Channel, in.Blocks); err != nil {
			return err
		}
		parts := compose.Split(s.capsOf(inbox.Channel), in.Blocks)
		if len(parts) == 0 {
			return parley.FieldErrorf("blocks", "The message is empty.")
		}
		for i, p := range parts {
			if utf8.RuneCountInString(p.Content) > MaxContentLen {
				return parley.FieldErrorf("blocks", "Part %d of the message is longer than %d characters.", i+1, MaxContentLen)
			}
			msg, err := s.reply(ctx, tx, a, conv, ws, ReplyInput{Content: p.Content, AttachmentIDs: p.AttachmentIDs, InboxID: inbox.ID, keepDraft: true}, p.Content, outbox)
			if _, ok := errors.AsType[*parley.Error](err); ok {
				return err // the API answers with its code and field
			} else if err != nil {
				return fmt.Errorf("constructor part %d: %w", i+1, err)
			}
			if p.Card != nil {
				if err := tx.SaveMessageCards(ctx, msg, []channel.Card{*p.Card}); err != nil {
					return err
				}
			}
			sent = append(sent, msg)
		}
		_, err = tx.DeleteConstructorDraft(ctx, conv.ID, a.UserID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return sent, nil
}

func (s *Service) capsOf(kind string) compose.Caps {
	spec, _ := channel.Lookup(kind)
	rich := s.hooks.Rich != nil && s.hooks.Rich(kind)
	return compose.CapsOf(spec, media.DefaultPolicy.MaxAttachments, rich, MaxContentLen)
}

// checkBlockFiles checks each media block's upload: the actor's, not yet
// sent, of the block's kind (an image block holds an image) and carried
// by the channel, naming blocks[i].attachment_id.
func checkBlockFiles(ctx context.Context, tx *sqlstore.Tx, a parley.Actor, channelKind string, blocks []compose.Block) error {
	seen := map[string]bool{}
	for i, b := range blocks {
		if !b.Media() {
			continue
		}
		field := fmt.Sprintf("blocks[%d].attachment_id", i)
		if seen[b.AttachmentID] {
			return parley.FieldErrorf(field, "The same file is in two blocks.")
		}
		seen[b.AttachmentID] = true
		u, err := tx.FindUpload(ctx, a.WorkspaceID, a.UserID, b.AttachmentID)
		if parley.IsNotFound(err) {
			return parley.FieldErrorf(field, "Unknown file %q: upload it first.", clip(b.AttachmentID))
		} else if err != nil {
			return err
		}
		if u.MessageID != "" {
			return parley.FieldErrorf(field, "The file %s was already sent; upload it again.", u.FileName)
		}
		if want := b.Type + "/"; b.Type != compose.File && !strings.HasPrefix(u.ContentType, want) {
			return parley.FieldErrorf(field, "The file %s is not a %s.", u.FileName, b.Type)
		}
		if err := media.CheckFiles(channelKind, []parley.Attachment{u.Attachment}); err != nil {
			return parley.FieldErrorf(field, "%s", parley.ErrorMessage(err))
		}
	}
	return nil
}

// ConstructorDraft is an unfinished constructor message.
type ConstructorDraft struct {
	ConversationID string          `json:"conversation_id"`
	Blocks         []compose.Block `json:"blocks"`
	UpdatedAt      time.Time       `json:"updated_at"`
}

// SaveConstructorDraft keeps the actor's unfinished constructor message of
// a conversation (blocks may be incomplete); no blocks deletes it.
func (s *Service) SaveConstructorDraft(ctx context.Context, a parley.Actor, conversationID string, blocks []compose.Block) (*ConstructorDraft, error) {
	if err := compose.Check(blocks, true); err != nil {
		return nil, err
	}
	if blocks == nil {
		blocks = []compose.Block{}
	}
	d := &ConstructorDraft{ConversationID: conversationID, Blocks: blocks}
	raw, err := json.Marshal(blocks)
	if err != nil {
		return nil, fmt.Errorf("constructor draft: %w", err)
	}
	err = s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		if _, _, err := visible(ctx, tx, a, conversationID); err != nil {
			return err
		}
		d.UpdatedAt = tx.Now()
		if len(blocks) == 0 {
			_, err := tx.DeleteConstructorDraft(ctx, conversationID, a.UserID)
			return err
		}
		return tx.SaveConstructorDraft(ctx, a.WorkspaceID, conversationID, a.UserID, raw)
	})
	return d, err
}

// ConstructorDraft returns the actor's unfinished constructor message of a
// conversation, or ENOTFOUND.
func (s *Service) ConstructorDraft(ctx context.Context, a parley.Actor, conversationID string) (*ConstructorDraft, error) {
	if !id.Valid(conversationID) {
		return nil, parley.Errorf(parley.ENOTFOUND, "Conversation not found.")
	}
	if _, _, err := visible(ctx, s.store, a, conversationID); err != nil {
		return nil, err
	}
	raw, at, err := s.store.FindConstructorDraft(ctx, conversationID, a.UserID)
	if err != nil {
		return nil, err
	}
	d := &ConstructorDraft{ConversationID: conversationID, UpdatedAt: time.UnixMicro(at).UTC()}
	if err := json.Unmarshal(raw, &d.Blocks); err != nil {
		return nil, fmt.Errorf("constructor draft: %w", err)
	}
	return d, nil
}
