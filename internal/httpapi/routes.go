package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/session"
	"github.com/parleyhq/parley/internal/sqlstore"
)

func (s *Server) routes() {
	s.authRoutes()
	s.workspaceRoutes()
	s.inviteRoutes()
	s.conversationRoutes()
	s.inboundRoutes()
	s.retryRoutes()
	s.channelRoutes()
	s.channelSpecRoutes()
	s.uploadRoutes()
	s.lifecycleRoutes()
	s.callRoutes()
	s.notificationRoutes()
	s.collabRoutes()
	s.aiRoutes()
	s.hoursRoutes()
}

// op describes an operation, tagged with its area (areaOf); secured
// operations document both schemes, and "public" as the last argument marks
// one that needs no sign-in.
func op(method, path, id, summary string, status int, public ...string) huma.Operation {
	o := huma.Operation{
		OperationID: id, Method: method, Path: "/api/v1" + path, Summary: summary,
		DefaultStatus: status, Tags: []string{areaOf(path)}, MaxBodyBytes: MaxBodyBytes,
	}
	if len(public) == 0 || public[0] != "public" {
		o.Security = []map[string][]string{{"bearer": {}}, {"cookie": {}}}
	}
	return o
}

// me returns the signed-in principal or a 401.
func (s *Server) me(ctx context.Context) (*principal, error) {
	p := principalFrom(ctx)
	if p == nil {
		return nil, huma.Error401Unauthorized("Sign in first.")
	}
	return p, nil
}

// actor resolves the signed-in user as a member of the workspace.
func (s *Server) actor(ctx context.Context, workspaceID string) (parley.Actor, error) {
	p, err := s.me(ctx)
	if err != nil {
		return parley.Actor{}, err
	}
	a, err := s.Sessions.Actor(ctx, p.User, workspaceID)
	if err != nil {
		return parley.Actor{}, s.problem(ctx, err)
	}
	return a, nil
}

// Body wraps a JSON response body.
type Body[T any] struct {
	Body T
}

// Items is a list response.
type Items[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

func body[T any](v T) *Body[T] { return &Body[T]{Body: v} }

func items[T any](v []T, next string) *Body[Items[T]] {
	if v == nil {
		v = []T{}
	}
	return body(Items[T]{Items: v, NextCursor: next})
}

// empty is a response without a body.
type empty struct{}

// WorkspacePath names a workspace.
type WorkspacePath struct {
	WorkspaceID string `path:"workspace_id" format:"uuid"`
}

// loginInput is the sign-in form.
type loginInput struct {
	Body struct {
		Email    string `json:"email" required:"true" maxLength:"254"`
		Password string `json:"password" required:"true" maxLength:"256"`
	}
}

// cookieOutput sets the session cookie.
type cookieOutput struct {
	SetCookie http.Cookie `header:"Set-Cookie"`
	Body      any
}

func (s *Server) sessionCookie(token string, expires time.Time) http.Cookie {
	return http.Cookie{
		Name: CookieName, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.PublicURL != nil && s.PublicURL.Scheme == "https", Expires: expires,
	}
}

// loginOutput sets the session and known-device cookies.
type loginOutput struct {
	SetCookie []http.Cookie `header:"Set-Cookie"`
	Body      any
}

// deviceCookie marks a browser that signed in to an account, so the
// account's owner is not locked out by someone guessing its password.
func (s *Server) deviceCookie(value string) http.Cookie {
	return http.Cookie{
		Name: DeviceCookieName, Value: value, Path: "/api/v1/auth/login", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: s.PublicURL != nil && s.PublicURL.Scheme == "https", MaxAge: int(session.DeviceTTL / time.Second),
	}
}

func (s *Server) authRoutes() {
	huma.Register(s.api, op(http.MethodPost, "/auth/login", "login",
		"Sign in with email and password (429 with Retry-After while a sign-in limit holds)", 200, "public"),
		func(ctx context.Context, in *loginInput) (*loginOutput, error) {
			r := requestFrom(ctx)
			a := session.Attempt{Email: in.Body.Email, Password: in.Body.Password, IP: s.clientIP(r)}
			if c, err := r.Cookie(DeviceCookieName); err == nil {
				a.Device = c.Value
			}
			if p := principalFrom(ctx); p != nil && p.cookie && p.Session.Kind == sqlstore.SessionLogin {
				a.SessionUserID, a.SessionID = p.User.ID, p.Session.ID
			}
			l, err := s.Sessions.Login(ctx, a)
			if le, ok := errors.AsType[*session.LimitError](err); ok {
				secs := max(int64((le.RetryAfter+time.Second-1)/time.Second), 1)
				return nil, huma.ErrorWithHeaders(s.problem(ctx, err), http.Header{"Retry-After": {strconv.FormatInt(secs, 10)}})
			}
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &loginOutput{SetCookie: []http.Cookie{s.sessionCookie(l.Token, l.ExpiresAt), s.deviceCookie(l.Device)}, Body: l}, nil
		})
	huma.Register(s.api, op(http.MethodPost, "/auth/logout", "logout", "Sign out (revokes this session)", 204),
		func(ctx context.Context, _ *struct{}) (*cookieOutput, error) {
			p, err := s.me(ctx)
			if err != nil {
				return nil, err
			}
			if err := s.Sessions.Logout(ctx, p.User.ID, p.Session.ID); err != nil {
				return nil, s.problem(ctx, err)
			}
			c := s.sessionCookie("", time.Unix(0, 0))
			c.MaxAge = -1
			return &cookieOutput{SetCookie: c}, nil
		})
	huma.Register(s.api, op(http.MethodGet, "/setup", "getSetup", "Whether first-run set-up is needed", 200, "public"),
		func(ctx context.Context, _ *struct{}) (*Body[map[string]bool], error) {
			needed, err := s.Sessions.SetupNeeded(ctx)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return body(map[string]bool{"needed": needed}), nil
		})
	type authRoutesSetupInput struct {
		Body struct {
			Token         string `json:"token" required:"true" maxLength:"200"`
			WorkspaceName string `json:"workspace_name" required:"true" maxLength:"200"`
			Name          string `json:"name" required:"true" maxLength:"200"`
			Email         string `json:"email" required:"true" maxLength:"254"`
			Password      string `json:"password" required:"true" maxLength:"256"`
		}
	}
	huma.Register(s.api, op(http.MethodPost, "/setup", "completeSetup", "Create the first workspace and admin", 201, "public"),
		func(ctx context.Context, in *authRoutesSetupInput) (*cookieOutput, error) {
			b := in.Body
			l, err := s.Sessions.CompleteSetup(ctx, setupArgs(b.Token, b.WorkspaceName, b.Name, b.Email, b.Password))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &cookieOutput{SetCookie: s.sessionCookie(l.Token, l.ExpiresAt), Body: l}, nil
		})
	type authRoutesMeOutput struct {
		User       *parley.User                   `json:"user"`
		Workspaces []sqlstore.WorkspaceMembership `json:"workspaces"`
	}
	huma.Register(s.api, op(http.MethodGet, "/me", "getMe", "The signed-in user and their workspaces", 200),
		func(ctx context.Context, _ *struct{}) (*Body[authRoutesMeOutput], error) {
			p, err := s.me(ctx)
			if err != nil {
				return nil, err
			}
			ws, err := s.Store.ListWorkspacesOfUser(ctx, p.User.ID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return body(authRoutesMeOutput{User: p.User, Workspaces: ws}), nil
		})
	type authRoutesMeInput struct {
		Body struct {
			Name      *string `json:"name,omitempty" maxLength:"200"`
			AvatarURL *string `json:"avatar_url,omitempty" maxLength:"2048"`
		}
	}
	huma.Register(s.api, op(http.MethodPatch, "/me", "updateMe", "Change your name or avatar", 200),
		func(ctx context.Context, in *authRoutesMeInput) (*Body[*parley.User], error) {
			p, err := s.me(ctx)
			if err != nil {
				return nil, err
			}
			u, err := s.Workspaces.UpdateProfile(ctx, p.User.ID, in.Body.Name, in.Body.AvatarURL)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return body(u), nil
		})
	type authRoutesPasswordInput struct {
		Body struct {
			Current string `json:"current_password" required:"true" maxLength:"256"`
			New     string `json:"new_password" required:"true" maxLength:"256"`
		}
	}
	type authRoutesPasswordOutput struct {
		Revoked sqlstore.RevokedCredentials `json:"revoked"`
	}
	huma.Register(s.api, op(http.MethodPost, "/me/password", "changePassword",
		"Change your password (signs out your other sessions and revokes all your API tokens; says how many)", 200),
		func(ctx context.Context, in *authRoutesPasswordInput) (*Body[authRoutesPasswordOutput], error) {
			p, err := s.me(ctx)
			if err != nil {
				return nil, err
			}
			// An API token may change the password too; it is revoked
			// with the others (keep names only a browser session).
			keep := ""
			if p.Session.Kind == sqlstore.SessionLogin {
				keep = p.Session.ID
			}
			revoked, err := s.Sessions.ChangePassword(ctx, p.User.ID, keep, in.Body.Current, in.Body.New)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return body(authRoutesPasswordOutput{Revoked: revoked}), nil
		})
	huma.Register(s.api, op(http.MethodGet, "/workspaces", "listWorkspaces", "Your workspaces", 200),
		func(ctx context.Context, _ *struct{}) (*Body[Items[sqlstore.WorkspaceMembership]], error) {
			p, err := s.me(ctx)
			if err != nil {
				return nil, err
			}
			ws, err := s.Store.ListWorkspacesOfUser(ctx, p.User.ID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return items(ws, ""), nil
		})
	s.tokenRoutes()
}

func (s *Server) tokenRoutes() {
	type tokenRoutesCreateInput struct {
		Body struct {
			Name string `json:"name" required:"true" maxLength:"200"`
		}
	}
	huma.Register(s.api, op(http.MethodPost, "/tokens", "createToken", "Create a personal API token (shown once)", 201),
		func(ctx context.Context, in *tokenRoutesCreateInput) (*Body[any], error) {
			p, err := s.me(ctx)
			if err != nil {
				return nil, err
			}
			t, err := s.Sessions.CreateAPIToken(ctx, p.User.ID, in.Body.Name)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return body[any](t), nil
		})
	huma.Register(s.api, op(http.MethodGet, "/tokens", "listTokens", "Your personal API tokens", 200),
		func(ctx context.Context, _ *struct{}) (*Body[Items[parley.Session]], error) {
			p, err := s.me(ctx)
			if err != nil {
				return nil, err
			}
			list, err := s.Sessions.APITokens(ctx, p.User.ID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return items(list, ""), nil
		})
	type tokenRoutesDeleteInput struct {
		TokenID string `path:"token_id" format:"uuid"`
	}
	huma.Register(s.api, op(http.MethodDelete, "/tokens/{token_id}", "revokeToken", "Revoke a personal API token", 204),
		func(ctx context.Context, in *tokenRoutesDeleteInput) (*empty, error) {
			p, err := s.me(ctx)
			if err != nil {
				return nil, err
			}
			if err := s.Sessions.RevokeAPIToken(ctx, p.User.ID, in.TokenID); err != nil {
				return nil, s.problem(ctx, err)
			}
			return &empty{}, nil
		})
}
