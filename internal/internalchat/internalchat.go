// Package internalchat holds direct messages between members of a
// workspace, outside any customer conversation (seed 002): one to one or
// with oneself for notes, text and attachments, unread counts, live.
// Only the chat's members read it; admins cannot read other people's
// chats, they can only delete them.
package internalchat

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
	"github.com/parleyhq/parley/internal/id"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Limits.
const (
	DefaultLimit  = 50
	MaxLimit      = 200
	MaxContentLen = 65536
	MaxFiles      = 10
)

// Service runs the internal-chat use cases on the concrete store.
type Service struct {
	store *sqlstore.Store
}

// New returns a Service on store.
func New(store *sqlstore.Store) *Service { return &Service{store: store} }

// List returns the actor's chats, latest first, with unread counts.
func (s *Service) List(ctx context.Context, a parley.Actor) ([]parley.InternalChat, error) {
	return s.store.ListInternalChats(ctx, a.WorkspaceID, a.UserID)
}

// Open returns the actor's chat with a member (or themselves), creating it.
func (s *Service) Open(ctx context.Context, a parley.Actor, userID string) (*parley.InternalChat, error) {
	if !id.Valid(userID) {
		return nil, parley.FieldErrorf("user_id", "User %s is not a member of this workspace.", clip(userID))
	}
	var chatID string
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		if _, err := tx.FindMember(ctx, a.WorkspaceID, userID); err != nil {
			if parley.IsNotFound(err) {
				return parley.FieldErrorf("user_id", "User %s is not a member of this workspace.", clip(userID))
			}
			return err
		}
		var err error
		chatID, err = tx.OpenInternalChat(ctx, a.WorkspaceID, a.UserID, userID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.store.FindInternalChat(ctx, a.WorkspaceID, a.UserID, chatID)
}

// Get returns one of the actor's chats; anyone else's is ENOTFOUND.
func (s *Service) Get(ctx context.Context, a parley.Actor, chatID string) (*parley.InternalChat, error) {
	return s.store.FindInternalChat(ctx, a.WorkspaceID, a.UserID, chatID)
}

// MessagePage is one page of a chat, oldest first within the page.
type MessagePage struct {
	Items      []parley.InternalChatMessage `json:"items"`
	NextCursor string                       `json:"next_cursor"`
}

// member checks that the actor is one of the chat's members (ENOTFOUND
// otherwise, admins included) and returns the members.
func member(ctx context.Context, q interface {
	InternalChatMembers(context.Context, string, string) ([]string, error)
}, a parley.Actor, chatID string) ([]string, error) {
	members, err := q.InternalChatMembers(ctx, a.WorkspaceID, chatID)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(members, a.UserID) {
		return nil, parley.Errorf(parley.ENOTFOUND, "Internal chat not found.")
	}
	return members, nil
}

// Messages returns a page of a chat: the newest page first, older ones by
// cursor.
func (s *Service) Messages(ctx context.Context, a parley.Actor, chatID, cursor string, limit int) (*MessagePage, error) {
	if _, err := member(ctx, s.store, a, chatID); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = DefaultLimit
	}
	if limit > MaxLimit {
		return nil, parley.FieldErrorf("limit", "The limit must be at most %d.", MaxLimit)
	}
	var before *sqlstore.MessageCursor
	if cursor != "" {
		before = &sqlstore.MessageCursor{}
		raw, err := base64.RawURLEncoding.DecodeString(cursor)
		if err != nil || json.Unmarshal(raw, before) != nil {
			return nil, parley.FieldErrorf("cursor", "The cursor is malformed: pass next_cursor from the previous page unchanged.")
		}
	}
	msgs, err := s.store.ListInternalMessages(ctx, chatID, before, limit)
	if err != nil {
		return nil, err
	}
	page := &MessagePage{Items: msgs}
	if len(msgs) == limit {
		raw, _ := json.Marshal(sqlstore.MessageCursor{CreatedAt: msgs[0].CreatedAt, ID: msgs[0].ID})
		page.NextCursor = base64.RawURLEncoding.EncodeToString(raw)
	}
	return page, nil
}

// event is the data of an internal-chat event: member_ids tells the
// real-time hub whom to deliver it to.
type event struct {
	ChatID    string                      `json:"chat_id"`
	MemberIDs []string                    `json:"member_ids"`
	Message   *parley.InternalChatMessage `json:"message,omitempty"`
	UserID    string                      `json:"user_id,omitempty"`
}

// Send posts a message (text, files uploaded before, or both) to one of the
// actor's chats. The sender has read everything up to it.
func (s *Service) Send(ctx context.Context, a parley.Actor, chatID, content string, attachmentIDs []string) (*parley.InternalChatMessage, error) {
	content = strings.TrimRight(content, " \t\r\n")
	switch {
	case strings.TrimSpace(content) == "" && len(attachmentIDs) == 0:
		return nil, parley.FieldErrorf("content", "The message is empty.")
	case len(attachmentIDs) > MaxFiles:
		return nil, parley.FieldErrorf("attachment_ids", "A message carries at most %d files.", MaxFiles)
	case !utf8.ValidString(content):
		return nil, parley.FieldErrorf("content", "The message is not valid UTF-8.")
	case utf8.RuneCountInString(content) > MaxContentLen:
		return nil, parley.FieldErrorf("content", "The message is longer than %d characters.", MaxContentLen)
	}
	var msg *parley.InternalChatMessage
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		members, err := member(ctx, tx, a, chatID)
		if err != nil {
			return err
		}
		msg = &parley.InternalChatMessage{ID: id.New(), ChatID: chatID, SenderID: a.UserID, SenderName: a.Name, Content: content}
		for _, uid := range attachmentIDs {
			if !id.Valid(uid) {
				return parley.FieldErrorf("attachment_ids", "Unknown file %q: upload it first.", clip(uid))
			}
			u, err := tx.FindUpload(ctx, a.WorkspaceID, a.UserID, uid)
			if parley.IsNotFound(err) {
				return parley.FieldErrorf("attachment_ids", "Unknown file %q: upload it first.", clip(uid))
			}
			if err != nil {
				return err
			}
			if err := tx.AttachUpload(ctx, u.ID, msg.ID); err != nil {
				return err
			}
			msg.Attachments = append(msg.Attachments, u.Attachment)
		}
		if err := tx.InsertInternalMessage(ctx, a.WorkspaceID, msg); err != nil {
			return err
		}
		if err := tx.MarkInternalChatRead(ctx, chatID, a.UserID); err != nil {
			return err
		}
		return tx.AppendEvent(parley.EventInternalChatMessage, a.WorkspaceID, "", event{ChatID: chatID, MemberIDs: members, Message: msg}, nil, nil)
	})
	if err != nil {
		return nil, err
	}
	return msg, nil
}

// MarkRead marks one of the actor's chats read; the actor's other
// sessions hear of it.
func (s *Service) MarkRead(ctx context.Context, a parley.Actor, chatID string) error {
	return s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		if _, err := member(ctx, tx, a, chatID); err != nil {
			return err
		}
		if err := tx.MarkInternalChatRead(ctx, chatID, a.UserID); err != nil {
			return err
		}
		return tx.AppendEvent(parley.EventInternalChatRead, a.WorkspaceID, "", event{ChatID: chatID, MemberIDs: []string{a.UserID}, UserID: a.UserID}, nil, nil)
	})
}

// Delete removes a chat and its messages: admins only, who may delete any
// chat of the workspace without reading it.
func (s *Service) Delete(ctx context.Context, a parley.Actor, chatID string) error {
	return s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		members, err := tx.InternalChatMembers(ctx, a.WorkspaceID, chatID)
		if err != nil {
			return err
		}
		if !access.CanAdminister(a) {
			if slices.Contains(members, a.UserID) {
				return parley.Errorf(parley.EFORBIDDEN, "Only an admin can delete an internal chat.")
			}
			return parley.Errorf(parley.ENOTFOUND, "Internal chat not found.")
		}
		if err := tx.DeleteInternalChat(ctx, a.WorkspaceID, chatID); err != nil {
			return err
		}
		if err := tx.AppendEvent(parley.EventInternalChatDeleted, a.WorkspaceID, "", event{ChatID: chatID, MemberIDs: members}, nil, nil); err != nil {
			return err
		}
		return tx.Audit(ctx, a.WorkspaceID, a.UserID, "internal_chat.delete", "internal_chat", chatID, map[string]any{"member_ids": members})
	})
}

// AllChats lists every chat of the workspace, members and dates only (no
// messages): what an admin needs to delete one. Admins only.
func (s *Service) AllChats(ctx context.Context, a parley.Actor) ([]parley.InternalChat, error) {
	if !access.CanAdminister(a) {
		return nil, parley.Errorf(parley.EFORBIDDEN, "Only an admin can list every internal chat.")
	}
	return s.store.ListInternalChatsOf(ctx, a.WorkspaceID)
}

// Attachment returns a file of a message in one of the actor's chats.
func (s *Service) Attachment(ctx context.Context, a parley.Actor, chatID, messageID, attachmentID string) (*parley.Attachment, error) {
	if _, err := member(ctx, s.store, a, chatID); err != nil {
		return nil, err
	}
	m, err := s.store.FindInternalMessage(ctx, chatID, messageID)
	if err != nil {
		return nil, err
	}
	for _, att := range m.Attachments {
		if att.ID == attachmentID {
			if att.Key == "" {
				att.Key = att.ID
			}
			return &att, nil
		}
	}
	return nil, parley.Errorf(parley.ENOTFOUND, "Attachment not found.")
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
