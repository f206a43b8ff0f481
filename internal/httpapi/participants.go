package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/conversation"
)

func (s *Server) participantRoutes() {
	type addInput struct {
		ConversationPath
		Body struct {
			UserIDs []string `json:"user_ids" required:"true" maxItems:"20" doc:"colleagues who can see the conversation"`
			Comment string   `json:"comment,omitempty" maxLength:"10000" doc:"what they should do; shown in the thread, never to the customer"`
		}
	}
	huma.Register(s.api, op(http.MethodPost, "/workspaces/{workspace_id}/conversations/{conversation_id}/participants", "addParticipants",
		"Add colleagues with a comment: they see it under Participating and are notified", 200),
		func(ctx context.Context, in *addInput) (*Body[*conversation.Added], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			r, err := s.Conversations.AddParticipants(ctx, a, in.ConversationID, in.Body.UserIDs, in.Body.Comment)
			return result(s, ctx, r, err)
		})
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/conversations/{conversation_id}/participants", "listParticipants",
		"Colleagues added to the conversation", 200),
		func(ctx context.Context, in *ConversationPath) (*Body[Items[parley.Participant]], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			list, err := s.Conversations.Participants(ctx, a, in.ConversationID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return items(list, ""), nil
		})
	type removeInput struct {
		ConversationPath
		UserID string `path:"user_id" format:"uuid"`
	}
	huma.Register(s.api, op(http.MethodDelete, "/workspaces/{workspace_id}/conversations/{conversation_id}/participants/{user_id}", "removeParticipant",
		"Take a colleague off the conversation", 204),
		func(ctx context.Context, in *removeInput) (*empty, error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			return done(s, ctx, s.Conversations.RemoveParticipant(ctx, a, in.ConversationID, in.UserID))
		})
	type participatingInput struct {
		WorkspacePath
		Cursor string `query:"cursor" maxLength:"500"`
		Limit  int    `query:"limit" minimum:"0" maximum:"200"`
	}
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/conversations/participating", "listParticipating",
		"Participating: conversations you were added to (and may still see), last added first", 200),
		func(ctx context.Context, in *participatingInput) (*Body[Items[parley.ConversationItem]], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			page, err := s.Conversations.Participating(ctx, a, in.Cursor, in.Limit)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return items(page.Items, page.NextCursor), nil
		})
}
