package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/conversation"
)

// ConversationPath names a conversation.
type ConversationPath struct {
	WorkspacePath
	ConversationID string `path:"conversation_id" format:"uuid"`
}

func (s *Server) conversationRoutes() {
	s.viewRoutes()
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/conversations/{conversation_id}", "getConversation", "One conversation", 200),
		func(ctx context.Context, in *ConversationPath) (*Body[*parley.ConversationItem], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			c, err := s.Conversations.Get(ctx, a, in.ConversationID)
			return result(s, ctx, c, err)
		})
	s.conversationChangeRoutes()
	s.labelOpRoutes()
	s.constructorRoutes()
	s.messageRoutes()
}

func (s *Server) conversationChangeRoutes() {
	type conversationChangeRoutesPatchInput struct {
		ConversationPath
		Body struct {
			Status         Nullable[parley.ConversationStatus] `json:"status,omitempty" enum:"queued,open,pending,snoozed,resolved,abandoned"`
			SnoozedUntil   Nullable[time.Time]                 `json:"snoozed_until,omitempty"`
			Priority       Nullable[parley.Priority]           `json:"priority,omitempty" enum:"none,low,medium,high,urgent"`
			AssigneeIDs    Nullable[[]string]                  `json:"assignee_ids,omitempty" maxItems:"100"`
			TeamID         Nullable[string]                    `json:"team_id,omitempty"`
			VisibleTo      Nullable[[]string]                  `json:"visible_to,omitempty" maxItems:"1000" doc:"null: everyone; a list: only those users"`
			AIMode         Nullable[parley.AIMode]             `json:"ai_mode,omitempty" enum:"active,paused,manual"`
			Tags           Nullable[[]string]                  `json:"tags,omitempty" maxItems:"100"`
			Labels         Nullable[[]string]                  `json:"labels,omitempty" maxItems:"100"`
			ResolutionNote Nullable[string]                    `json:"resolution_note,omitempty" maxLength:"8000" doc:"with status resolved: what was done"`
			CloseReason    Nullable[string]                    `json:"close_reason,omitempty" maxLength:"200" doc:"with status resolved: one of the workspace's close reasons (settings.lifecycle.close_reasons)"`
			ExternalRef    nullableExternalRef                 `json:"external_ref,omitempty" doc:"{type, id, url, title}: the case, lead or order this is about; null removes it"`
		}
	}
	huma.Register(s.api, op(http.MethodPatch, "/workspaces/{workspace_id}/conversations/{conversation_id}", "updateConversation", "Change status (resolve with resolution_note and close_reason), assignees, team, visibility, AI mode, tags or labels; each change adds a system line to the thread", 200),
		func(ctx context.Context, in *conversationChangeRoutesPatchInput) (*Body[*parley.ConversationItem], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			b := in.Body
			c, err := s.Conversations.Update(ctx, a, in.ConversationID, conversation.Change{
				Status: optional(b.Status), SnoozedUntil: optional(b.SnoozedUntil), Priority: optional(b.Priority),
				AssigneeIDs: optional(b.AssigneeIDs), TeamID: optional(b.TeamID), VisibleTo: optional(b.VisibleTo),
				AIMode: optional(b.AIMode), Tags: optional(b.Tags), Labels: optional(b.Labels),
				ResolutionNote: optional(b.ResolutionNote), CloseReason: optional(b.CloseReason), ExternalRef: optional(b.ExternalRef.Nullable),
			})
			return result(s, ctx, c, err)
		})
	huma.Register(s.api, op(http.MethodDelete, "/workspaces/{workspace_id}/conversations/{conversation_id}", "deleteConversation", "Delete a conversation (admins)", 204),
		func(ctx context.Context, in *ConversationPath) (*empty, error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			return done(s, ctx, s.Conversations.Delete(ctx, a, in.ConversationID))
		})
	huma.Register(s.api, op(http.MethodPost, "/workspaces/{workspace_id}/conversations/{conversation_id}/read", "markConversationRead", "Mark read for you", 204),
		func(ctx context.Context, in *ConversationPath) (*empty, error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			return done(s, ctx, s.Conversations.MarkRead(ctx, a, in.ConversationID))
		})
	type conversationChangeRoutesPinInput struct {
		ConversationPath
		Body struct {
			Pinned bool `json:"pinned" required:"true"`
		}
	}
	huma.Register(s.api, op(http.MethodPut, "/workspaces/{workspace_id}/conversations/{conversation_id}/pin", "pinConversation", "Pin or unpin for you", 204),
		func(ctx context.Context, in *conversationChangeRoutesPinInput) (*empty, error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			return done(s, ctx, s.Conversations.SetPinned(ctx, a, in.ConversationID, in.Body.Pinned))
		})
}

func (s *Server) messageRoutes() {
	type messageRoutesListInput struct {
		ConversationPath
		Cursor string `query:"cursor" maxLength:"500"`
		Limit  int    `query:"limit" minimum:"0" maximum:"200"`
	}
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/conversations/{conversation_id}/messages", "listMessages", "Messages: the newest page first, oldest first within a page; next_cursor pages to older ones", 200),
		func(ctx context.Context, in *messageRoutesListInput) (*Body[Items[parley.Message]], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			page, err := s.Conversations.Messages(ctx, a, in.ConversationID, in.Cursor, in.Limit)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return items(page.Items, page.NextCursor), nil
		})
	type messageRoutesPostInput struct {
		ConversationPath
		Body struct {
			Content       string   `json:"content,omitempty" maxLength:"262144" doc:"the text; may be empty when files are attached"`
			Private       bool     `json:"private,omitempty" doc:"true: an internal note, never sent to the customer"`
			AttachmentIDs []string `json:"attachment_ids,omitempty" maxItems:"10" doc:"ids of files uploaded with POST …/uploads"`
			InboxID       string   `json:"inbox_id,omitempty" doc:"send through another of the contact's channels (the composer's channel switch); its window and file rules apply"`
			MentionIDs    []string `json:"mention_ids,omitempty" maxItems:"20" doc:"private notes only: colleagues to notify; each must be able to see the conversation"`
		}
	}
	huma.Register(s.api, op(http.MethodPost, "/workspaces/{workspace_id}/conversations/{conversation_id}/messages", "createMessage", "Reply to the customer, or add a private note", 201),
		func(ctx context.Context, in *messageRoutesPostInput) (*Body[*parley.Message], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			b := in.Body
			m, err := s.Conversations.ReplyWith(ctx, a, in.ConversationID,
				conversation.ReplyInput{Content: b.Content, Private: b.Private, AttachmentIDs: b.AttachmentIDs, InboxID: b.InboxID, MentionIDs: b.MentionIDs}, s.Outbox)
			return result(s, ctx, m, err)
		})
}
