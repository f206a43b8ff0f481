package parley

import (
	"encoding/json"
	"time"
)

// Clock tells the time. Every component takes one so tests control time.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock, in UTC.
type SystemClock struct{}

// Now returns the current time in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }

// JoinMode decides which conversation an inbound message joins.
type JoinMode string

// Join modes.
const (
	// JoinContact joins the contact's newest unresolved conversation,
	// whatever the channel: one customer, one thread.
	JoinContact JoinMode = "contact"
	// JoinContactInbox keeps one conversation per contact and inbox.
	JoinContactInbox JoinMode = "contact_inbox"
)

// AgentScope decides which conversations an agent (not an admin) may see.
type AgentScope string

// Agent scopes.
const (
	ScopeAll      AgentScope = "all"
	ScopeTeams    AgentScope = "teams"
	ScopeAssigned AgentScope = "assigned"
)

// WorkspaceSettings are a workspace's policies.
type WorkspaceSettings struct {
	JoinMode   JoinMode   `json:"join_mode" enum:"contact,contact_inbox"`
	AgentScope AgentScope `json:"agent_scope" enum:"all,teams,assigned"`
	// Lifecycle holds the timers and lists of the working day; nil means
	// the defaults (see LifecycleSettings.Effective).
	Lifecycle *LifecycleSettings `json:"lifecycle,omitempty"`
}

// DefaultWorkspaceSettings are the settings of a new workspace.
func DefaultWorkspaceSettings() WorkspaceSettings {
	return WorkspaceSettings{JoinMode: JoinContact, AgentScope: ScopeAll}
}

// Workspace is one tenant: a business and its team.
type Workspace struct {
	ID        string            `json:"id"`
	Name      string            `json:"name"`
	Settings  WorkspaceSettings `json:"settings"`
	CreatedAt time.Time         `json:"created_at"`
}

// User is a person who signs in. Role, availability and capacity are per
// workspace and live in Member.
type User struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	AvatarURL string    `json:"avatar_url"`
	CreatedAt time.Time `json:"created_at"`
}

// Member is a user as seen inside one workspace.
type Member struct {
	User
	WorkspaceID  string       `json:"workspace_id"`
	Role         Role         `json:"role"`
	Availability Availability `json:"availability"`
	// Capacity is how many open conversations routing may give the agent;
	// 0 means no limit.
	Capacity int      `json:"capacity"`
	TeamIDs  []string `json:"team_ids"`
}

// Team is a group of agents; teams are also the queues routing feeds.
type Team struct {
	ID          string   `json:"id"`
	WorkspaceID string   `json:"workspace_id"`
	Name        string   `json:"name"`
	MemberIDs   []string `json:"member_ids"`
	// RoutingPolicy is manual (agents accept from the queue), round_robin
	// or least_busy.
	RoutingPolicy string    `json:"routing_policy" enum:"manual,round_robin,least_busy"`
	CreatedAt     time.Time `json:"created_at"`
}

// Channel kinds. Each inbox has exactly one.
const (
	ChannelAPI       = "api"
	ChannelTwilioSMS = "twilio_sms"
	ChannelWhatsApp  = "whatsapp"
	ChannelMessenger = "messenger"
	ChannelTelegram  = "telegram"
	ChannelEmail     = "email"
	ChannelWebchat   = "webchat"
)

// Inbox is one channel endpoint: a phone number, a page, a bot, an API.
// Config holds the non-secret settings; Secrets is never returned by the API
// and is encrypted at rest.
type Inbox struct {
	ID              string            `json:"id"`
	WorkspaceID     string            `json:"workspace_id"`
	Name            string            `json:"name"`
	Channel         string            `json:"channel"`
	Config          map[string]string `json:"config"`
	Secrets         map[string]string `json:"-"`
	TeamID          string            `json:"team_id,omitempty"`
	FallbackInboxID string            `json:"fallback_inbox_id,omitempty"`
	// SecretsSet names the secret settings that have a value (the values
	// themselves are never returned).
	SecretsSet     []string  `json:"secrets_set"`
	InboundToken   string    `json:"inbound_token,omitempty"`
	CallbackSecret string    `json:"callback_secret,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	// RouteKey is the id app-wide provider webhooks find the inbox by (a
	// WhatsApp phone_number_id, a Messenger page_id); unique among live
	// inboxes of a channel. Set by the workspace service, kept by the store.
	RouteKey string `json:"-"`
}

// ContactIdentity is how a contact is known on one inbox: a phone number,
// a page-scoped id, a chat id, an API source id.
type ContactIdentity struct {
	InboxID  string `json:"inbox_id"`
	SourceID string `json:"source_id"`
}

// Contact is a customer, with every channel identity they have used.
type Contact struct {
	ID          string            `json:"id"`
	WorkspaceID string            `json:"workspace_id"`
	Name        string            `json:"name"`
	Email       string            `json:"email"`
	Phone       string            `json:"phone"`
	Company     string            `json:"company"`
	Title       string            `json:"title"`
	AvatarURL   string            `json:"avatar_url"`
	Attributes  map[string]string `json:"attributes"`
	Tags        []string          `json:"tags"`
	Blocked     bool              `json:"blocked"`
	Archived    bool              `json:"archived"`
	Identities  []ContactIdentity `json:"identities"`
	// Marked is the reading user's star on the contact.
	Marked    bool      `json:"marked"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ExternalRef points a conversation at an object of another system (a
// case, a lead, an order), so that system can list every message about it.
type ExternalRef struct {
	Type  string `json:"type"`
	ID    string `json:"id"`
	URL   string `json:"url,omitempty"`
	Title string `json:"title,omitempty"`
}

// Tag is a name conversations and contacts are categorised by.
type Tag struct {
	ID          string    `json:"id"`
	WorkspaceID string    `json:"workspace_id"`
	Name        string    `json:"name"`
	Color       string    `json:"color"`
	CreatedAt   time.Time `json:"created_at"`
}

// Label is a workflow marker (Follow-up Required, Escalated…).
type Label = Tag

// Conversation is a ticket: the messages exchanged with one contact about
// one matter, with its status, people and flags.
type Conversation struct {
	ID             string             `json:"id"`
	WorkspaceID    string             `json:"workspace_id"`
	Number         int64              `json:"number"`
	ContactID      string             `json:"contact_id"`
	InboxID        string             `json:"inbox_id"`
	Status         ConversationStatus `json:"status"`
	SnoozedUntil   *time.Time         `json:"snoozed_until"`
	Priority       Priority           `json:"priority"`
	AssigneeIDs    []string           `json:"assignee_ids"`
	TeamID         string             `json:"team_id"`
	VisibleTo      []string           `json:"visible_to"`
	AIMode         AIMode             `json:"ai_mode"`
	Tags           []string           `json:"tags"`
	Labels         []string           `json:"labels"`
	Subject        string             `json:"subject"`
	UnrepliedCount int                `json:"unreplied_count"`
	InboundCount   int64              `json:"-"`
	WaitingSince   *time.Time         `json:"waiting_since"`
	FirstReplyAt   *time.Time         `json:"first_reply_at"`
	LastActivityAt time.Time          `json:"last_activity_at"`
	LastMessage    *MessagePreview    `json:"last_message"`
	Handoff        bool               `json:"handoff"`
	Appointment    bool               `json:"appointment"`
	PreviousID     string             `json:"previous_conversation_id"`
	ExternalRef    *ExternalRef       `json:"external_ref"`
	Source         string             `json:"source"`
	ResolvedAt     *time.Time         `json:"resolved_at"`
	DeletedAt      *time.Time         `json:"-"`
	CreatedAt      time.Time          `json:"created_at"`
	// QueuedAt is when the conversation last entered its team's queue:
	// routing serves the queue in this order.
	QueuedAt *time.Time `json:"queued_at"`
	// LastInboundAt is the customer's last message (auto-resolve and
	// abandon count the silence from it).
	LastInboundAt  *time.Time `json:"last_inbound_at"`
	ResolutionNote string     `json:"resolution_note"`
	CloseReason    string     `json:"close_reason"`
	// MergedIntoID is the conversation this one was merged into; merged
	// conversations are hidden from lists.
	MergedIntoID string `json:"merged_into_id,omitempty"`
	// HandoffReason is why the AI handed off (human_request,
	// negative_sentiment, keyword, low_confidence); kept as a record.
	HandoffReason string `json:"handoff_reason"`
}

// Audience returns who may be concerned by the conversation, for access checks.
func (c *Conversation) Audience() Audience {
	return Audience{TeamID: c.TeamID, AssigneeIDs: c.AssigneeIDs, VisibleTo: c.VisibleTo}
}

// Audience is what access control needs to know about a conversation.
// VisibleTo nil means everyone; a non-nil list restricts it to those users.
type Audience struct {
	TeamID      string   `json:"team_id,omitempty"`
	AssigneeIDs []string `json:"assignee_ids,omitempty"`
	VisibleTo   []string `json:"visible_to"`
}

// MessagePreview is the last message as shown in a conversation list.
type MessagePreview struct {
	Content string `json:"content"`
	// Attachments counts the message's files.
	Attachments int    `json:"attachments"`
	Direction   string `json:"direction"`
	SenderKind  string `json:"sender_kind"`
	// SenderID and SenderName say who wrote it (an agent's user id and
	// name), so a list can say "You" to its author and the name to others.
	SenderID   string    `json:"sender_id,omitempty"`
	SenderName string    `json:"sender_name,omitempty"`
	Channel    string    `json:"channel"`
	Private    bool      `json:"private"`
	CreatedAt  time.Time `json:"created_at"`
}

// ShownInPreview is the one rule for a conversation list's preview: the
// last message that is neither a private note nor a system line. The write
// path applies it when it stores a message, and the live event carries the
// stored preview, so a list shows the same before and after a reload.
func ShownInPreview(m *Message) bool {
	return !m.Private && m.Sender.Kind != SenderSystem
}

// ConversationItem is a conversation as listed for one user: the
// conversation with its contact, and the user's unread count and pin.
type ConversationItem struct {
	Conversation
	Contact     ContactRef `json:"contact"`
	Inbox       InboxRef   `json:"inbox"`
	UnreadCount int64      `json:"unread_count"`
	Pinned      bool       `json:"pinned"`
	// HasDraft is true when the reader keeps an unsent draft here.
	HasDraft bool `json:"has_draft"`
	// HasConstructorDraft is true when the reader keeps an unfinished
	// constructor message here (the indicator next to the customer's name).
	HasConstructorDraft bool `json:"has_constructor_draft"`
	// ContinuedBy is the follow-up conversation a customer message opened
	// after this one was resolved ("continued in #M"), when the reader may
	// see it; set on GET of one conversation, not in lists or events.
	ContinuedBy *ConversationLink `json:"continued_by,omitempty"`
}

// ConversationLink names another conversation.
type ConversationLink struct {
	ID     string `json:"id"`
	Number int64  `json:"number"`
}

// ContactRef names a contact inside another object.
type ContactRef struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	AvatarURL string `json:"avatar_url"`
}

// InboxRef names an inbox inside another object.
type InboxRef struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Channel string `json:"channel"`
}

// Message directions.
const (
	DirectionIn  = "in"
	DirectionOut = "out"
)

// Sender kinds.
const (
	SenderContact = "contact"
	SenderAgent   = "agent"
	SenderAI      = "ai"
	SenderBot     = "bot"
	SenderSystem  = "system"
)

// Sender is who wrote a message.
type Sender struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
	Name string `json:"name"`
}

// StatusChange is one step in a message's delivery history.
type StatusChange struct {
	Status DeliveryStatus `json:"status"`
	At     time.Time      `json:"at"`
	Error  string         `json:"error,omitempty"`
}

// Attachment is a file carried by a message, kept in the blob store.
type Attachment struct {
	ID          string `json:"id"`
	FileName    string `json:"file_name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	// Voice marks a voice message recorded in the app (Ogg/Opus): channels
	// that have voice notes (WhatsApp, Telegram) send it as one.
	Voice bool   `json:"voice,omitempty"`
	Key   string `json:"-"`
}

// Message is one message of a conversation: inbound, outbound, a private
// note or a system line. Messages of one conversation may use different
// channels (inboxes).
type Message struct {
	ID                string          `json:"id"`
	WorkspaceID       string          `json:"-"`
	ConversationID    string          `json:"conversation_id"`
	InboxID           string          `json:"inbox_id"`
	Direction         string          `json:"direction"`
	Sender            Sender          `json:"sender"`
	Private           bool            `json:"private"`
	Content           string          `json:"content"`
	ContentType       string          `json:"content_type"`
	Channel           string          `json:"channel"`
	ProviderMessageID string          `json:"provider_message_id,omitempty"`
	Status            DeliveryStatus  `json:"status"`
	StatusHistory     []StatusChange  `json:"status_history"`
	Error             string          `json:"error"`
	OutcomeUnknown    bool            `json:"outcome_unknown"`
	Attachments       []Attachment    `json:"attachments"`
	AIReasoning       json.RawMessage `json:"ai_reasoning,omitempty"`
	// System describes a system line (sender kind system): what happened,
	// for the web app to render. Never sent to the customer.
	System    *SystemEvent `json:"system,omitempty"`
	SentAt    *time.Time   `json:"sent_at,omitempty"`
	CreatedAt time.Time    `json:"created_at"`

	// MentionIDs are the colleagues a private note mentions; Mentions
	// names them.
	MentionIDs []string  `json:"mention_ids"`
	Mentions   []Mention `json:"mentions"`
	// Email is set on messages of email inboxes.
	Email *EmailInfo `json:"email,omitempty"`
	// Call is set on a call record (content type "call"): a private line
	// of the history, never sent to the customer.
	Call *CallRecord `json:"call,omitempty"`
}

// Call directions.
const (
	CallInbound  = "inbound"
	CallOutbound = "outbound"
)

// CallRecord is a phone call kept in a conversation's history (seed 000
// "Call Records"): its recording is a link the server never fetches.
type CallRecord struct {
	Direction    string    `json:"direction" enum:"inbound,outbound"`
	StartedAt    time.Time `json:"started_at"`
	DurationS    int       `json:"duration_s"`
	RecordingURL string    `json:"recording_url"`
	Notes        string    `json:"notes"`
	// AgentID and AgentName are the member who had the call.
	AgentID   string `json:"agent_id"`
	AgentName string `json:"agent_name"`
}

// Event is one state change, numbered per workspace without gaps that a
// resuming reader could miss. Data is the object as the REST API returns it.
// ConversationID and Audience let the real-time hub filter events per user
// without a database query; PrevAudience, when set, is who could see the
// conversation before the change (so those who lost access are told).
type Event struct {
	Seq            int64           `json:"seq"`
	Type           string          `json:"type"`
	WorkspaceID    string          `json:"workspace_id"`
	Data           json.RawMessage `json:"data"`
	ConversationID string          `json:"-"`
	Audience       *Audience       `json:"-"`
	PrevAudience   *Audience       `json:"-"`
	CreatedAt      time.Time       `json:"-"`
}

// Event types.
const (
	EventConversationCreated = "conversation.created"
	EventConversationUpdated = "conversation.updated"
	EventConversationRemoved = "conversation.removed"
	EventMessageCreated      = "message.created"
	EventMessageUpdated      = "message.updated"
	EventContactUpdated      = "contact.updated"
	EventNotificationCreated = "notification.created"
)

// Actor is who performs an action: a member of the workspace, resolved
// from a session or API token.
type Actor struct {
	UserID      string
	Name        string
	WorkspaceID string
	Role        Role
	TeamIDs     []string
}

// IsAdmin reports whether the actor administers the workspace.
func (a Actor) IsAdmin() bool { return a.Role == RoleAdmin }
