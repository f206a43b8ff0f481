package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/id"
	"github.com/parleyhq/parley/internal/internalchat"
)

// InternalChatPath names an internal chat.
type InternalChatPath struct {
	WorkspacePath
	ChatID string `path:"chat_id" format:"uuid"`
}

func (s *Server) internalChatRoutes() {
	svc := internalchat.New(s.Store)
	const base = "/workspaces/{workspace_id}/internal-chats"
	huma.Register(s.api, op(http.MethodGet, base, "listInternalChats", "Your internal chats, latest first, with unread counts", 200),
		func(ctx context.Context, in *WorkspacePath) (*Body[Items[parley.InternalChat]], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			list, err := svc.List(ctx, a)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return items(list, ""), nil
		})
	type openInput struct {
		WorkspacePath
		Body struct {
			UserID string `json:"user_id" required:"true" maxLength:"100" doc:"the colleague (or yourself, for notes)"`
		}
	}
	huma.Register(s.api, op(http.MethodPost, base, "openInternalChat", "Open (or find) your one-to-one chat with a colleague or yourself", 200),
		func(ctx context.Context, in *openInput) (*Body[*parley.InternalChat], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			c, err := svc.Open(ctx, a, in.Body.UserID)
			return result(s, ctx, c, err)
		})
	huma.Register(s.api, op(http.MethodGet, base+"/all", "listAllInternalChats", "Every internal chat of the workspace, members only, no messages (admins, to delete)", 200),
		func(ctx context.Context, in *WorkspacePath) (*Body[Items[parley.InternalChat]], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			list, err := svc.AllChats(ctx, a)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return items(list, ""), nil
		})
	huma.Register(s.api, op(http.MethodGet, base+"/{chat_id}", "getInternalChat", "One of your internal chats", 200),
		func(ctx context.Context, in *InternalChatPath) (*Body[*parley.InternalChat], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			c, err := svc.Get(ctx, a, in.ChatID)
			return result(s, ctx, c, err)
		})
	huma.Register(s.api, op(http.MethodDelete, base+"/{chat_id}", "deleteInternalChat", "Delete an internal chat and its messages (admins)", 204),
		func(ctx context.Context, in *InternalChatPath) (*empty, error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			return done(s, ctx, svc.Delete(ctx, a, in.ChatID))
		})
	huma.Register(s.api, op(http.MethodPost, base+"/{chat_id}/read", "markInternalChatRead", "Mark one of your internal chats read", 204),
		func(ctx context.Context, in *InternalChatPath) (*empty, error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			return done(s, ctx, svc.MarkRead(ctx, a, in.ChatID))
		})
	type listInput struct {
		InternalChatPath
		Cursor string `query:"cursor" maxLength:"500"`
		Limit  int    `query:"limit" minimum:"0" maximum:"200"`
	}
	huma.Register(s.api, op(http.MethodGet, base+"/{chat_id}/messages", "listInternalMessages", "Messages: the newest page first, oldest first within a page", 200),
		func(ctx context.Context, in *listInput) (*Body[Items[parley.InternalChatMessage]], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			page, err := svc.Messages(ctx, a, in.ChatID, in.Cursor, in.Limit)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return items(page.Items, page.NextCursor), nil
		})
	type sendInput struct {
		InternalChatPath
		Body struct {
			Content       string   `json:"content,omitempty" maxLength:"262144"`
			AttachmentIDs []string `json:"attachment_ids,omitempty" maxItems:"10" doc:"ids of files uploaded with POST …/uploads"`
		}
	}
	huma.Register(s.api, op(http.MethodPost, base+"/{chat_id}/messages", "sendInternalMessage", "Send a message (text, files or both)", 201),
		func(ctx context.Context, in *sendInput) (*Body[*parley.InternalChatMessage], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			m, err := svc.Send(ctx, a, in.ChatID, in.Body.Content, in.Body.AttachmentIDs)
			return result(s, ctx, m, err)
		})
	s.mux.HandleFunc("GET /api/v1"+base+"/{chat_id}/messages/{message_id}/attachments/{attachment_id}", func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		p := principalFrom(ctx)
		if p == nil {
			writeProblem(w, http.StatusUnauthorized, "Sign in first.")
			return
		}
		ws, chat, mid, aid := r.PathValue("workspace_id"), r.PathValue("chat_id"), r.PathValue("message_id"), r.PathValue("attachment_id")
		for _, v := range []string{ws, chat, mid, aid} {
			if !id.Valid(v) {
				writeProblem(w, http.StatusNotFound, "Attachment not found.")
				return
			}
		}
		a, err := s.Sessions.Actor(ctx, p.User, ws)
		if err != nil {
			WriteError(w, err)
			return
		}
		att, err := svc.Attachment(ctx, a, chat, mid, aid)
		if err == nil && s.Blobs == nil {
			err = parley.Errorf(parley.ENOTFOUND, "Attachment not found.")
		}
		var data []byte
		if err == nil {
			data, err = s.Blobs.Get(ctx, att.Key)
		}
		if err != nil {
			if statusOf(err) == http.StatusInternalServerError {
				s.Logger.ErrorContext(ctx, "serve internal chat attachment", "attachment_id", aid, "err", err)
			}
			WriteError(w, err)
			return
		}
		s.writeAttachment(ctx, w, att, data)
	})
}
