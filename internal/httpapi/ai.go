package httpapi

import (
	"bytes"
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/ai"
	"github.com/parleyhq/parley/internal/knowledge"
)

// assistantBody is an assistant as written by a client.
type assistantBody struct {
	Name     *string                   `json:"name,omitempty" maxLength:"100"`
	Provider *string                   `json:"provider,omitempty" enum:"builtin,openai"`
	Default  *bool                     `json:"default,omitempty" doc:"make it the workspace's default assistant"`
	Settings *parley.AssistantSettings `json:"settings,omitempty" doc:"persona, instructions, knowledge scope, handoff settings, booking link, off-hours behaviour, the OpenAI-compatible endpoint"`
	APIKey   *string                   `json:"api_key,omitempty" maxLength:"1000" doc:"sealed at rest, never returned; empty removes it"`
}

func (b assistantBody) input() ai.AssistantInput {
	return ai.AssistantInput{Name: b.Name, Provider: b.Provider, Default: b.Default, Settings: b.Settings, APIKey: b.APIKey}
}

// AssistantPath names an assistant.
type AssistantPath struct {
	WorkspacePath
	AssistantID string `path:"assistant_id" format:"uuid"`
}

// KnowledgePath names a knowledge entry.
type KnowledgePath struct {
	WorkspacePath
	EntryID string `path:"entry_id" format:"uuid"`
}

// knowledgeBody is a knowledge entry as written by a client.
type knowledgeBody struct {
	Kind     string `json:"kind" required:"true" enum:"article,qa"`
	Title    string `json:"title,omitempty" maxLength:"2000"`
	Content  string `json:"content,omitempty" maxLength:"400000" doc:"Markdown"`
	Question string `json:"question,omitempty" maxLength:"2000"`
	Answer   string `json:"answer,omitempty" maxLength:"400000"`
}

func (b knowledgeBody) input() knowledge.Input {
	return knowledge.Input{Kind: b.Kind, Title: b.Title, Content: b.Content, Question: b.Question, Answer: b.Answer}
}

func (s *Server) aiRoutes() {
	if s.AI == nil {
		return
	}
	s.assistantRoutes()
	s.knowledgeRoutes()
	s.aiConversationRoutes()
	s.aiFeedbackRoutes()
}

func (s *Server) assistantRoutes() {
	svc := s.AI
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/ai/assistants", "listAssistants", "The workspace's AI assistants", 200),
		func(ctx context.Context, in *WorkspacePath) (*Body[Items[parley.Assistant]], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			list, err := svc.ListAssistants(ctx, a)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return items(list, ""), nil
		})
	type createInput struct {
		WorkspacePath
		Body assistantBody
	}
	huma.Register(s.api, op(http.MethodPost, "/workspaces/{workspace_id}/ai/assistants", "createAssistant", "Add an AI assistant (admins)", 201),
		func(ctx context.Context, in *createInput) (*Body[*parley.Assistant], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			r, err := svc.CreateAssistant(ctx, a, in.Body.input())
			return result(s, ctx, r, err)
		})
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/ai/assistants/{assistant_id}", "getAssistant", "One AI assistant", 200),
		func(ctx context.Context, in *AssistantPath) (*Body[*parley.Assistant], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			r, err := svc.GetAssistant(ctx, a, in.AssistantID)
			return result(s, ctx, r, err)
		})
	type updateInput struct {
		AssistantPath
		Body assistantBody
	}
	huma.Register(s.api, op(http.MethodPatch, "/workspaces/{workspace_id}/ai/assistants/{assistant_id}", "updateAssistant", "Change an AI assistant (admins)", 200),
		func(ctx context.Context, in *updateInput) (*Body[*parley.Assistant], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			r, err := svc.UpdateAssistant(ctx, a, in.AssistantID, in.Body.input())
			return result(s, ctx, r, err)
		})
	huma.Register(s.api, op(http.MethodDelete, "/workspaces/{workspace_id}/ai/assistants/{assistant_id}", "deleteAssistant", "Delete an AI assistant (admins; not the default)", 204),
		func(ctx context.Context, in *AssistantPath) (*empty, error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			return done(s, ctx, svc.DeleteAssistant(ctx, a, in.AssistantID))
		})
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/ai/inboxes", "listInboxAssistants", "Which assistant each inbox uses", 200),
		func(ctx context.Context, in *WorkspacePath) (*Body[Items[ai.InboxAssistant]], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			list, err := svc.ListInboxAssistants(ctx, a)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return items(list, ""), nil
		})
	type inboxInput struct {
		WorkspacePath
		InboxID string `path:"inbox_id" format:"uuid"`
		Body    struct {
			AssistantID string `json:"assistant_id" doc:"\"\" turns the AI off for the inbox's new conversations"`
		}
	}
	huma.Register(s.api, op(http.MethodPut, "/workspaces/{workspace_id}/ai/inboxes/{inbox_id}", "setInboxAssistant", "Choose an inbox's assistant (admins)", 204),
		func(ctx context.Context, in *inboxInput) (*empty, error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			return done(s, ctx, svc.SetInboxAssistant(ctx, a, in.InboxID, in.Body.AssistantID))
		})
	type previewInput struct {
		WorkspacePath
		Body struct {
			AssistantID string    `json:"assistant_id,omitempty" doc:"default: the workspace's default assistant"`
			Messages    []ai.Turn `json:"messages" required:"true" maxItems:"100"`
		}
	}
	huma.Register(s.api, op(http.MethodPost, "/workspaces/{workspace_id}/ai/preview", "previewAssistant",
		"Run an assistant on a transcript without storing or sending anything (admins)", 200),
		func(ctx context.Context, in *previewInput) (*Body[*ai.PreviewResult], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			r, err := svc.Preview(ctx, a, in.Body.AssistantID, in.Body.Messages)
			return result(s, ctx, r, err)
		})
}

func (s *Server) knowledgeRoutes() {
	svc := s.AI.Knowledge
	type listInput struct {
		WorkspacePath
		Q      string `query:"q" maxLength:"500" doc:"search: the entries that answer it, best first"`
		Cursor string `query:"cursor" maxLength:"200"`
		Limit  int    `query:"limit" minimum:"0" maximum:"200"`
	}
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/ai/knowledge", "listKnowledge", "The knowledge base: articles and Q&A pairs", 200),
		func(ctx context.Context, in *listInput) (*Body[Items[parley.KnowledgeEntry]], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			p, err := svc.List(ctx, a, in.Q, in.Cursor, in.Limit)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return items(p.Items, p.NextCursor), nil
		})
	type createInput struct {
		WorkspacePath
		Body knowledgeBody
	}
	huma.Register(s.api, op(http.MethodPost, "/workspaces/{workspace_id}/ai/knowledge", "createKnowledge", "Add an article or a Q&A pair (admins)", 201),
		func(ctx context.Context, in *createInput) (*Body[*parley.KnowledgeEntry], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			r, err := svc.Create(ctx, a, in.Body.input())
			return result(s, ctx, r, err)
		})
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/ai/knowledge/{entry_id}", "getKnowledge", "One knowledge entry", 200),
		func(ctx context.Context, in *KnowledgePath) (*Body[*parley.KnowledgeEntry], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			r, err := svc.Get(ctx, a, in.EntryID)
			return result(s, ctx, r, err)
		})
	type updateInput struct {
		KnowledgePath
		Body knowledgeBody
	}
	huma.Register(s.api, op(http.MethodPut, "/workspaces/{workspace_id}/ai/knowledge/{entry_id}", "updateKnowledge", "Replace a knowledge entry (admins)", 200),
		func(ctx context.Context, in *updateInput) (*Body[*parley.KnowledgeEntry], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			r, err := svc.Update(ctx, a, in.EntryID, in.Body.input())
			return result(s, ctx, r, err)
		})
	huma.Register(s.api, op(http.MethodDelete, "/workspaces/{workspace_id}/ai/knowledge/{entry_id}", "deleteKnowledge", "Delete a knowledge entry (admins)", 204),
		func(ctx context.Context, in *KnowledgePath) (*empty, error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			return done(s, ctx, svc.Delete(ctx, a, in.EntryID))
		})
	type importInput struct {
		WorkspacePath
		RawBody []byte `contentType:"text/csv"`
	}
	type imported struct {
		Imported int `json:"imported"`
	}
	o := op(http.MethodPost, "/workspaces/{workspace_id}/ai/knowledge-imports", "importKnowledge", "Import Q&A pairs from CSV (admins)", 201)
	o.MaxBodyBytes = knowledge.MaxCSVBytes
	huma.Register(s.api, o, func(ctx context.Context, in *importInput) (*Body[imported], error) {
		a, err := s.actor(ctx, in.WorkspaceID)
		if err != nil {
			return nil, err
		}
		n, err := svc.ImportCSV(ctx, a, bytes.NewReader(in.RawBody))
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return body(imported{Imported: n}), nil
	})
}

func (s *Server) aiConversationRoutes() {
	svc := s.AI
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/conversations/{conversation_id}/ai", "getConversationAI",
		"The conversation's AI state: mode, assistant, memory reset point, bot messages", 200),
		func(ctx context.Context, in *ConversationPath) (*Body[*ai.ConversationState], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			r, err := svc.State(ctx, a, in.ConversationID)
			return result(s, ctx, r, err)
		})
	type stateInput struct {
		ConversationPath
		Body struct {
			AssistantID    *string `json:"assistant_id,omitempty" doc:"switch the conversation's assistant; \"\" uses the inbox's"`
			BotMessagesOff *bool   `json:"bot_messages_off,omitempty" doc:"stop automatic messages (AI answers, away message)"`
			Reset          bool    `json:"reset,omitempty" doc:"clear the assistant's memory: it starts over from the next message"`
		}
	}
	huma.Register(s.api, op(http.MethodPatch, "/workspaces/{workspace_id}/conversations/{conversation_id}/ai", "updateConversationAI",
		"Switch the assistant, turn bot messages off, or reset the assistant's memory", 200),
		func(ctx context.Context, in *stateInput) (*Body[*ai.ConversationState], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			r, err := svc.UpdateState(ctx, a, in.ConversationID, ai.StateInput{AssistantID: in.Body.AssistantID,
				BotMessagesOff: in.Body.BotMessagesOff, Reset: in.Body.Reset})
			return result(s, ctx, r, err)
		})
}
