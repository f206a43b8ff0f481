package httpapi

import (
	"context"
	"io"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// maxUploadBody is the largest upload request: the file and the form
// around it.
const maxUploadBody = conversation.MaxUpload + 64<<10

// isUpload reports whether r is a file upload, which may exceed the JSON
// body cap.
func isUpload(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/uploads") &&
		(strings.HasPrefix(r.URL.Path, "/api/v1/workspaces/") || r.URL.Path == "/api/v1/widget/uploads")
}

func (s *Server) uploadRoutes() {
	type deleteInput struct {
		WorkspacePath
		UploadID string `path:"upload_id" format:"uuid"`
	}
	huma.Register(s.api, op(http.MethodDelete, "/workspaces/{workspace_id}/uploads/{upload_id}", "deleteUpload",
		"Delete one of your uploads that was not sent", 204),
		func(ctx context.Context, in *deleteInput) (*empty, error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			return done(s, ctx, s.Conversations.DeleteUpload(ctx, a, in.UploadID))
		})

	type uploadInput struct {
		WorkspacePath
		RawBody huma.MultipartFormFiles[struct {
			File huma.FormFile `form:"file" required:"true" doc:"the file; typed by its content"`
		}]
	}
	o := op(http.MethodPost, "/workspaces/{workspace_id}/uploads", "uploadFile",
		"Upload a file to attach to a reply (multipart field file); send its id in attachment_ids", 201)
	o.MaxBodyBytes = maxUploadBody
	huma.Register(s.api, o, func(ctx context.Context, in *uploadInput) (*Body[*sqlstore.Upload], error) {
		a, err := s.actor(ctx, in.WorkspaceID)
		if err != nil {
			return nil, err
		}
		f := in.RawBody.Data().File
		defer f.Close()
		if f.Size > conversation.MaxUpload {
			return nil, s.problem(ctx, &parley.Error{Code: parley.ETOOLARGE, Field: "file", Message: "The file is larger than 16 MB."})
		}
		data, err := io.ReadAll(io.LimitReader(f, conversation.MaxUpload+1))
		if err != nil {
			return nil, huma.Error400BadRequest("The file could not be read.")
		}
		u, err := s.Conversations.Upload(ctx, a, f.Filename, f.ContentType, data)
		return result(s, ctx, u, err)
	})
}
