package ai

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
	"github.com/parleyhq/parley/internal/ai/handoff"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// DefaultName is the name of a workspace's first assistant.
const DefaultName = "Assistant"

// AssistantInput is an assistant as written by a client; nil fields keep
// their value (on create, their default).
type AssistantInput struct {
	Name     *string
	Provider *string
	Default  *bool
	Settings *parley.AssistantSettings
	// APIKey replaces the stored key; "" removes it.
	APIKey *string
}

func adminOnly(a parley.Actor) error {
	if !a.IsAdmin() {
		return parley.Errorf(parley.EFORBIDDEN, "Only admins manage AI assistants.")
	}
	return nil
}

// newAssistant is a workspace's default assistant: built-in, the default
// thresholds, pausing when a person replies.
func newAssistant(workspaceID string) *parley.Assistant {
	return &parley.Assistant{WorkspaceID: workspaceID, Name: DefaultName, Provider: parley.ProviderBuiltin, Default: true,
		AssistantSettings: parley.AssistantSettings{
			KnowledgeIDs: []string{}, OffHours: "answer", PauseOnAgentReply: true, TimeoutSeconds: 20,
			Handoff: parley.AssistantHandoff{Keywords: []string{}, SentimentThreshold: handoff.DefaultSentimentThreshold,
				ConfidenceThreshold: handoff.DefaultConfidenceThreshold},
		}}
}

// EnsureDefault returns the workspace's default assistant, creating it on
// first use (a new workspace has one, on the built-in provider).
func (s *Service) EnsureDefault(ctx context.Context, workspaceID string) (*parley.Assistant, error) {
	a, err := s.Store.FindDefaultAssistant(ctx, workspaceID)
	if !parley.IsNotFound(err) {
		return a, err
	}
	err = s.Store.Write(ctx, func(tx *sqlstore.Tx) error {
		if a, err = tx.FindDefaultAssistant(ctx, workspaceID); !parley.IsNotFound(err) {
			return err
		}
		a = newAssistant(workspaceID)
		return tx.SaveAssistant(ctx, a)
	})
	return a, err
}

// ListAssistants returns the workspace's assistants (members see them,
// for choosing one in a conversation).
func (s *Service) ListAssistants(ctx context.Context, a parley.Actor) ([]parley.Assistant, error) {
	if _, err := s.EnsureDefault(ctx, a.WorkspaceID); err != nil {
		return nil, err
	}
	return s.Store.ListAssistants(ctx, a.WorkspaceID)
}

// GetAssistant returns one assistant.
func (s *Service) GetAssistant(ctx context.Context, a parley.Actor, assistantID string) (*parley.Assistant, error) {
	return s.Store.FindAssistant(ctx, a.WorkspaceID, assistantID)
}

// CreateAssistant adds an assistant (admins).
func (s *Service) CreateAssistant(ctx context.Context, a parley.Actor, in AssistantInput) (*parley.Assistant, error) {
	if err := adminOnly(a); err != nil {
		return nil, err
	}
	asst := newAssistant(a.WorkspaceID)
	asst.Default = false
	if err := in.apply(asst); err != nil {
		return nil, err
	}
	err := s.Store.Write(ctx, func(tx *sqlstore.Tx) error { return tx.SaveAssistant(ctx, asst) })
	return asst, err
}

// UpdateAssistant changes an assistant (admins).
func (s *Service) UpdateAssistant(ctx context.Context, a parley.Actor, assistantID string, in AssistantInput) (*parley.Assistant, error) {
	if err := adminOnly(a); err != nil {
		return nil, err
	}
	var asst *parley.Assistant
	err := s.Store.Write(ctx, func(tx *sqlstore.Tx) error {
		var err error
		if asst, err = tx.FindAssistant(ctx, a.WorkspaceID, assistantID); err != nil {
			return err
		}
		wasDefault := asst.Default
		if err := in.apply(asst); err != nil {
			return err
		}
		if wasDefault && !asst.Default {
			return parley.FieldErrorf("default", "Make another assistant the default instead.")
		}
		return tx.SaveAssistant(ctx, asst)
	})
	return asst, err
}

// DeleteAssistant deletes an assistant (admins); the default cannot be.
func (s *Service) DeleteAssistant(ctx context.Context, a parley.Actor, assistantID string) error {
	if err := adminOnly(a); err != nil {
		return err
	}
	return s.Store.Write(ctx, func(tx *sqlstore.Tx) error {
		asst, err := tx.FindAssistant(ctx, a.WorkspaceID, assistantID)
		if err != nil {
			return err
		}
		if asst.Default {
			return parley.Errorf(parley.ECONFLICT, "The default assistant cannot be deleted; make another one the default first.")
		}
		return tx.DeleteAssistant(ctx, a.WorkspaceID, assistantID)
	})
}

func (in AssistantInput) apply(a *parley.Assistant) error {
	if in.Name != nil {
		n := strings.TrimSpace(*in.Name)
		if n == "" || utf8.RuneCountInString(n) > 100 {
			return parley.FieldErrorf("name", "The name is required, at most 100 characters.")
		}
		a.Name = n
	}
	if in.Provider != nil {
		if *in.Provider != parley.ProviderBuiltin && *in.Provider != parley.ProviderOpenAI {
			return parley.FieldErrorf("provider", "The provider must be builtin or openai.")
		}
		a.Provider = *in.Provider
	}
	if in.Default != nil {
		a.Default = *in.Default
	}
	if in.APIKey != nil {
		a.APIKey = strings.TrimSpace(*in.APIKey)
	}
	if in.Settings != nil {
		st := *in.Settings
		if err := checkSettings(&st); err != nil {
			return err
		}
		a.AssistantSettings = st
	}
	if a.Provider == parley.ProviderOpenAI && (a.BaseURL == "" || a.Model == "") {
		return parley.FieldErrorf("base_url", "An OpenAI-compatible assistant needs a base URL and a model.")
	}
	return nil
}

func checkSettings(st *parley.AssistantSettings) error {
	for _, f := range []struct {
		name string
		v    *string
		max  int
	}{{"persona", &st.Persona, 2000}, {"instructions", &st.Instructions, 20000}, {"away_message", &st.AwayMessage, 2000},
		{"model", &st.Model, 200}, {"booking_url", &st.BookingURL, 2000}, {"base_url", &st.BaseURL, 2000}} {
		*f.v = strings.TrimSpace(*f.v)
		if !utf8.ValidString(*f.v) || utf8.RuneCountInString(*f.v) > f.max {
			return parley.FieldErrorf(f.name, "The %s is longer than %d characters.", f.name, f.max)
		}
	}
	for _, f := range []struct{ name, v string }{{"booking_url", st.BookingURL}, {"base_url", st.BaseURL}} {
		if f.v == "" {
			continue
		}
		u, err := url.Parse(f.v)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return parley.FieldErrorf(f.name, "The %s must be an http or https URL.", f.name)
		}
	}
	switch st.OffHours {
	case "":
		st.OffHours = "answer"
	case "answer", "away":
	default:
		return parley.FieldErrorf("off_hours", "Off hours must be answer or away.")
	}
	h := &st.Handoff
	if h.SentimentThreshold < -1 || h.SentimentThreshold > 1 {
		return parley.FieldErrorf("handoff.sentiment_threshold", "The sentiment threshold is between -1 and 1.")
	}
	if h.ConfidenceThreshold < 0 || h.ConfidenceThreshold > 1 {
		return parley.FieldErrorf("handoff.confidence_threshold", "The confidence threshold is between 0 and 1.")
	}
	if len(h.Keywords) > 200 {
		return parley.FieldErrorf("handoff.keywords", "At most 200 keywords.")
	}
	kws := []string{}
	for _, k := range h.Keywords {
		if k = strings.TrimSpace(k); k != "" && !slices.Contains(kws, k) {
			if utf8.RuneCountInString(k) > 100 {
				return parley.FieldErrorf("handoff.keywords", "A keyword is at most 100 characters.")
			}
			kws = append(kws, k)
		}
	}
	h.Keywords = kws
	if st.KnowledgeIDs == nil {
		st.KnowledgeIDs = []string{}
	}
	if len(st.KnowledgeIDs) > 1000 {
		return parley.FieldErrorf("knowledge_ids", "At most 1000 knowledge entries.")
	}
	if st.Temperature < 0 || st.Temperature > 2 {
		return parley.FieldErrorf("temperature", "The temperature is between 0 and 2.")
	}
	if st.TimeoutSeconds < 0 || st.TimeoutSeconds > 120 {
		return parley.FieldErrorf("timeout_seconds", "The timeout is at most 120 seconds.")
	}
	return nil
}

// InboxAssistant is the assistant an inbox uses ("" = AI off there).
type InboxAssistant struct {
	InboxID     string `json:"inbox_id"`
	AssistantID string `json:"assistant_id"`
}

// ListInboxAssistants returns each inbox's assistant.
func (s *Service) ListInboxAssistants(ctx context.Context, a parley.Actor) ([]InboxAssistant, error) {
	m, err := s.Store.InboxAssistants(ctx, a.WorkspaceID)
	if err != nil {
		return nil, err
	}
	out := []InboxAssistant{}
	for inbox, asst := range m {
		out = append(out, InboxAssistant{InboxID: inbox, AssistantID: asst})
	}
	slices.SortFunc(out, func(x, y InboxAssistant) int { return strings.Compare(x.InboxID, y.InboxID) })
	return out, nil
}

// SetInboxAssistant chooses an inbox's assistant (admins); "" turns the AI
// off for its new conversations.
func (s *Service) SetInboxAssistant(ctx context.Context, a parley.Actor, inboxID, assistantID string) error {
	if err := adminOnly(a); err != nil {
		return err
	}
	return s.Store.Write(ctx, func(tx *sqlstore.Tx) error {
		if assistantID != "" {
			if _, err := tx.FindAssistant(ctx, a.WorkspaceID, assistantID); parley.IsNotFound(err) {
				return parley.FieldErrorf("assistant_id", "No such assistant.")
			} else if err != nil {
				return err
			}
		}
		return tx.SetInboxAssistant(ctx, a.WorkspaceID, inboxID, assistantID)
	})
}

// ConversationState is the AI state of a conversation as the thread
// shows it.
type ConversationState struct {
	Mode parley.AIMode `json:"ai_mode"`
	parley.ConversationAI
	// Effective is the assistant answering ("" = none).
	Effective string `json:"effective_assistant_id"`
}

// StateInput changes a conversation's AI state; nil fields stay.
type StateInput struct {
	AssistantID    *string
	BotMessagesOff *bool
	// Reset clears the assistant's memory: it starts over from the next
	// message (the history stays visible to agents).
	Reset bool
}

// State returns a conversation's AI state.
func (s *Service) State(ctx context.Context, a parley.Actor, conversationID string) (*ConversationState, error) {
	conv, err := s.visible(ctx, a, conversationID)
	if err != nil {
		return nil, err
	}
	asst, st, err := s.assistantFor(ctx, s.Store, conv)
	if err != nil {
		return nil, err
	}
	out := &ConversationState{Mode: conv.AIMode, ConversationAI: st}
	if asst != nil {
		out.Effective = asst.ID
	}
	return out, nil
}

func (s *Service) visible(ctx context.Context, a parley.Actor, conversationID string) (*parley.Conversation, error) {
	ws, err := s.Store.FindWorkspaceByID(ctx, a.WorkspaceID)
	if err != nil {
		return nil, err
	}
	conv, err := s.Store.FindConversationByID(ctx, a.WorkspaceID, conversationID)
	if err != nil {
		return nil, err
	}
	if !access.CanSeeConversation(a, ws.Settings, conv.Audience()) {
		return nil, parley.Errorf(parley.ENOTFOUND, "Conversation not found.")
	}
	return conv, nil
}

// UpdateState switches the conversation's assistant, turns bot messages
// off or on, or resets the assistant's memory (any member who sees it).
func (s *Service) UpdateState(ctx context.Context, a parley.Actor, conversationID string, in StateInput) (*ConversationState, error) {
	if _, err := s.visible(ctx, a, conversationID); err != nil {
		return nil, err
	}
	err := s.Store.Write(ctx, func(tx *sqlstore.Tx) error {
		conv, err := tx.FindConversationByID(ctx, a.WorkspaceID, conversationID)
		if err != nil {
			return err
		}
		st, err := tx.FindConversationAI(ctx, conversationID)
		if err != nil {
			return err
		}
		if in.AssistantID != nil {
			if *in.AssistantID != "" {
				if _, err := tx.FindAssistant(ctx, a.WorkspaceID, *in.AssistantID); parley.IsNotFound(err) {
					return parley.FieldErrorf("assistant_id", "No such assistant.")
				} else if err != nil {
					return err
				}
			}
			st.AssistantID = *in.AssistantID
		}
		if in.BotMessagesOff != nil {
			st.BotMessagesOff = *in.BotMessagesOff
		}
		if in.Reset {
			st.MemoryFrom = tx.Now()
			who := &parley.PersonRef{ID: a.UserID, Name: a.Name}
			if err := s.systemLine(ctx, tx, conv, parley.SystemEvent{Action: ActionReset, Actor: who},
				a.Name+" reset the AI assistant: it starts over from the next message", nil); err != nil {
				return err
			}
		}
		if err := tx.SaveConversationAI(ctx, conversationID, st); err != nil {
			return err
		}
		return conversation.AppendConversationChange(ctx, tx, conv, "", nil)
	})
	if err != nil {
		return nil, err
	}
	return s.State(ctx, a, conversationID)
}

// AfterAgentReply pauses an active AI when a person replies (a person
// has taken over), unless the assistant is set not to.
func (s *Service) AfterAgentReply(ctx context.Context, tx *sqlstore.Tx, conv *parley.Conversation) error {
	if conv.AIMode != parley.AIActive {
		return nil
	}
	st, err := tx.FindConversationAI(ctx, conv.ID)
	if err != nil {
		return err
	}
	id := st.AssistantID
	if id == "" {
		if id, err = tx.InboxAssistantID(ctx, conv.InboxID); err != nil {
			return err
		}
	}
	if id != "" {
		if asst, err := tx.FindAssistant(ctx, conv.WorkspaceID, id); err == nil && !asst.PauseOnAgentReply {
			return nil
		}
	}
	prev := *conv
	conv.AIMode = parley.AIPaused
	if err := tx.SaveConversation(ctx, conv, &prev); err != nil {
		return err
	}
	return conversation.AppendConversationChange(ctx, tx, conv, "", nil)
}

// PreviewResult is what the assistant would do with a transcript.
type PreviewResult struct {
	Reply       *string        `json:"reply"`
	Handoff     PreviewHandoff `json:"handoff"`
	Appointment bool           `json:"appointment"`
	Reasoning   Reasoning      `json:"reasoning"`
}

// PreviewHandoff says whether and why the assistant would hand off.
type PreviewHandoff struct {
	Triggered bool   `json:"triggered"`
	Reason    string `json:"reason"`
}

// Preview runs an assistant (the default when assistantID is "") on a
// transcript without storing or sending anything (admins: the "try it"
// of the assistant's settings). reply is null when it would not answer
// (a handoff: the handoff line is not an answer).
func (s *Service) Preview(ctx context.Context, a parley.Actor, assistantID string, turns []Turn) (*PreviewResult, error) {
	if err := adminOnly(a); err != nil {
		return nil, err
	}
	if len(turns) == 0 || len(turns) > 100 {
		return nil, parley.FieldErrorf("messages", "Send between 1 and 100 messages.")
	}
	for i, t := range turns {
		if t.Role != RoleCustomer && t.Role != RoleAgent && t.Role != RoleAI {
			return nil, parley.FieldErrorf("messages", "Message %d: the role must be customer, agent or ai.", i+1)
		}
		if !utf8.ValidString(t.Content) || utf8.RuneCountInString(t.Content) > 10000 {
			return nil, parley.FieldErrorf("messages", "Message %d is not valid text of at most 10000 characters.", i+1)
		}
	}
	var asst *parley.Assistant
	var err error
	if assistantID == "" {
		asst, err = s.EnsureDefault(ctx, a.WorkspaceID)
	} else {
		asst, err = s.Store.FindAssistant(ctx, a.WorkspaceID, assistantID)
		if parley.IsNotFound(err) {
			return nil, parley.FieldErrorf("assistant_id", "No such assistant.")
		}
	}
	if err != nil {
		return nil, err
	}
	d := s.Decide(ctx, asst, turns)
	out := &PreviewResult{Handoff: PreviewHandoff{Triggered: d.Handoff, Reason: d.Reason}, Appointment: d.Appointment, Reasoning: d.Reasoning}
	if d.Reply != "" && !d.Handoff {
		out.Reply = &d.Reply
	}
	return out, nil
}
