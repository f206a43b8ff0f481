package parley

import "time"

// AI providers.
const (
	ProviderBuiltin = "builtin"
	ProviderOpenAI  = "openai"
)

// Knowledge entry kinds.
const (
	KnowledgeArticle = "article"
	KnowledgeQA      = "qa"
)

// Assistant is an AI agent of a workspace: who it is, what it knows and
// when it hands a conversation to a person.
type Assistant struct {
	ID          string `json:"id"`
	WorkspaceID string `json:"workspace_id"`
	Name        string `json:"name"`
	// Provider is builtin (offline, answers from the knowledge base) or
	// openai (any OpenAI-compatible endpoint).
	Provider string `json:"provider" enum:"builtin,openai"`
	// Default is the workspace's assistant for previews and new inboxes.
	Default bool `json:"default"`
	AssistantSettings
	// APIKeySet says an API key is stored (it is never returned).
	APIKeySet bool      `json:"api_key_set"`
	APIKey    string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// AssistantSettings are an assistant's settings besides its name,
// provider and key.
type AssistantSettings struct {
	Persona      string `json:"persona"`
	Instructions string `json:"instructions"`
	// KnowledgeIDs limits the assistant to these entries; empty means the
	// whole knowledge base.
	KnowledgeIDs []string         `json:"knowledge_ids"`
	Handoff      AssistantHandoff `json:"handoff"`
	// BookingURL is sent to customers who ask for an appointment; empty
	// hands those conversations off.
	BookingURL string `json:"booking_url"`
	// OffHours: "answer" (the assistant answers outside business hours)
	// or "away" (the away message is sent once instead).
	OffHours    string `json:"off_hours" enum:"answer,away"`
	AwayMessage string `json:"away_message"`
	// PauseOnAgentReply pauses the AI when a person replies in an active
	// conversation.
	PauseOnAgentReply bool    `json:"pause_on_agent_reply"`
	BaseURL           string  `json:"base_url"`
	Model             string  `json:"model"`
	Temperature       float64 `json:"temperature"`
	TimeoutSeconds    int     `json:"timeout_seconds"`
}

// AssistantHandoff are the triggers an assistant hands off on besides a
// person request.
type AssistantHandoff struct {
	Keywords            []string `json:"keywords"`
	SentimentThreshold  float64  `json:"sentiment_threshold"`
	ConfidenceThreshold float64  `json:"confidence_threshold"`
}

// KnowledgeEntry is an article or a question-and-answer pair of the
// workspace's knowledge base.
type KnowledgeEntry struct {
	ID          string `json:"id"`
	WorkspaceID string `json:"workspace_id"`
	Kind        string `json:"kind" enum:"article,qa"`
	// Title and Content are an article's; a Q&A pair's question and
	// answer are stored in them too.
	Title    string `json:"title"`
	Content  string `json:"content"`
	Question string `json:"question,omitempty"`
	Answer   string `json:"answer,omitempty"`
	// Source: manual, csv or feedback.
	Source    string    `json:"source"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ConversationAI is the AI state of a conversation besides its mode.
type ConversationAI struct {
	// AssistantID is the conversation's own choice; empty uses the inbox's.
	AssistantID string `json:"assistant_id"`
	// MemoryFrom is the reset point: older messages are not the
	// assistant's context (they stay in the thread).
	MemoryFrom time.Time `json:"memory_from"`
	// BotMessagesOff stops every automatic message (AI, away message).
	BotMessagesOff bool `json:"bot_messages_off"`
	AwaySent       bool `json:"away_sent"`
}
