package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parleyhq/parley"
)

// retryRoutes registers the retry of a failed message.
func (s *Server) retryRoutes() {
	type retryRoutesInput struct {
		ConversationPath
		MessageID string `path:"message_id" format:"uuid"`
	}
	huma.Register(s.api, op(http.MethodPost, "/workspaces/{workspace_id}/conversations/{conversation_id}/messages/{message_id}/retry", "retryMessage", "Send a failed reply again (422 when it has not failed)", 200),
		func(ctx context.Context, in *retryRoutesInput) (*Body[*parley.Message], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			m, err := s.Conversations.Retry(ctx, a, in.ConversationID, in.MessageID, s.Outbox)
			return result(s, ctx, m, err)
		})
}
