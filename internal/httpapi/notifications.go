package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// WorkspaceQuery names a workspace in the query string.
type WorkspaceQuery struct {
	WorkspaceID string `query:"workspace_id" required:"true" format:"uuid" doc:"The workspace."`
}

// markedAll is the answer to read-all.
type markedAll struct {
	Marked int64 `json:"marked" doc:"How many notifications were unread."`
	Unread int64 `json:"unread"`
}

func (s *Server) notificationRoutes() {
	if s.Notifications == nil {
		return
	}
	type listInput struct {
		WorkspaceQuery
		Cursor string `query:"cursor" maxLength:"64" doc:"next_cursor of the previous page."`
		Limit  int    `query:"limit" minimum:"1" maximum:"100" doc:"Items per page (50 when omitted)."`
	}
	huma.Register(s.api, described(op(http.MethodGet, "/notifications", "listNotifications", "Your notifications", 200),
		"Newest first, with the number still unread. Items link to a conversation (and message) or an inbox. "+
			"Notifications about conversations you can no longer see are left out. New ones arrive live as "+
			"notification.created events on the WebSocket."),
		func(ctx context.Context, in *listInput) (*Body[*notify.Page], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			p, err := s.Notifications.List(ctx, a, in.Cursor, in.Limit)
			if err != nil {
				return nil, s.problemIn(ctx, err, "query")
			}
			return body(p), nil
		})
	type readInput struct {
		NotificationID string `path:"notification_id" format:"uuid"`
	}
	huma.Register(s.api, op(http.MethodPost, "/notifications/{notification_id}/read", "readNotification", "Mark a notification read", 200),
		func(ctx context.Context, in *readInput) (*Body[*parley.Notification], error) {
			p, err := s.me(ctx)
			if err != nil {
				return nil, err
			}
			n, err := s.Notifications.MarkRead(ctx, p.User.ID, in.NotificationID)
			return result(s, ctx, n, err)
		})
	huma.Register(s.api, op(http.MethodPost, "/notifications/read-all", "readAllNotifications", "Mark all your notifications in a workspace read", 200),
		func(ctx context.Context, in *WorkspaceQuery) (*Body[markedAll], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			n, err := s.Notifications.MarkAllRead(ctx, a)
			return result(s, ctx, markedAll{Marked: n}, err)
		})
	huma.Register(s.api, described(op(http.MethodGet, "/me/notification-preferences", "getNotificationPreferences", "Your notification preferences", 200),
		"Scope (all, assigned, mentions), the channels of each type (in_app, push, email, sound), your time zone and "+
			"quiet hours (push, sound and email are held during them and summarised when they end). Defaults until you save."),
		func(ctx context.Context, in *WorkspaceQuery) (*Body[*parley.NotificationPreferences], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			p, err := s.Notifications.Preferences(ctx, a)
			return result(s, ctx, p, err)
		})
	type putInput struct {
		WorkspaceQuery
		Body parley.NotificationPreferences
	}
	huma.Register(s.api, described(op(http.MethodPut, "/me/notification-preferences", "putNotificationPreferences", "Save your notification preferences", 200),
		"Types left out keep their defaults. Quiet-hour windows are HH:MM to HH:MM in time_zone (an end before the start runs past midnight) "+
			"on the given days (0 Sunday to 6 Saturday; every day when empty)."),
		func(ctx context.Context, in *putInput) (*Body[*parley.NotificationPreferences], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			p, err := s.Notifications.SavePreferences(ctx, a, in.Body)
			if err != nil {
				return nil, s.problemIn(ctx, err, "body")
			}
			return body(p), nil
		})
	huma.Register(s.api, described(op(http.MethodGet, "/push/public-key", "getPushPublicKey", "The server's Web Push (VAPID) public key", 200),
		"The applicationServerKey for PushManager.subscribe, base64url. The same on every node."),
		func(ctx context.Context, _ *struct{}) (*Body[pushKey], error) {
			if _, err := s.me(ctx); err != nil {
				return nil, err
			}
			k, err := s.Notifications.PushPublicKey(ctx)
			return result(s, ctx, pushKey{PublicKey: k}, err)
		})
	type subscribeInput struct {
		UserAgent string `header:"User-Agent"`
		Body      notify.SubscriptionInput
	}
	huma.Register(s.api, described(op(http.MethodPost, "/me/push-subscriptions", "createPushSubscription", "Receive push notifications on this device", 201),
		"The body is the browser's PushSubscription.toJSON(). Subscribing an endpoint again updates its keys. "+
			"Subscriptions the push service reports gone (404, 410) are removed."),
		func(ctx context.Context, in *subscribeInput) (*Body[*sqlstore.PushSubscription], error) {
			p, err := s.me(ctx)
			if err != nil {
				return nil, err
			}
			sub, err := s.Notifications.Subscribe(ctx, p.User.ID, in.UserAgent, in.Body)
			if err != nil {
				return nil, s.problemIn(ctx, err, "body")
			}
			return body(sub), nil
		})
	type unsubscribeInput struct {
		Body struct {
			Endpoint string `json:"endpoint" required:"true" maxLength:"2048"`
		}
	}
	huma.Register(s.api, op(http.MethodDelete, "/me/push-subscriptions", "deletePushSubscription", "Stop push notifications on a device", 204),
		func(ctx context.Context, in *unsubscribeInput) (*empty, error) {
			p, err := s.me(ctx)
			if err != nil {
				return nil, err
			}
			return done(s, ctx, s.Notifications.Unsubscribe(ctx, p.User.ID, in.Body.Endpoint))
		})
	huma.Register(s.api, described(op(http.MethodGet, "/workspaces/{workspace_id}/notification-smtp", "getNotificationSMTP", "The mail server for notification emails (admins)", 200),
		"Email digests of unread notifications go through it; the password is never shown."),
		func(ctx context.Context, in *WorkspacePath) (*Body[*notify.SMTPSettings], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			c, err := s.Notifications.SMTP(ctx, a)
			return result(s, ctx, c, err)
		})
	type smtpInput struct {
		WorkspacePath
		Body notify.SMTPSettings
	}
	huma.Register(s.api, described(op(http.MethodPut, "/workspaces/{workspace_id}/notification-smtp", "putNotificationSMTP", "Set the mail server for notification emails (admins)", 200),
		"An empty host turns notification emails off. Omit the password to keep the stored one (for the same username)."),
		func(ctx context.Context, in *smtpInput) (*Body[*notify.SMTPSettings], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			c, err := s.Notifications.SaveSMTP(ctx, a, in.Body)
			if err != nil {
				return nil, s.problemIn(ctx, err, "body")
			}
			return body(c), nil
		})
}

// pushKey is the VAPID public key.
type pushKey struct {
	PublicKey string `json:"public_key"`
}
