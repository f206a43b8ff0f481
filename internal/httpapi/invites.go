package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/invite"
)

// InvitePath names an invitation.
type InvitePath struct {
	WorkspacePath
	InviteID string `path:"invite_id" format:"uuid"`
}

// described is op with a longer description.
func described(o huma.Operation, description string) huma.Operation {
	o.Description = description
	return o
}

const passwordRule = "At least 8 characters (at most 256 bytes)."

// createInviteBody is the invitation form.
type createInviteBody struct {
	Email string      `json:"email" required:"true" maxLength:"254" doc:"The address to invite."`
	Role  parley.Role `json:"role,omitempty" enum:"admin,agent" doc:"The role on joining (agent when omitted)."`
}

func (s *Server) inviteRoutes() {
	if s.Invites == nil {
		return
	}
	type inviteRoutesCreateInput struct {
		WorkspacePath
		Body createInviteBody
	}
	huma.Register(s.api, described(op(http.MethodPost, "/workspaces/{workspace_id}/invites", "createInvite", "Invite someone to the workspace (admins)", 201),
		"Makes a one-time link, valid for 7 days, for the admin to give the person (no email is sent). "+
			"The answer is the same whether or not an account exists for the address. Inviting an address that "+
			"already has a pending invitation here replaces it: new role, new link, new expiry, and the old link stops working. "+
			"A current member of this workspace is 409."),
		func(ctx context.Context, in *inviteRoutesCreateInput) (*Body[*invite.InvitationLink], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			l, err := s.Invites.Create(ctx, a, in.Body.Email, in.Body.Role)
			return result(s, ctx, l, err)
		})
	huma.Register(s.api, described(op(http.MethodGet, "/workspaces/{workspace_id}/invites", "listInvites", "Pending invitations (admins)", 200),
		"Invitations neither accepted nor revoked, newest first; expired ones too (renew them with resend). Links are not shown again."),
		func(ctx context.Context, in *WorkspacePath) (*Body[Items[invite.Invitation]], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			list, err := s.Invites.List(ctx, a)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return items(list, ""), nil
		})
	huma.Register(s.api, described(op(http.MethodDelete, "/workspaces/{workspace_id}/invites/{invite_id}", "revokeInvite", "Revoke an invitation (admins)", 204),
		"Its link stops working."),
		func(ctx context.Context, in *InvitePath) (*empty, error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			return done(s, ctx, s.Invites.Revoke(ctx, a, in.InviteID))
		})
	huma.Register(s.api, described(op(http.MethodPost, "/workspaces/{workspace_id}/invites/{invite_id}/resend", "resendInvite", "Renew an invitation's link (admins)", 200),
		"Makes a new one-time link with a new 7-day expiry; the old link stops working."),
		func(ctx context.Context, in *InvitePath) (*Body[*invite.InvitationLink], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			l, err := s.Invites.Resend(ctx, a, in.InviteID)
			return result(s, ctx, l, err)
		})
	type inviteRoutesLookupInput struct {
		Token string `query:"token" required:"true" maxLength:"200" doc:"The token from the invitation link."`
	}
	huma.Register(s.api, described(op(http.MethodGet, "/invites/lookup", "lookupInvite", "What an invitation link is for", 200, "public"),
		"For the accept page: the invited address, the workspace, the role and whether an account exists for the address "+
			"(then the person signs in before accepting). An invalid, expired, revoked or used link is 404."),
		func(ctx context.Context, in *inviteRoutesLookupInput) (*Body[*invite.InvitationDetails], error) {
			d, err := s.Invites.Lookup(ctx, in.Token)
			if err != nil {
				return nil, s.problemIn(ctx, err, "query")
			}
			return body(d), nil
		})
	type inviteRoutesAcceptInput struct {
		Body struct {
			Token    string `json:"token" required:"true" maxLength:"200" doc:"The token from the invitation link."`
			Name     string `json:"name,omitempty" maxLength:"200" doc:"Your name, for a new account (ignored when the account exists)."`
			Password string `json:"password,omitempty" maxLength:"256" doc:"Your password, for a new account (ignored when the account exists). At least 8 characters (at most 256 bytes)."`
		}
	}
	type inviteRoutesAcceptOutput struct {
		SetCookie string `header:"Set-Cookie" doc:"The new session, when the account was created."`
		Body      *invite.AcceptedInvitation
	}
	huma.Register(s.api, described(op(http.MethodPost, "/invites/accept", "acceptInvite", "Accept an invitation", 200, "public"),
		"Uses the link once. When no account exists for the invited address, creates it with the name and password given, "+
			"joins the workspace and signs in (token and session cookie, as login). When one exists, you must be signed in as it "+
			"(401 when signed out, 409 as someone else): it joins the workspace, and its name and password are not changed. "+
			"Password: "+passwordRule),
		func(ctx context.Context, in *inviteRoutesAcceptInput) (*inviteRoutesAcceptOutput, error) {
			var caller *parley.User
			if p := principalFrom(ctx); p != nil {
				caller = p.User
			}
			b := in.Body
			acc, err := s.Invites.Accept(ctx, invite.Acceptance{Token: b.Token, Name: b.Name, Password: b.Password}, caller)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := &inviteRoutesAcceptOutput{Body: acc}
			if acc.Token != "" {
				c := s.sessionCookie(acc.Token, acc.ExpiresAt)
				out.SetCookie = c.String()
			}
			return out, nil
		})
	s.passwordResetRoutes()
}

func (s *Server) passwordResetRoutes() {
	huma.Register(s.api, described(op(http.MethodPost, "/workspaces/{workspace_id}/users/{user_id}/password-reset", "issuePasswordReset", "Make a password-reset link for a member (admins)", 201),
		"A one-time link, valid for an hour, for the admin to give the person (no email is sent); the person's earlier reset links stop working. "+
			"Only for a person whose one workspace is this one: someone who belongs to other workspaces too is 409 "+
			"(they reset their own password from the sign-in page)."),
		func(ctx context.Context, in *UserPath) (*Body[*invite.ResetLink], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			l, err := s.Invites.IssueReset(ctx, a, in.UserID)
			return result(s, ctx, l, err)
		})
	type passwordResetRoutesRequestInput struct {
		Body struct {
			Email string `json:"email" required:"true" maxLength:"254" doc:"The address of the account."`
		}
	}
	huma.Register(s.api, described(op(http.MethodPost, "/password-reset/request", "requestPasswordReset", "Forgot password?", 202, "public"),
		"Always 202 with the same answer whether or not the address has an account. This server has no email relay yet, "+
			"so nothing is sent and the answer says so (email_configured false): ask an admin of your workspace for a reset link."),
		func(ctx context.Context, in *passwordResetRoutesRequestInput) (*Body[*invite.ResetRequested], error) {
			r, err := s.Invites.RequestReset(ctx, in.Body.Email)
			return result(s, ctx, r, err)
		})
	type passwordResetRoutesConfirmInput struct {
		Body struct {
			Token    string `json:"token" required:"true" maxLength:"200" doc:"The token from the reset link."`
			Password string `json:"password" required:"true" maxLength:"256" doc:"The new password. At least 8 characters (at most 256 bytes)."`
		}
	}
	huma.Register(s.api, described(op(http.MethodPost, "/password-reset/confirm", "confirmPasswordReset", "Set a new password with a reset link", 204, "public"),
		"Uses the link once: sets the password and signs the person out everywhere (every session and personal API token). "+
			"An invalid, expired or used link is 404. Password: "+passwordRule),
		func(ctx context.Context, in *passwordResetRoutesConfirmInput) (*empty, error) {
			return done(s, ctx, s.Invites.ConfirmReset(ctx, in.Body.Token, in.Body.Password))
		})
}

// problemIn is problem for an error whose field is in another part of the
// request than the body (query).
func (s *Server) problemIn(ctx context.Context, err error, in string) error {
	if pe, ok := errors.AsType[*parley.Error](err); ok && pe.Field != "" {
		msg := parley.ErrorMessage(err)
		return huma.NewError(statusOf(err), msg, &huma.ErrorDetail{Location: in + "." + pe.Field, Message: msg})
	}
	return s.problem(ctx, err)
}
