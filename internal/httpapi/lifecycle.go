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
	s.closingRoutes()
	s.paymentRoutes()
	s.draftRoutes()
}

func (s *Server) closingRoutes() {
	reopen := op(http.MethodPost, "/workspaces/{workspace_id}/conversations/{conversation_id}/reopen", "reopenConversation",
		"Reopen a resolved or abandoned conversation", 200)
	reopen.Description = "The conversation becomes open again and later customer messages join it (without a reopen, a " +
		"message after resolution opens a new conversation linked by previous_conversation_id, with \"continues\" and " +
		"\"continued_in\" system lines in both threads). 409 when it is not closed. Adds a \"reopened\" system line."
	huma.Register(s.api, reopen, func(ctx context.Context, in *ConversationPath) (*Body[*parley.ConversationItem], error) {
		a, err := s.actor(ctx, in.WorkspaceID)
		if err != nil {
			return nil, err
		}
		c, err := s.Conversations.Reopen(ctx, a, in.ConversationID)
		return result(s, ctx, c, err)
	})
	type mergeInput struct {
		ConversationPath
		Body struct {
			IntoID string `json:"into_id" required:"true" format:"uuid" doc:"the surviving conversation (same contact)"`
		}
	}
	merge := op(http.MethodPost, "/workspaces/{workspace_id}/conversations/{conversation_id}/merge", "mergeConversation",
		"Merge this conversation into another of the same contact", 200)
	merge.Description = "Messages stay where they were written; this conversation points to the survivor " +
		"(merged_into_id), is closed and leaves every list (conversation.removed with merged_into_id), and the " +
		"survivor's thread (GET …/messages) shows both histories in order, with a \"merged\" system line. Answers the " +
		"survivor. 422 for another contact's conversation or itself; 409 when this one holds an unpaid payment request."
	huma.Register(s.api, merge, func(ctx context.Context, in *mergeInput) (*Body[*parley.ConversationItem], error) {
		a, err := s.actor(ctx, in.WorkspaceID)
		if err != nil {
			return nil, err
		}
		c, err := s.Conversations.Merge(ctx, a, in.ConversationID, in.Body.IntoID)
		return result(s, ctx, c, err)
	})
	restore := op(http.MethodPost, "/workspaces/{workspace_id}/conversations/{conversation_id}/restore", "restoreConversation",
		"Restore a deleted conversation within its grace period (admins)", 200)
	restore.Description = "A deleted conversation disappears at once and its messages and files are purged after " +
		"settings.lifecycle.purge_days (default 7); until then an admin may restore it. 404 once purged."
	huma.Register(s.api, restore, func(ctx context.Context, in *ConversationPath) (*Body[*parley.ConversationItem], error) {
		a, err := s.actor(ctx, in.WorkspaceID)
		if err != nil {
			return nil, err
		}
		c, err := s.Conversations.Restore(ctx, a, in.ConversationID)
		return result(s, ctx, c, err)
	})
	s.deletedRoute()
	type auditInput struct {
		WorkspacePath
		Cursor string `query:"cursor" maxLength:"500"`
		Limit  int    `query:"limit" minimum:"0" maximum:"200"`
	}
	audit := op(http.MethodGet, "/workspaces/{workspace_id}/audit", "listAudit", "The audit log, newest first (admins)", 200)
	audit.Description = "Every change: who (actor_id; empty for Parley's own timers and routing), what (action, " +
		"object_type, object_id), when, and data with the changes as [before, after] pairs. Pages with next_cursor."
	huma.Register(s.api, audit, func(ctx context.Context, in *auditInput) (*Body[Items[parley.AuditEntry]], error) {
		a, err := s.actor(ctx, in.WorkspaceID)
		if err != nil {
			return nil, err
		}
		page, err := s.Conversations.Audit(ctx, a, in.Cursor, in.Limit)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return items(page.Items, page.NextCursor), nil
	})
}

// PaymentPath names a payment request.
type PaymentPath struct {
	ConversationPath
	PaymentID string `path:"payment_id" format:"uuid"`
}

func (s *Server) paymentRoutes() {
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/conversations/{conversation_id}/payment-requests",
		"listPaymentRequests", "A conversation's payment requests, oldest first", 200),
		func(ctx context.Context, in *ConversationPath) (*Body[Items[parley.PaymentRequest]], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			list, err := s.Conversations.PaymentRequests(ctx, a, in.ConversationID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return items(list, ""), nil
		})
	type createInput struct {
		ConversationPath
		Body struct {
			Amount      int64  `json:"amount" required:"true" minimum:"1" doc:"in the currency's minor unit (cents)"`
			Currency    string `json:"currency" required:"true" maxLength:"3" doc:"ISO 4217, e.g. EUR"`
			Description string `json:"description,omitempty" maxLength:"8000"`
		}
	}
	create := op(http.MethodPost, "/workspaces/{workspace_id}/conversations/{conversation_id}/payment-requests",
		"createPaymentRequest", "Ask the customer to pay", 201)
	create.Description = "The request starts unpaid. While one is unpaid the conversation cannot be resolved, merged or " +
		"deleted: those answer 409 naming the request. Adds a payment_request system line and emits payment_request.created."
	huma.Register(s.api, create, func(ctx context.Context, in *createInput) (*Body[*parley.PaymentRequest], error) {
		a, err := s.actor(ctx, in.WorkspaceID)
		if err != nil {
			return nil, err
		}
		p, err := s.Conversations.CreatePaymentRequest(ctx, a, in.ConversationID,
			conversation.PaymentInput{Amount: in.Body.Amount, Currency: in.Body.Currency, Description: in.Body.Description})
		return result(s, ctx, p, err)
	})
	type patchInput struct {
		PaymentPath
		Body struct {
			Status parley.PaymentStatus `json:"status" required:"true" enum:"paid,cancelled"`
		}
	}
	patch := op(http.MethodPatch, "/workspaces/{workspace_id}/conversations/{conversation_id}/payment-requests/{payment_id}",
		"updatePaymentRequest", "Mark a payment request paid or cancelled", 200)
	patch.Description = "There is no payment provider yet: the system that took the payment marks it paid here. Paid and " +
		"cancelled are final (409 to change them again). Emits payment_request.updated."
	huma.Register(s.api, patch, func(ctx context.Context, in *patchInput) (*Body[*parley.PaymentRequest], error) {
		a, err := s.actor(ctx, in.WorkspaceID)
		if err != nil {
			return nil, err
		}
		p, err := s.Conversations.SetPaymentStatus(ctx, a, in.ConversationID, in.PaymentID, in.Body.Status)
		return result(s, ctx, p, err)
	})
}

func (s *Server) draftRoutes() {
	type putInput struct {
		ConversationPath
		Body struct {
			Content string `json:"content" maxLength:"262144" doc:"empty deletes the draft"`
		}
	}
	put := op(http.MethodPut, "/workspaces/{workspace_id}/conversations/{conversation_id}/draft", "saveDraft",
		"Keep your draft of a conversation on the server", 200)
	put.Description = "Per user and conversation: it survives a reload and another device, and list rows carry " +
		"has_draft for you. Sending a message (POST …/messages) or an empty content deletes it."
	huma.Register(s.api, put, func(ctx context.Context, in *putInput) (*Body[*parley.Draft], error) {
		a, err := s.actor(ctx, in.WorkspaceID)
		if err != nil {
			return nil, err
		}
		d, err := s.Conversations.SaveDraft(ctx, a, in.ConversationID, in.Body.Content)
		return result(s, ctx, d, err)
	})
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/conversations/{conversation_id}/draft", "getDraft",
		"Your draft of a conversation (404 when you have none)", 200),
		func(ctx context.Context, in *ConversationPath) (*Body[*parley.Draft], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			d, err := s.Conversations.Draft(ctx, a, in.ConversationID)
			return result(s, ctx, d, err)
		})
	huma.Register(s.api, op(http.MethodDelete, "/workspaces/{workspace_id}/conversations/{conversation_id}/draft", "deleteDraft",
		"Clear your draft of a conversation", 204),
		func(ctx context.Context, in *ConversationPath) (*empty, error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			return done(s, ctx, s.Conversations.DeleteDraft(ctx, a, in.ConversationID))
		})
	type newChatInput struct {
		WorkspacePath
		Body struct {
			ContactID     string           `json:"contact_id" required:"true" format:"uuid"`
			InboxID       string           `json:"inbox_id" required:"true" format:"uuid" doc:"one of the contact's channels (an inbox they have an identity on)"`
			Content       string           `json:"content,omitempty" maxLength:"262144"`
			AttachmentIDs []string         `json:"attachment_ids,omitempty" maxItems:"10"`
			Template      *newChatTemplate `json:"template,omitempty" doc:"instead of content: an approved WhatsApp template (GET …/inboxes/{id}/templates), the way to write first outside the 24-hour window"`
			Subject       string           `json:"subject,omitempty" maxLength:"1000" doc:"the first mail's subject: required on an email inbox, refused on others"`
		}
	}
	newChat := op(http.MethodPost, "/workspaces/{workspace_id}/conversations", "createConversation",
		"Start a new conversation with a contact (New chat)", 201)
	newChat.Description = "Creates an open conversation with a new number, assigned to you, and sends the first message " +
		"through the outbox; the channel's rules apply: a free-form first message to a WhatsApp contact with no open " +
		"24-hour window answers 422 naming content, and template (name, language, parameters) sends an approved template " +
		"instead (422 naming template.name or template.parameters when it does not match); an email inbox needs a subject " +
		"(422 without). Emits conversation.created and message.created."
	huma.Register(s.api, newChat, func(ctx context.Context, in *newChatInput) (*Body[*parley.ConversationItem], error) {
		a, err := s.actor(ctx, in.WorkspaceID)
		if err != nil {
			return nil, err
		}
		b := in.Body
		chat := conversation.NewChatInput{ContactID: b.ContactID, InboxID: b.InboxID, Content: b.Content, AttachmentIDs: b.AttachmentIDs, Subject: b.Subject}
		if b.Template != nil {
			if err := s.warmTemplates(ctx, a, b.InboxID); err != nil {
				return nil, err
			}
			chat.Template = &conversation.TemplateReply{Name: b.Template.Name, Language: b.Template.Language, Parameters: b.Template.Parameters}
		}
		c, err := s.Conversations.NewChat(ctx, a, chat, s.Outbox)
		return result(s, ctx, c, err)
	})
}
