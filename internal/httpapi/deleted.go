package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
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
