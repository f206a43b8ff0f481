package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/phone"
)

// inboundInput is a customer message posted to an API inbox.
type inboundInput struct {
	Token string `path:"inbound_token" maxLength:"200"`
	Body  struct {
		Contact struct {
			SourceID string `json:"source_id" required:"true" minLength:"1" maxLength:"512"`
			Name     string `json:"name,omitempty" maxLength:"200"`
			Email    string `json:"email,omitempty" maxLength:"254"`
			Phone    string `json:"phone,omitempty" maxLength:"64"`
		} `json:"contact" required:"true"`
		SourceMessageID string `json:"source_message_id" required:"true" minLength:"1" maxLength:"512"`
		Content         string `json:"content" required:"true" minLength:"1" maxLength:"262144"`
	}
}

// inboundOutput says where the message landed.
type inboundOutput struct {
	MessageID      string `json:"message_id"`
	ConversationID string `json:"conversation_id"`
}

func (s *Server) inboundRoutes() {
	huma.Register(s.api, op(http.MethodPost, "/inbound/{inbound_token}/messages", "postInbound",
		"Deliver a customer message to an API inbox (idempotent on source_message_id)", 202, "public"),
		func(ctx context.Context, in *inboundInput) (*Body[inboundOutput], error) {
			inbox, err := s.Store.FindInboxByInboundToken(ctx, in.Token)
			if err != nil {
				if parley.IsNotFound(err) {
					return nil, huma.Error404NotFound("No inbox has this inbound token.")
				}
				return nil, s.problem(ctx, err)
			}
			c := in.Body.Contact
			ci := channel.ContactInfo{SourceID: c.SourceID, Name: c.Name, Email: c.Email}
			if c.Phone != "" {
				e164, err := phone.Normalize(c.Phone)
				if err != nil {
					return nil, s.problem(ctx, parley.FieldErrorf("contact.phone", "%q is not a phone number in international form.", c.Phone))
				}
				ci.Phone = e164
			}
			res, err := s.Inbound.Receive(ctx, inbox, channel.Inbound{
				ProviderMessageID: in.Body.SourceMessageID, Contact: ci, Content: in.Body.Content, ContentType: "text",
			})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return body(inboundOutput{MessageID: res.MessageID, ConversationID: res.ConversationID}), nil
		})
}
