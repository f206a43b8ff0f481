package openai_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/ai"
	"github.com/parleyhq/parley/internal/ai/openai"
	"github.com/parleyhq/parley/internal/knowledge"
)

// fake is a loopback chat-completions endpoint speaking the real wire
// format: it records the request and answers as told.
type fake struct {
	srv   *httptest.Server
	calls atomic.Int32
	last  atomic.Value // the last request body, decoded
	reply func(n int32, w http.ResponseWriter)
}

func newFake(t *testing.T, reply func(n int32, w http.ResponseWriter)) *fake {
	f := &fake{reply: reply}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "Bearer sk-test" {
			http.Error(w, `{"error":{"message":"bad request"}}`, http.StatusBadRequest)
			return
		}
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		json.Unmarshal(raw, &body)
		f.last.Store(body)
		n := f.calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		f.reply(n, w)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func completion(content string, toolCalls string) string {
	msg := `{"role":"assistant","content":` + content
	finish := "stop"
	if toolCalls != "" {
		msg += `,"tool_calls":` + toolCalls
		finish = "tool_calls"
	}
	return `{"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-test-0613",
		"choices":[{"index":0,"message":` + msg + `},"finish_reason":"` + finish + `","logprobs":null}],
		"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}`
}

func request(f *fake, timeout int) ai.Request {
	return ai.Request{
		Assistant: &parley.Assistant{Name: "Ava", Provider: parley.ProviderOpenAI, APIKey: "sk-test",
			AssistantSettings: parley.AssistantSettings{BaseURL: f.srv.URL + "/v1", Model: "gpt-test", Temperature: 0.2, TimeoutSeconds: timeout, Persona: "Friendly."}},
		Transcript: []ai.Turn{{Role: ai.RoleCustomer, Content: "Hi"}, {Role: ai.RoleAI, Content: "Hello!"}, {Role: ai.RoleCustomer, Content: "Do you ship to Canada?"}},
		Knowledge:  []knowledge.Match{{Entry: parley.KnowledgeEntry{ID: "k1", Title: "Shipping"}, Score: 0.9, Passage: "We ship to Canada in 5 days."}},
	}
}

func TestProvider_Answer(t *testing.T) {
	t.Run("a reply, grounded, with the handoff tool offered", func(t *testing.T) {
		f := newFake(t, func(_ int32, w http.ResponseWriter) { io.WriteString(w, completion(`"Yes, in 5 days."`, "")) })
		ans, err := openai.New(f.srv.Client()).Answer(context.Background(), request(f, 5))
		if err != nil || ans.Reply != "Yes, in 5 days." || ans.Confidence != 1 || ans.Handoff || ans.Model != "gpt-test-0613" {
			t.Fatalf("Answer = %+v, %v", ans, err)
		}
		body := f.last.Load().(map[string]any)
		msgs := body["messages"].([]any)
		sys := msgs[0].(map[string]any)
		if body["model"] != "gpt-test" || len(msgs) != 4 || sys["role"] != "system" || !strings.Contains(sys["content"].(string), "We ship to Canada in 5 days.") {
			t.Errorf("request = %v", body)
		}
		tools := body["tools"].([]any)
		fn := tools[0].(map[string]any)["function"].(map[string]any)
		if fn["name"] != openai.ToolHandoff {
			t.Errorf("tools = %v", tools)
		}
	})
	t.Run("the model calls handoff_to_human", func(t *testing.T) {
		f := newFake(t, func(_ int32, w http.ResponseWriter) {
			io.WriteString(w, completion("null", `[{"id":"call_1","type":"function","function":{"name":"handoff_to_human","arguments":"{\"reason\":\"billing dispute\"}"}}]`))
		})
		ans, err := openai.New(f.srv.Client()).Answer(context.Background(), request(f, 5))
		if err != nil || !ans.Handoff || ans.HandoffReason != "billing dispute" || ans.Reply != "" {
			t.Fatalf("Answer = %+v, %v", ans, err)
		}
	})
	t.Run("a 429 is retried after Retry-After", func(t *testing.T) {
		f := newFake(t, func(n int32, w http.ResponseWriter) {
			if n == 1 {
				w.Header().Set("Retry-After-Ms", "10")
				w.WriteHeader(http.StatusTooManyRequests)
				io.WriteString(w, `{"error":{"message":"rate limited","type":"rate_limit_error"}}`)
				return
			}
			io.WriteString(w, completion(`"Yes."`, ""))
		})
		ans, err := openai.New(f.srv.Client()).Answer(context.Background(), request(f, 5))
		if err != nil || ans.Reply != "Yes." || f.calls.Load() != 2 {
			t.Fatalf("Answer = %+v, %v after %d calls, want the second call's reply", ans, err, f.calls.Load())
		}
	})
	t.Run("a provider error is an error (the agent hands off)", func(t *testing.T) {
		f := newFake(t, func(_ int32, w http.ResponseWriter) {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":{"message":"invalid key"}}`)
		})
		if _, err := openai.New(f.srv.Client()).Answer(context.Background(), request(f, 5)); err == nil {
			t.Fatal("Answer after a 401 = no error")
		}
	})
	t.Run("a timeout is an error (the agent hands off)", func(t *testing.T) {
		release := make(chan struct{})
		f := newFake(t, func(_ int32, w http.ResponseWriter) { <-release })
		defer close(release)
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		p := openai.New(f.srv.Client())
		p.MaxRetries = 0
		if _, err := p.Answer(ctx, request(f, 1)); err == nil {
			t.Fatal("Answer past its deadline = no error")
		}
	})
}
