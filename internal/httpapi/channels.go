package httpapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/conversation"
)

// ChannelOps are the provider operations behind the channel routes
// (channelops.Service). Errors are parley errors (ENOTFOUND for an inbox
// the actor cannot see, EFORBIDDEN for admin-only operations, EINVALID for
// an inbox whose provider cannot do it).
type ChannelOps interface {
	// Health returns an inbox's channel health; zero values when nothing
	// has happened on it yet.
	Health(ctx context.Context, a parley.Actor, inboxID string) (*parley.ChannelHealth, error)
	// Test makes a cheap authenticated call to the inbox's provider
	// (admins).
	Test(ctx context.Context, a parley.Actor, inboxID string) (*channel.Probe, error)
	// Templates returns an inbox's message templates from the cache,
	// fetching them first when none are cached or refresh is set, and
	// when they were fetched.
	Templates(ctx context.Context, a parley.Actor, inboxID string, refresh bool) ([]parley.ChannelTemplate, time.Time, error)
}

// ChannelTest is the outcome of a provider test call.
type ChannelTest = channel.Probe

// TemplateList is an inbox's message templates and when they were fetched.
type TemplateList struct {
	Items     []parley.ChannelTemplate `json:"items"`
	FetchedAt time.Time                `json:"fetched_at"`
}

func templateList(items []parley.ChannelTemplate, at time.Time, err error) (*TemplateList, error) {
	if err != nil {
		return nil, err
	}
	return &TemplateList{Items: items, FetchedAt: at}, nil
}

// channelRoutes registers channel health, the provider test call,
// WhatsApp templates (list, refresh, send) and the resend of a failed
// message through another inbox.
func (s *Server) channelRoutes() {
	inboxRoute(s, op(http.MethodGet, "/workspaces/{workspace_id}/inboxes/{inbox_id}/health", "getInboxHealth",
		"Channel health: last inbound, last successful send, last error, failure run, refused webhooks", 200),
		func(ctx context.Context, c ChannelOps, a parley.Actor, inboxID string) (*parley.ChannelHealth, error) {
			return c.Health(ctx, a, inboxID)
		})
	inboxRoute(s, op(http.MethodPost, "/workspaces/{workspace_id}/inboxes/{inbox_id}/test", "testInbox",
		"Call the inbox's provider with its credentials (admins); ok false says why", 200),
		func(ctx context.Context, c ChannelOps, a parley.Actor, inboxID string) (*ChannelTest, error) {
			return c.Test(ctx, a, inboxID)
		})
	inboxRoute(s, op(http.MethodGet, "/workspaces/{workspace_id}/inboxes/{inbox_id}/templates", "listInboxTemplates",
		"WhatsApp message templates with their variables (cached; fetched on first use)", 200),
		func(ctx context.Context, c ChannelOps, a parley.Actor, inboxID string) (*TemplateList, error) {
			return templateList(c.Templates(ctx, a, inboxID, false))
		})
	inboxRoute(s, op(http.MethodPost, "/workspaces/{workspace_id}/inboxes/{inbox_id}/templates/refresh", "refreshInboxTemplates",
		"Fetch the WhatsApp message templates again from the provider", 200),
		func(ctx context.Context, c ChannelOps, a parley.Actor, inboxID string) (*TemplateList, error) {
			return templateList(c.Templates(ctx, a, inboxID, true))
		})
	type channelRoutesTemplateInput struct {
		ConversationPath
		Body struct {
			Name       string   `json:"name" required:"true" minLength:"1" maxLength:"512"`
			Language   string   `json:"language,omitempty" maxLength:"32"`
			Parameters []string `json:"parameters,omitempty" maxItems:"50"`
		}
	}
	huma.Register(s.api, op(http.MethodPost, "/workspaces/{workspace_id}/conversations/{conversation_id}/messages/template", "sendTemplate",
		"Send an approved WhatsApp template (allowed outside the 24-hour window)", 201),
		func(ctx context.Context, in *channelRoutesTemplateInput) (*Body[*parley.Message], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			if s.Channels != nil {
				// Make sure the templates are cached; the use case checks
				// the request against them.
				// (an inbox without templates leaves the refusal to it).
				if conv, err := s.Conversations.Get(ctx, a, in.ConversationID); err == nil {
					if _, _, err := s.Channels.Templates(ctx, a, conv.InboxID, false); err != nil && !errors.Is(err, channel.ErrNoTemplates) {
						return nil, s.problem(ctx, err)
					}
				}
			}
			b := in.Body
			m, err := s.Conversations.SendTemplate(ctx, a, in.ConversationID,
				conversation.TemplateReply{Name: b.Name, Language: b.Language, Parameters: b.Parameters}, s.Outbox)
			return result(s, ctx, m, err)
		})
	type channelRoutesResendInput struct {
		ConversationPath
		MessageID string `path:"message_id" format:"uuid"`
		Body      struct {
			InboxID string `json:"inbox_id" required:"true" format:"uuid"`
		}
	}
	huma.Register(s.api, op(http.MethodPost, "/workspaces/{workspace_id}/conversations/{conversation_id}/messages/{message_id}/resend", "resendMessage",
		"Send a failed reply again through another of the contact's inboxes, as a new linked message", 201),
		func(ctx context.Context, in *channelRoutesResendInput) (*Body[*conversation.Resent], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			r, err := s.Conversations.Resend(ctx, a, in.ConversationID, in.MessageID, in.Body.InboxID, s.Outbox)
			return result(s, ctx, r, err)
		})
}

// inboxRoute registers an operation on one inbox that is one channel
// operation: resolve the actor, call, answer.
func inboxRoute[T any](s *Server, o huma.Operation, call func(ctx context.Context, c ChannelOps, a parley.Actor, inboxID string) (T, error)) {
	huma.Register(s.api, o, func(ctx context.Context, in *InboxPath) (*Body[T], error) {
		a, err := s.actor(ctx, in.WorkspaceID)
		if err != nil {
			return nil, err
		}
		if s.Channels == nil {
			return nil, huma.Error503ServiceUnavailable("Messaging channels are not configured on this server.")
		}
		v, err := call(ctx, s.Channels, a, in.InboxID)
		return result(s, ctx, v, err)
	})
}
