package httpapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel/webchat"
	"github.com/parleyhq/parley/internal/invite"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/workspace"
)

func (s *Server) workspaceRoutes() {
	s.settingsRoutes()
	s.memberRoutes()
	s.teamRoutes()
	s.inboxRoutes()
	s.contactRoutes()
	s.tagRoutes(sqlstore.KindTag, "tags")
	s.tagRoutes(sqlstore.KindLabel, "labels")
}

func (s *Server) settingsRoutes() {
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}", "getWorkspace", "A workspace and its settings", 200),
		func(ctx context.Context, in *WorkspacePath) (*Body[*parley.Workspace], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			w, err := s.Workspaces.Get(ctx, a)
			return result(s, ctx, w, err)
		})
	type settingsRoutesPatchInput struct {
		WorkspacePath
		Body struct {
			Name     *string                   `json:"name,omitempty" maxLength:"200"`
			Settings *parley.WorkspaceSettings `json:"settings,omitempty"`
		}
	}
	huma.Register(s.api, op(http.MethodPatch, "/workspaces/{workspace_id}", "updateWorkspace", "Change a workspace's name or settings (admins)", 200),
		func(ctx context.Context, in *settingsRoutesPatchInput) (*Body[*parley.Workspace], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			w, err := s.Workspaces.UpdateSettings(ctx, a, in.Body.Name, in.Body.Settings)
			return result(s, ctx, w, err)
		})
}

// result wraps a use case's answer.
func result[T any](s *Server, ctx context.Context, v T, err error) (*Body[T], error) {
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return body(v), nil
}

// done answers a use case without a body.
func done(s *Server, ctx context.Context, err error) (*empty, error) {
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &empty{}, nil
}

// UserPath names a member.
type UserPath struct {
	WorkspacePath
	UserID string `path:"user_id" format:"uuid"`
}

func (s *Server) memberRoutes() {
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/users", "listUsers", "Members of the workspace", 200),
		func(ctx context.Context, in *WorkspacePath) (*Body[Items[parley.Member]], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			list, err := s.Workspaces.Members(ctx, a)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return items(list, ""), nil
		})
	type memberRoutesInviteInput struct {
		WorkspacePath
		Body struct {
			Email    string      `json:"email" required:"true" maxLength:"254" doc:"The address to invite."`
			Role     parley.Role `json:"role,omitempty" enum:"admin,agent" doc:"The role on joining (agent when omitted)."`
			Name     string      `json:"name,omitempty" maxLength:"200" deprecated:"true" doc:"Ignored: the person chooses their name when they accept."`
			Password string      `json:"password,omitempty" maxLength:"256" deprecated:"true" doc:"Refused: admins do not set passwords; the person sets their own when they accept."`
		}
	}
	inviteUser := described(op(http.MethodPost, "/workspaces/{workspace_id}/users", "inviteUser", "Invite someone (admins; alias of createInvite)", 201),
		"Kept for older clients: it invites, exactly as POST /workspaces/{workspace_id}/invites, and answers the same. "+
			"It creates no account, attaches none, and says nothing about any account: the person joins by accepting the link. "+
			"A password is refused (422).")
	inviteUser.Deprecated = true
	if s.Invites != nil {
		huma.Register(s.api, inviteUser,
			func(ctx context.Context, in *memberRoutesInviteInput) (*Body[*invite.InvitationLink], error) {
				a, err := s.actor(ctx, in.WorkspaceID)
				if err != nil {
					return nil, err
				}
				if in.Body.Password != "" {
					return nil, s.problem(ctx, parley.FieldErrorf("password",
						"Admins do not set passwords: the person sets their own when they accept the invitation link."))
				}
				l, err := s.Invites.Create(ctx, a, in.Body.Email, in.Body.Role)
				return result(s, ctx, l, err)
			})
	}
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/users/{user_id}", "getUser", "One member", 200),
		func(ctx context.Context, in *UserPath) (*Body[*parley.Member], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			m, err := s.Workspaces.Member(ctx, a, in.UserID)
			return result(s, ctx, m, err)
		})
	type memberRoutesPatchInput struct {
		UserPath
		Body struct {
			Role         *parley.Role         `json:"role,omitempty" enum:"admin,agent"`
			Availability *parley.Availability `json:"availability,omitempty" enum:"online,busy,offline"`
			Capacity     *int                 `json:"capacity,omitempty" minimum:"0" maximum:"10000"`
		}
	}
	huma.Register(s.api, op(http.MethodPatch, "/workspaces/{workspace_id}/users/{user_id}", "updateUser", "Change a member's role, availability or capacity", 200),
		func(ctx context.Context, in *memberRoutesPatchInput) (*Body[*parley.Member], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			b := in.Body
			m, err := s.Workspaces.UpdateMember(ctx, a, in.UserID, workspace.MemberChange{Role: b.Role, Availability: b.Availability, Capacity: b.Capacity})
			return result(s, ctx, m, err)
		})
	huma.Register(s.api, op(http.MethodDelete, "/workspaces/{workspace_id}/users/{user_id}", "removeUser", "Remove a member (admins)", 204),
		func(ctx context.Context, in *UserPath) (*empty, error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			return done(s, ctx, s.Workspaces.RemoveMember(ctx, a, in.UserID))
		})
}

// TeamPath names a team.
type TeamPath struct {
	WorkspacePath
	TeamID string `path:"team_id" format:"uuid"`
}

func (s *Server) teamRoutes() {
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/teams", "listTeams", "Teams (queues)", 200),
		func(ctx context.Context, in *WorkspacePath) (*Body[Items[parley.Team]], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			list, err := s.Workspaces.Teams(ctx, a)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return items(list, ""), nil
		})
	type teamRoutesCreateInput struct {
		WorkspacePath
		Body struct {
			Name      string   `json:"name" required:"true" maxLength:"200"`
			MemberIDs []string `json:"member_ids,omitempty" maxItems:"1000"`
		}
	}
	huma.Register(s.api, op(http.MethodPost, "/workspaces/{workspace_id}/teams", "createTeam", "Create a team (admins)", 201),
		func(ctx context.Context, in *teamRoutesCreateInput) (*Body[*parley.Team], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			t, err := s.Workspaces.CreateTeam(ctx, a, in.Body.Name, in.Body.MemberIDs)
			return result(s, ctx, t, err)
		})
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/teams/{team_id}", "getTeam", "One team", 200),
		func(ctx context.Context, in *TeamPath) (*Body[*parley.Team], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			t, err := s.Workspaces.Team(ctx, a, in.TeamID)
			return result(s, ctx, t, err)
		})
	type teamRoutesPatchInput struct {
		TeamPath
		Body struct {
			Name          *string  `json:"name,omitempty" maxLength:"200"`
			MemberIDs     []string `json:"member_ids,omitempty" maxItems:"1000"`
			RoutingPolicy *string  `json:"routing_policy,omitempty" enum:"manual,round_robin,least_busy" doc:"manual (default): agents accept from the queue; round_robin or least_busy: new conversations of the team's inboxes start queued and are assigned to an online, connected agent below capacity"`
		}
	}
	huma.Register(s.api, op(http.MethodPatch, "/workspaces/{workspace_id}/teams/{team_id}", "updateTeam", "Rename a team, replace its members or set its routing policy (admins)", 200),
		func(ctx context.Context, in *teamRoutesPatchInput) (*Body[*parley.Team], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			t, err := s.Workspaces.UpdateTeamWith(ctx, a, in.TeamID, workspace.TeamChange{Name: in.Body.Name, MemberIDs: in.Body.MemberIDs, RoutingPolicy: in.Body.RoutingPolicy})
			return result(s, ctx, t, err)
		})
	huma.Register(s.api, op(http.MethodDelete, "/workspaces/{workspace_id}/teams/{team_id}", "deleteTeam", "Delete a team (admins)", 204),
		func(ctx context.Context, in *TeamPath) (*empty, error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			return done(s, ctx, s.Workspaces.DeleteTeam(ctx, a, in.TeamID))
		})
}

// InboxPath names an inbox.
type InboxPath struct {
	WorkspacePath
	InboxID string `path:"inbox_id" format:"uuid"`
}

// inboxBody creates or changes an inbox.
type inboxBody struct {
	Name            *string           `json:"name,omitempty" maxLength:"200"`
	Channel         string            `json:"channel,omitempty" maxLength:"32"`
	Config          map[string]string `json:"config,omitempty"`
	TeamID          *string           `json:"team_id,omitempty"`
	FallbackInboxID *string           `json:"fallback_inbox_id,omitempty"`
}

func (b inboxBody) input() workspace.InboxInput {
	return workspace.InboxInput{Name: b.Name, Channel: b.Channel, Config: b.Config, TeamID: b.TeamID, FallbackInboxID: b.FallbackInboxID}
}

func (s *Server) inboxRoutes() {
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/inboxes", "listInboxes", "Inboxes (channels)", 200),
		func(ctx context.Context, in *WorkspacePath) (*Body[Items[parley.Inbox]], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			list, err := s.Workspaces.Inboxes(ctx, a)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return items(list, ""), nil
		})
	type inboxRoutesCreateInput struct {
		WorkspacePath
		Body struct {
			Name            string            `json:"name" required:"true" maxLength:"200"`
			Channel         string            `json:"channel" required:"true" maxLength:"32"`
			Config          map[string]string `json:"config,omitempty"`
			TeamID          *string           `json:"team_id,omitempty"`
			FallbackInboxID *string           `json:"fallback_inbox_id,omitempty"`
		}
	}
	huma.Register(s.api, op(http.MethodPost, "/workspaces/{workspace_id}/inboxes", "createInbox", "Create an inbox (admins)", 201),
		func(ctx context.Context, in *inboxRoutesCreateInput) (*Body[*createdInbox], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			b := in.Body
			inbox, err := s.Workspaces.CreateInbox(ctx, a, workspace.InboxInput{
				Name: &b.Name, Channel: b.Channel, Config: b.Config, TeamID: b.TeamID, FallbackInboxID: b.FallbackInboxID})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := &createdInbox{Inbox: workspace.Redact(*inbox, true)}
			if inbox.Channel == parley.ChannelWebchat {
				out.WebsiteToken = webchat.WebsiteToken(inbox)
				out.EmbedSnippet = webchat.Snippet(s.publicBase(), out.WebsiteToken)
				out.IdentitySecret = inbox.Secrets[webchat.KeyIdentitySecret]
			}
			return body(out), nil
		})
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/inboxes/{inbox_id}", "getInbox", "One inbox", 200),
		func(ctx context.Context, in *InboxPath) (*Body[*parley.Inbox], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			inbox, err := s.Workspaces.Inbox(ctx, a, in.InboxID)
			return result(s, ctx, inbox, err)
		})
	type inboxRoutesPatchInput struct {
		InboxPath
		Body inboxBody
	}
	huma.Register(s.api, op(http.MethodPatch, "/workspaces/{workspace_id}/inboxes/{inbox_id}", "updateInbox", "Change an inbox (admins)", 200),
		func(ctx context.Context, in *inboxRoutesPatchInput) (*Body[*parley.Inbox], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			if in.Body.Channel != "" {
				return nil, huma.Error422UnprocessableEntity("An inbox's channel cannot change.", &huma.ErrorDetail{Location: "body.channel", Message: "An inbox's channel cannot change."})
			}
			inbox, err := s.Workspaces.UpdateInbox(ctx, a, in.InboxID, in.Body.input())
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			r := workspace.Redact(*inbox, true)
			return body(&r), nil
		})
	huma.Register(s.api, op(http.MethodDelete, "/workspaces/{workspace_id}/inboxes/{inbox_id}", "deleteInbox", "Delete an inbox (admins)", 204),
		func(ctx context.Context, in *InboxPath) (*empty, error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			return done(s, ctx, s.Workspaces.DeleteInbox(ctx, a, in.InboxID))
		})
}

// createdInbox is a new inbox; a web-chat inbox also shows its website
// token, the <script> tag to embed and, this once, its identity secret.
type createdInbox struct {
	parley.Inbox
	WebsiteToken   string `json:"website_token,omitempty"`
	EmbedSnippet   string `json:"embed_snippet,omitempty"`
	IdentitySecret string `json:"identity_secret,omitempty"`
}

// publicBase is the public URL without a trailing slash ("" when unset).
func (s *Server) publicBase() string {
	if s.PublicURL == nil {
		return ""
	}
	return strings.TrimRight(s.PublicURL.String(), "/")
}
