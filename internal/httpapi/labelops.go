package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// labelOpRoutes registers PATCH …/conversations/{id}/labels and …/tags:
// add and remove names without sending the whole list, so two agents
// editing at once both keep their change (PATCH …/conversations/{id}
// with labels replaces the list: the last writer wins).
func (s *Server) labelOpRoutes() {
	for _, k := range []struct{ kind, plural string }{{sqlstore.KindLabel, "labels"}, {sqlstore.KindTag, "tags"}} {
		type labelOpInput struct {
			ConversationPath
			Body struct {
				Add    []string `json:"add,omitempty" maxItems:"100" doc:"names to put on the conversation (a new name is created without a colour)"`
				Remove []string `json:"remove,omitempty" maxItems:"100" doc:"names to take off; one that is not there is no change"`
			}
		}
		kind := k.kind
		huma.Register(s.api, described(op(http.MethodPatch, "/workspaces/{workspace_id}/conversations/{conversation_id}/"+k.plural,
			"edit_conversation_"+k.plural, "Add and remove "+k.plural+" on a conversation", 200),
			"Adds and removes "+k.plural+" by name on the list as stored when the request runs (the row is locked), so concurrent edits "+
				"by different agents all survive. Each change adds a system line to the thread. A name both added and removed is a 422 naming add."),
			func(ctx context.Context, in *labelOpInput) (*Body[*parley.ConversationItem], error) {
				a, err := s.actor(ctx, in.WorkspaceID)
				if err != nil {
					return nil, err
				}
				c, err := s.Conversations.EditLabels(ctx, a, in.ConversationID, kind, conversation.NameOps{Add: in.Body.Add, Remove: in.Body.Remove})
				return result(s, ctx, c, err)
			})
	}
}
