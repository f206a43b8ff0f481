package httpapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/search"
)

// viewsDoc is the views table of the OpenAPI description.
const viewsDoc = `Each view holds, among the conversations you may see (not deleted):
- all: every status except resolved/abandoned unless status says otherwise
- mine: assigned to you, not closed
- unassigned: no assignee, not closed
- team: your teams' conversations (team_id= picks one team), not closed
- queued: status queued
- pinned: pinned by you
- important: the contact has an open task (empty until tasks exist)
- unread: customer messages you have not read
- unread_team: customer messages no member of the conversation's team has read (no team: no member at all)
- unreplied: customer messages since a person last replied, or a handoff waiting for a person
- read_no_reply: you read the customer's last message and nobody has replied since
- waiting_client: the last message (not a note) is ours, an agent's or the AI's
- client_responded: the last message is the customer's
- handoff: the AI asked for a person
- appointments: the customer asked to book or schedule
- dialogs: started by an agent (New chat), not closed
- closed: resolved or abandoned
"Not closed" is a default: a status list given with the view replaces it.`

// filterDoc describes the filter query parameter.
const filterDoc = `A filter object as JSON: {"match":"all|any","conditions":[{"field","op","value"}]}. ` +
	`Fields and operators: channel, inbox, status, ai_mode (eq, neq, in, nin); assignee (a user id or "none"), team, tag, label (eq, neq, in, nin, exists); ` +
	`source (eq, neq, in, nin, contains, exists); priority (eq, neq, in, nin, gt, lt); has_phone, has_email (eq, neq with true/false); ` +
	`contact.attributes.<key> (eq, neq, in, nin, contains, exists, gt, lt); created_at, last_activity_at (eq with today, 24h, 7d, 30d, this_month; gt, lt with a time; between with {"from","to"}); ` +
	`number (eq, neq, in, nin, gt, lt, between). At most 20 conditions and 4096 bytes; anything else answers 422 naming the fault.`

// ListQuery are the query parameters the list and the counts share.
type ListQuery struct {
	Status string `query:"status" maxLength:"200" doc:"comma-separated statuses; replaces a view's default"`
	TeamID string `query:"team_id" maxLength:"36" doc:"with view=team: one team"`
	Filter string `query:"filter" maxLength:"8192" doc:"filter object (JSON); see the operation's description"`
}

func (q ListQuery) params() (conversation.ListParams, error) {
	statuses, err := conversation.ParseStatuses(q.Status)
	if err != nil {
		return conversation.ListParams{}, err
	}
	return conversation.ListParams{Statuses: statuses, TeamID: q.TeamID, Filter: q.Filter}, nil
}

func (s *Server) viewRoutes() {
	type listInput struct {
		WorkspacePath
		View string `query:"view" doc:"one of the views in the description; all by default"`
		ListQuery
		Sort   string `query:"sort" enum:"newest,oldest,created,priority," doc:"newest activity first (default), oldest activity first, newest created, highest priority"`
		Cursor string `query:"cursor" maxLength:"500"`
		Limit  int    `query:"limit" minimum:"0" maximum:"200"`
		// ExternalRefType and ExternalRefID select the conversations about one
		// object of another system (a case, a lead, an order).
		ExternalRefType string `query:"external_ref_type" maxLength:"32" doc:"with external_ref_id: the conversations about that object"`
		ExternalRefID   string `query:"external_ref_id" maxLength:"200"`
	}
	list := op(http.MethodGet, "/workspaces/{workspace_id}/conversations", "listConversations", "Conversations you may see, by view and filter", 200)
	list.Description = viewsDoc + "\n\n" + filterDoc
	huma.Register(s.api, list, func(ctx context.Context, in *listInput) (*Body[Items[parley.ConversationItem]], error) {
		a, err := s.actor(ctx, in.WorkspaceID)
		if err != nil {
			return nil, err
		}
		p, err := in.params()
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		p.View, p.Sort, p.Cursor, p.Limit = in.View, in.Sort, in.Cursor, in.Limit
		p.ExternalRefType, p.ExternalRefID = in.ExternalRefType, in.ExternalRefID
		page, err := s.Conversations.List(ctx, a, p)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return items(page.Items, page.NextCursor), nil
	})
	type countInput struct {
		WorkspacePath
		ListQuery
		Views string `query:"views" maxLength:"400" doc:"comma-separated views to count; every view by default"`
	}
	counts := op(http.MethodGet, "/workspaces/{workspace_id}/conversations/counts", "countConversations", "Live count of every view, keyed by view name", 200)
	counts.Description = "One object whose keys are the view names (" + strings.Join(conversation.Views(), ", ") + ") and values their counts " +
		"(only the views named in views, when given), " +
		"narrowed by status, team_id and filter as the list is.\n\n" + viewsDoc + "\n\n" + filterDoc
	huma.Register(s.api, counts, func(ctx context.Context, in *countInput) (*Body[conversation.Counts], error) {
		a, err := s.actor(ctx, in.WorkspaceID)
		if err != nil {
			return nil, err
		}
		p, err := in.params()
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		if p.Views, err = conversation.ParseViews(in.Views); err != nil {
			return nil, s.problem(ctx, err)
		}
		c, err := s.Conversations.Count(ctx, a, p)
		return result(s, ctx, c, err)
	})
	s.savedFilterRoutes()
	s.searchRoutes()
}

// SavedFilterPath names a saved filter.
type SavedFilterPath struct {
	WorkspacePath
	FilterID string `path:"filter_id" format:"uuid"`
}

func (s *Server) savedFilterRoutes() {
	base := "/workspaces/{workspace_id}/saved-filters"
	huma.Register(s.api, op(http.MethodGet, base, "listSavedFilters", "Your saved filters and the workspace's shared ones, each with its live count", 200),
		func(ctx context.Context, in *WorkspacePath) (*Body[Items[parley.SavedFilter]], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			list, err := s.Conversations.SavedFilters(ctx, a)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return items(list, ""), nil
		})
	type savedFilterBody struct {
		Name   *string        `json:"name,omitempty" maxLength:"400"`
		Filter *parley.Filter `json:"filter,omitempty"`
		Shared *bool          `json:"shared,omitempty" doc:"true: every member of the workspace sees it"`
	}
	type createInput struct {
		WorkspacePath
		Body savedFilterBody
	}
	huma.Register(s.api, op(http.MethodPost, base, "createSavedFilter", "Save a filter (personal, or shared with the workspace)", 201),
		func(ctx context.Context, in *createInput) (*Body[*parley.SavedFilter], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			f, err := s.Conversations.CreateSavedFilter(ctx, a, conversation.SavedFilterInput{Name: in.Body.Name, Filter: in.Body.Filter, Shared: in.Body.Shared})
			return result(s, ctx, f, err)
		})
	type updateInput struct {
		SavedFilterPath
		Body savedFilterBody
	}
	huma.Register(s.api, op(http.MethodPatch, base+"/{filter_id}", "updateSavedFilter", "Rename a saved filter, change its filter or its sharing", 200),
		func(ctx context.Context, in *updateInput) (*Body[*parley.SavedFilter], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			f, err := s.Conversations.UpdateSavedFilter(ctx, a, in.FilterID, conversation.SavedFilterInput{Name: in.Body.Name, Filter: in.Body.Filter, Shared: in.Body.Shared})
			return result(s, ctx, f, err)
		})
	type duplicateInput struct {
		SavedFilterPath
		Body struct {
			Name *string `json:"name,omitempty" maxLength:"400" doc:"the copy's name; \"<name> (copy)\" by default"`
		}
	}
	huma.Register(s.api, op(http.MethodPost, base+"/{filter_id}/duplicate", "duplicateSavedFilter", "Copy a saved filter into a new personal one", 201),
		func(ctx context.Context, in *duplicateInput) (*Body[*parley.SavedFilter], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			f, err := s.Conversations.DuplicateSavedFilter(ctx, a, in.FilterID, in.Body.Name)
			return result(s, ctx, f, err)
		})
	huma.Register(s.api, op(http.MethodDelete, base+"/{filter_id}", "deleteSavedFilter", "Delete a saved filter", 204),
		func(ctx context.Context, in *SavedFilterPath) (*empty, error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			return done(s, ctx, s.Conversations.DeleteSavedFilter(ctx, a, in.FilterID))
		})
}

func (s *Server) searchRoutes() {
	searcher := search.New(s.Store)
	type searchInput struct {
		WorkspacePath
		Q      string `query:"q" maxLength:"800" doc:"what to find: a contact's name, company, email or phone (any format), a conversation number (#123 or 123), or words and \"phrases\" from messages"`
		Limit  int    `query:"limit" minimum:"0" maximum:"50" doc:"20 by default"`
		Cursor string `query:"cursor" maxLength:"500"`
	}
	sop := op(http.MethodGet, "/workspaces/{workspace_id}/search", "search", "Search the conversations you may see", 200)
	sop.Description = "Contacts and the conversation a number names come first (on the first page), then messages whose text matches, " +
		"ranked among the newest matches, each with an HTML snippet (text escaped, matches in <mark>). Private notes are searched too. " +
		"Nothing you may not see is returned."
	huma.Register(s.api, sop, func(ctx context.Context, in *searchInput) (*Body[*search.Result], error) {
		a, err := s.actor(ctx, in.WorkspaceID)
		if err != nil {
			return nil, err
		}
		r, err := searcher.Search(ctx, a, in.Q, in.Limit, in.Cursor)
		return result(s, ctx, r, err)
	})
	type threadInput struct {
		ConversationPath
		Q     string `query:"q" maxLength:"800" doc:"text to find in this conversation's messages and notes"`
		Limit int    `query:"limit" minimum:"0" maximum:"500" doc:"200 by default"`
	}
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/conversations/{conversation_id}/search", "searchConversation",
		"Find text in one conversation: the matching messages, newest first, with HTML snippets", 200),
		func(ctx context.Context, in *threadInput) (*Body[*search.ThreadResult], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			r, err := searcher.SearchThread(ctx, a, in.ConversationID, in.Q, in.Limit)
			return result(s, ctx, r, err)
		})
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/dashboard", "dashboard", "Dashboard tiles: yours and the group's", 200),
		func(ctx context.Context, in *WorkspacePath) (*Body[*conversation.Dashboard], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			d, err := s.Conversations.Dashboard(ctx, a)
			return result(s, ctx, d, err)
		})
}
