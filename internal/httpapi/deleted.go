package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// deletedRoute lists the deleted conversations admins may still restore
// (POST …/conversations/{cid}/restore).
func (s *Server) deletedRoute() {
	type deletedInput struct {
		WorkspacePath
		Cursor string `query:"cursor" maxLength:"500"`
		Limit  int    `query:"limit" minimum:"0" maximum:"200"`
	}
	list := op(http.MethodGet, "/workspaces/{workspace_id}/conversations/deleted", "listDeletedConversations",
		"Deleted conversations not purged yet, the most recently deleted first (admins)", 200)
	list.Description = "Each with its contact, inbox, who deleted it (deleted_by, null for deletions older than this " +
		"record), when (deleted_at) and when its messages and files are purged (purge_at: deleted_at plus " +
		"settings.lifecycle.purge_days). Merged conversations and those hidden with a blocked contact are not listed. " +
		"403 for agents. Pages with next_cursor."
	huma.Register(s.api, list, func(ctx context.Context, in *deletedInput) (*Body[Items[sqlstore.DeletedConversation]], error) {
		a, err := s.actor(ctx, in.WorkspaceID)
		if err != nil {
			return nil, err
		}
		page, err := s.Conversations.Deleted(ctx, a, in.Cursor, in.Limit)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return items(page.Items, page.NextCursor), nil
	})
}

// newChatTemplate is a WhatsApp template that opens a New chat.
type newChatTemplate struct {
	Name       string   `json:"name" required:"true" minLength:"1" maxLength:"512"`
	Language   string   `json:"language,omitempty" maxLength:"32"`
	Parameters []string `json:"parameters,omitempty" maxItems:"50"`
}

// warmTemplates makes sure an inbox's templates are cached before a use
// case checks a template against them (an inbox without templates leaves
// the refusal to the use case).
func (s *Server) warmTemplates(ctx context.Context, a parley.Actor, inboxID string) error {
	if s.Channels == nil {
		return nil
	}
	if _, _, err := s.Channels.Templates(ctx, a, inboxID, false); err != nil && !errors.Is(err, channel.ErrNoTemplates) && !parley.IsNotFound(err) {
		return s.problem(ctx, err)
	}
	return nil
}
