package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parleyhq/parley/internal/ai"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// FeedbackPath names a feedback record.
type FeedbackPath struct {
	WorkspacePath
	FeedbackID string `path:"feedback_id" format:"uuid"`
}

// aiFeedbackRoutes: agents vote on AI replies and propose better answers;
// admins review the proposals (seed 004 "Train AI with feedback").
func (s *Server) aiFeedbackRoutes() {
	svc := s.AI
	type voteInput struct {
		ConversationPath
		MessageID string `path:"message_id" format:"uuid"`
		Body      struct {
			Rating     string `json:"rating" required:"true" enum:"up,down"`
			Correction string `json:"correction,omitempty" maxLength:"100000" doc:"the better answer; it waits for an admin's approval"`
		}
	}
	huma.Register(s.api, op(http.MethodPost, "/workspaces/{workspace_id}/conversations/{conversation_id}/messages/{message_id}/ai-feedback", "voteAIReply",
		"Rate an AI reply 👍/👎 and optionally propose a better answer (one vote per agent per message; voting again changes it)", 200),
		func(ctx context.Context, in *voteInput) (*Body[*sqlstore.AIFeedback], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			r, err := svc.Vote(ctx, a, in.ConversationID, in.MessageID, ai.FeedbackInput{Rating: in.Body.Rating, Correction: in.Body.Correction})
			return result(s, ctx, r, err)
		})
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/conversations/{conversation_id}/ai-feedback", "listMyAIFeedback",
		"The caller's votes on the conversation's AI replies", 200),
		func(ctx context.Context, in *ConversationPath) (*Body[Items[sqlstore.AIFeedback]], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			list, err := svc.MyFeedback(ctx, a, in.ConversationID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return items(list, ""), nil
		})
	type listInput struct {
		WorkspacePath
		Status string `query:"status" enum:"none,pending,approved,rejected" doc:"only records in this status"`
		Cursor string `query:"cursor" maxLength:"200"`
		Limit  int    `query:"limit" minimum:"0" maximum:"200"`
	}
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/ai/feedback", "listAIFeedback",
		"Feedback on AI replies, newest first: everyone's for admins (the review list), the caller's own for agents", 200),
		func(ctx context.Context, in *listInput) (*Body[Items[ai.FeedbackView]], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			p, err := svc.ListFeedback(ctx, a, in.Status, in.Cursor, in.Limit)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return items(p.Items, p.NextCursor), nil
		})
	type approveInput struct {
		FeedbackPath
		Body *struct {
			Question string `json:"question,omitempty" maxLength:"2000" doc:"the entry's question, edited (default: the customer's message)"`
			Answer   string `json:"answer,omitempty" maxLength:"100000" doc:"the entry's answer, edited (default: the correction)"`
		}
	}
	huma.Register(s.api, op(http.MethodPost, "/workspaces/{workspace_id}/ai/feedback/{feedback_id}/approve", "approveAIFeedback",
		"Approve a correction (admins): it becomes a Q&A entry of the knowledge base", 200),
		func(ctx context.Context, in *approveInput) (*Body[*sqlstore.AIFeedback], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			var r ai.ReviewInput
			if in.Body != nil {
				r = ai.ReviewInput{Question: in.Body.Question, Answer: in.Body.Answer}
			}
			f, err := svc.ApproveFeedback(ctx, a, in.FeedbackID, r)
			return result(s, ctx, f, err)
		})
	huma.Register(s.api, op(http.MethodPost, "/workspaces/{workspace_id}/ai/feedback/{feedback_id}/reject", "rejectAIFeedback",
		"Reject a correction (admins); it stays as a record", 200),
		func(ctx context.Context, in *FeedbackPath) (*Body[*sqlstore.AIFeedback], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			f, err := svc.RejectFeedback(ctx, a, in.FeedbackID)
			return result(s, ctx, f, err)
		})
}
