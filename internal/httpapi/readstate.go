package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parleyhq/parley/internal/conversation"
)

func (s *Server) readStateRoutes() {
	huma.Register(s.api, op(http.MethodPost, "/workspaces/{workspace_id}/conversations/{conversation_id}/unread", "markConversationUnread",
		"Mark unread for you: the newest customer message counts as unread again", 204),
		func(ctx context.Context, in *ConversationPath) (*empty, error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			return done(s, ctx, s.Conversations.MarkUnread(ctx, a, in.ConversationID))
		})
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/me/read-preferences", "getReadPreferences",
		"Your read settings in this workspace", 200),
		func(ctx context.Context, in *WorkspacePath) (*Body[*conversation.ReadPreferences], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			p, err := s.Conversations.ReadPreferences(ctx, a)
			return result(s, ctx, p, err)
		})
	type putInput struct {
		WorkspacePath
		Body struct {
			MarkReadOnOpen bool `json:"mark_read_on_open" required:"true" doc:"true (default): opening a conversation marks it read; false: only Shift+Enter or Mark read does"`
		}
	}
	huma.Register(s.api, op(http.MethodPut, "/workspaces/{workspace_id}/me/read-preferences", "setReadPreferences",
		"Change your read settings in this workspace", 200),
		func(ctx context.Context, in *putInput) (*Body[*conversation.ReadPreferences], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			p, err := s.Conversations.SetReadPreferences(ctx, a, conversation.ReadPreferences{MarkReadOnOpen: in.Body.MarkReadOnOpen})
			return result(s, ctx, p, err)
		})
}
