package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/calls"
)

// callRoutes record phone calls in a contact's history and list them.
func (s *Server) callRoutes() {
	if s.Calls == nil {
		return
	}
	type recordInput struct {
		ContactPath
		Body struct {
			Direction      string     `json:"direction" required:"true" enum:"inbound,outbound"`
			StartedAt      *time.Time `json:"started_at" required:"true" doc:"RFC 3339; not in the future"`
			DurationS      int        `json:"duration_s,omitempty" minimum:"0" maximum:"86400" doc:"seconds"`
			RecordingURL   string     `json:"recording_url,omitempty" maxLength:"2000" doc:"https (plain http only to a host PARLEY_ALLOW_PRIVATE_ADDRESSES names); shown as a play link, never fetched by the server"`
			Notes          string     `json:"notes,omitempty" maxLength:"8000" doc:"found by search"`
			AgentID        string     `json:"agent_id,omitempty" format:"uuid" doc:"the member who had the call; you by default"`
			ConversationID string     `json:"conversation_id,omitempty" format:"uuid" doc:"the conversation it belongs to; by default the contact's current one, else a new one"`
		}
	}
	rec := op(http.MethodPost, "/workspaces/{workspace_id}/contacts/{contact_id}/calls", "recordCall",
		"Record a phone call in a contact's history", 201)
	rec.Description = "The call becomes a line of the conversation's thread (a private message of content_type " +
		"\"call\" with the call object): GET …/messages returns it, search finds its notes, and it is never sent to " +
		"the customer. Without conversation_id it joins the contact's current conversation, else a new open one on " +
		"the channel they last used, assigned to the call's agent. A conversation you may not see is 404; bad fields " +
		"are 422 naming them. Personal API tokens (a bridged phone system) post the same way. Emits message.created."
	huma.Register(s.api, rec, func(ctx context.Context, in *recordInput) (*Body[*parley.Message], error) {
		a, err := s.actor(ctx, in.WorkspaceID)
		if err != nil {
			return nil, err
		}
		b := in.Body
		m, err := s.Calls.Record(ctx, a, in.ContactID, calls.Input{Direction: b.Direction, StartedAt: b.StartedAt,
			DurationS: b.DurationS, RecordingURL: b.RecordingURL, Notes: b.Notes, AgentID: b.AgentID, ConversationID: b.ConversationID})
		return result(s, ctx, m, err)
	})
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/contacts/{contact_id}/calls", "listContactCalls",
		"A contact's calls, newest first (the client card's history)", 200),
		func(ctx context.Context, in *ContactPath) (*Body[Items[calls.ContactCall]], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			list, err := s.Calls.ForContact(ctx, a, in.ContactID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return items(list, ""), nil
		})
}
