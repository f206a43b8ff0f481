package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/conversation"
)

// lifecycleRoutes are the working day's operations: accept, transfer, the
// agents' loads, and (further down) resolve-related lists, payment
// requests, drafts, merge, restore and the audit log.
func (s *Server) lifecycleRoutes() {
	accept := op(http.MethodPost, "/workspaces/{workspace_id}/conversations/{conversation_id}/accept", "acceptConversation",
		"Accept a queued or unassigned conversation", 200)
	accept.Description = "Assigns the conversation to you and opens it. When several agents accept at once exactly one " +
		"wins; the others get 409 naming who has it. A resolved or abandoned conversation must be reopened first (409). " +
		"Adds an \"accepted\" system line and emits conversation.updated."
	huma.Register(s.api, accept, func(ctx context.Context, in *ConversationPath) (*Body[*parley.ConversationItem], error) {
		a, err := s.actor(ctx, in.WorkspaceID)
		if err != nil {
			return nil, err
		}
		c, err := s.Conversations.Accept(ctx, a, in.ConversationID)
		return result(s, ctx, c, err)
	})
	type transferInput struct {
		ConversationPath
		Body struct {
			UserID string `json:"user_id,omitempty" doc:"the colleague who takes it over (replacing you as assignee)"`
			TeamID string `json:"team_id,omitempty" doc:"the team whose queue it goes back to (routed when the team routes)"`
			Note   string `json:"note,omitempty" maxLength:"8000" doc:"recorded as a private system line naming both people"`
		}
	}
	transfer := op(http.MethodPost, "/workspaces/{workspace_id}/conversations/{conversation_id}/transfer", "transferConversation",
		"Transfer a conversation to a colleague or a team, with a note", 200)
	transfer.Description = "Exactly one of user_id and team_id. To a user: they become the assignee in place of the " +
		"transferring agent. To a team: the conversation leaves its assignees and goes back to the team's queue (queued " +
		"and routed when the team routes, open and unassigned when it is manual). Unknown user or team, a user outside " +
		"the visibility list, or yourself: 422 naming the field, nothing changed. Adds a \"transferred\" system line " +
		"(actor, from, subject or team, note) and emits conversation.updated."
	huma.Register(s.api, transfer, func(ctx context.Context, in *transferInput) (*Body[*parley.ConversationItem], error) {
		a, err := s.actor(ctx, in.WorkspaceID)
		if err != nil {
			return nil, err
		}
		c, err := s.Conversations.Transfer(ctx, a, in.ConversationID,
			conversation.TransferInput{UserID: in.Body.UserID, TeamID: in.Body.TeamID, Note: in.Body.Note})
		return result(s, ctx, c, err)
	})
	agents := op(http.MethodGet, "/workspaces/{workspace_id}/agents", "listAgents",
		"Members with availability, presence and load against capacity (the transfer dialog)", 200)
	agents.Description = "load counts the open and pending conversations assigned to each member; load_label is " +
		"\"3 / 5\" (or \"3\" without a capacity); connected is true when they had a live connection in the last minute."
	huma.Register(s.api, agents, func(ctx context.Context, in *WorkspacePath) (*Body[Items[conversation.AgentLoad]], error) {
		a, err := s.actor(ctx, in.WorkspaceID)
		if err != nil {
			return nil, err
		}
		list, err := s.Conversations.Agents(ctx, a)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return items(list, ""), nil
	})
}
