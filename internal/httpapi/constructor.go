package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/canned"
	"github.com/parleyhq/parley/internal/compose"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/linkpreview"
)

// constructorRoutes are the composer's message constructor: sending a
// message built from blocks, keeping an unfinished one per user and
// conversation, and the link previews its link blocks show.
func (s *Server) constructorRoutes() {
	type sendInput struct {
		ConversationPath
		Body struct {
			Blocks  []compose.Block `json:"blocks" required:"true" minItems:"1" maxItems:"20" doc:"the message, in order"`
			InboxID string          `json:"inbox_id,omitempty" format:"uuid" doc:"send through another of the contact's channels; default the conversation's"`
		}
	}
	send := op(http.MethodPost, "/workspaces/{workspace_id}/conversations/{conversation_id}/constructor", "sendConstructorMessage",
		"Send a message built from blocks (the composer's constructor)", 201)
	send.Description = "Blocks are text, image, video and file (an upload's attachment_id, with a caption), link (url, with " +
		"the preview's title, description and image_url from GET …/link-preview) and template (a canned reply, rendered for the " +
		"conversation; a text sent with it is used as it is). The message goes as one or several channel messages as the channel " +
		"allows: email sends one mail with every file; WhatsApp, Telegram and Messenger one file a message with its caption; " +
		"SMS texts with links; Messenger sends a previewed link as a card. Runs of text and links join into one message. " +
		"All parts are queued in one transaction, or none; the answer lists them in order. Bad blocks are 422 problems naming " +
		"blocks[i].field. Your constructor draft of the conversation is deleted; your text draft is kept."
	huma.Register(s.api, send, func(ctx context.Context, in *sendInput) (*Body[Items[*parley.Message]], error) {
		a, err := s.actor(ctx, in.WorkspaceID)
		if err != nil {
			return nil, err
		}
		blocks, err := s.renderTemplates(ctx, a, in.ConversationID, in.Body.Blocks)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		msgs, err := s.Conversations.SendBlocks(ctx, a, in.ConversationID, conversation.BlocksInput{Blocks: blocks, InboxID: in.Body.InboxID}, s.Outbox)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return items(msgs, ""), nil
	})

	type draftInput struct {
		ConversationPath
		Body struct {
			Blocks []compose.Block `json:"blocks" required:"true" maxItems:"20" doc:"the unfinished message; blocks may be incomplete; none deletes the draft"`
		}
	}
	put := op(http.MethodPut, "/workspaces/{workspace_id}/conversations/{conversation_id}/constructor-draft", "saveConstructorDraft",
		"Keep your unfinished constructor message of a conversation", 200)
	put.Description = "Per user and conversation, apart from the text draft: list rows carry has_constructor_draft for you " +
		"(the indicator next to the customer's name). Sending the constructor message or an empty list deletes it."
	huma.Register(s.api, put, func(ctx context.Context, in *draftInput) (*Body[*conversation.ConstructorDraft], error) {
		a, err := s.actor(ctx, in.WorkspaceID)
		if err != nil {
			return nil, err
		}
		d, err := s.Conversations.SaveConstructorDraft(ctx, a, in.ConversationID, in.Body.Blocks)
		return result(s, ctx, d, err)
	})
	huma.Register(s.api, described(op(http.MethodGet, "/workspaces/{workspace_id}/conversations/{conversation_id}/constructor-draft", "getConstructorDraft",
		"Your unfinished constructor message of a conversation (404 when you have none)", 200),
		"The blocks as you last kept them (PUT), for the constructor to open where you left it; only yours."),
		func(ctx context.Context, in *ConversationPath) (*Body[*conversation.ConstructorDraft], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			d, err := s.Conversations.ConstructorDraft(ctx, a, in.ConversationID)
			return result(s, ctx, d, err)
		})
	huma.Register(s.api, described(op(http.MethodDelete, "/workspaces/{workspace_id}/conversations/{conversation_id}/constructor-draft", "deleteConstructorDraft",
		"Discard your unfinished constructor message of a conversation", 204),
		"Deletes it (has_constructor_draft turns false); deleting one you do not have is no error."),
		func(ctx context.Context, in *ConversationPath) (*empty, error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			_, err = s.Conversations.SaveConstructorDraft(ctx, a, in.ConversationID, nil)
			return done(s, ctx, err)
		})

	type previewInput struct {
		WorkspacePath
		URL string `query:"url" required:"true" minLength:"1" maxLength:"2048" doc:"an http(s) URL"`
	}
	preview := op(http.MethodGet, "/workspaces/{workspace_id}/link-preview", "linkPreview", "The title, description and image of a link", 200)
	preview.Description = "Fetched by the server (never by the browser) through the outbound guard: private and loopback " +
		"addresses are refused unless PARLEY_ALLOW_PRIVATE_ADDRESSES allows them; at most 512 KiB and 5 seconds; the HTML is " +
		"parsed, never executed; answers are cached for an hour. A page that cannot be read is a 422 problem naming url."
	huma.Register(s.api, preview, func(ctx context.Context, in *previewInput) (*Body[*linkpreview.Preview], error) {
		if _, err := s.actor(ctx, in.WorkspaceID); err != nil {
			return nil, err
		}
		if s.LinkPreview == nil {
			return nil, huma.Error503ServiceUnavailable("Link previews are not configured on this server.")
		}
		p, err := s.LinkPreview.Fetch(ctx, in.URL)
		return result(s, ctx, p, err)
	})
}

// renderTemplates fills each template block without text with its canned
// reply rendered for the conversation. A variable without a value is a
// 422 naming the block: the agent edits the text rather than send it
// blank.
func (s *Server) renderTemplates(ctx context.Context, a parley.Actor, conversationID string, blocks []compose.Block) ([]compose.Block, error) {
	out := make([]compose.Block, len(blocks))
	copy(out, blocks)
	svc := canned.New(s.Store)
	for i, b := range out {
		if b.Type != compose.Template || strings.TrimSpace(b.Text) != "" || b.CannedReplyID == "" {
			continue
		}
		field := fmt.Sprintf("blocks[%d].canned_reply_id", i)
		r, err := svc.Get(ctx, a, b.CannedReplyID)
		if parley.IsNotFound(err) {
			return nil, parley.FieldErrorf(field, "Canned reply %s does not exist.", b.CannedReplyID)
		} else if err != nil {
			return nil, err
		}
		rd, err := svc.RenderFor(ctx, a, conversationID, r.Body)
		if err != nil {
			return nil, err
		}
		if len(rd.Missing) > 0 {
			return nil, parley.FieldErrorf(field, "The canned reply %s needs %s, which this conversation lacks: edit its text.", r.ShortCode, strings.Join(rd.Missing, ", "))
		}
		out[i].Text = rd.Content
	}
	return out, nil
}
