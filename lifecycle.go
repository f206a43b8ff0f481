package parley

import "time"

// System actions: what a system line in a thread records.
const (
	ActionAssigned      = "assigned"
	ActionUnassigned    = "unassigned"
	ActionAccepted      = "accepted"
	ActionTransferred   = "transferred"
	ActionQueued        = "queued"
	ActionRouted        = "routed"
	ActionResolved      = "resolved"
	ActionReopened      = "reopened"
	ActionMerged        = "merged"
	ActionSnoozed       = "snoozed"
	ActionWoke          = "woke"
	ActionAutoResolved  = "auto_resolved"
	ActionAbandoned     = "abandoned"
	ActionVisibility    = "visibility_changed"
	ActionStatusChanged = "status_changed"
	ActionContinues     = "continues"
	ActionContinuedIn   = "continued_in"
	ActionPayment       = "payment_request"
	ActionRestored      = "restored"
)

// SystemEvent is the structured payload of a system line: the web app
// renders it ("Ann transferred this to Bob: see the invoice"). Fields that
// do not apply are empty.
type SystemEvent struct {
	Action string `json:"action"`
	// Actor is who did it; empty for Parley itself (timers, routing).
	Actor *PersonRef `json:"actor,omitempty"`
	// Subject is the user the action concerns (the new assignee).
	Subject *PersonRef `json:"subject,omitempty"`
	// From is the previous holder (a transfer's transferring agent).
	From *PersonRef `json:"from,omitempty"`
	// Team is the team concerned (a transfer to a team's queue).
	Team   *TeamRef           `json:"team,omitempty"`
	Status ConversationStatus `json:"status,omitempty"`
	Note   string             `json:"note,omitempty"`
	// Reason is a close reason, or why a timer acted.
	Reason string `json:"reason,omitempty"`
	// ConversationID and Number name another conversation (merged into,
	// continues).
	ConversationID string `json:"conversation_id,omitempty"`
	Number         int64  `json:"number,omitempty"`
	// PaymentRequestID names a payment request; PaymentStatus is its status.
	PaymentRequestID string        `json:"payment_request_id,omitempty"`
	PaymentStatus    PaymentStatus `json:"payment_status,omitempty"`
}

// PersonRef names a user inside another object.
type PersonRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// TeamRef names a team inside another object.
type TeamRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Default lifecycle settings.
const (
	DefaultAutoResolveHours = 24
	DefaultAbandonMinutes   = 0
	DefaultPurgeDays        = 7
)

// DefaultCloseReasons are a new workspace's close reasons.
var DefaultCloseReasons = []string{"Resolved", "Qualified and handed off", "Not interested", "Spam or invalid"}

// PaymentStatus is where a payment request stands.
type PaymentStatus string

// Payment statuses.
const (
	PaymentUnpaid    PaymentStatus = "unpaid"
	PaymentPaid      PaymentStatus = "paid"
	PaymentCancelled PaymentStatus = "cancelled"
)

// Valid reports whether p is a known payment status.
func (p PaymentStatus) Valid() bool {
	return p == PaymentUnpaid || p == PaymentPaid || p == PaymentCancelled
}

// PaymentRequest asks the customer to pay. While one is unpaid its
// conversation cannot be resolved or deleted. Amount is in the currency's
// minor unit (cents).
type PaymentRequest struct {
	ID             string        `json:"id"`
	WorkspaceID    string        `json:"-"`
	ConversationID string        `json:"conversation_id"`
	Amount         int64         `json:"amount"`
	Currency       string        `json:"currency"`
	Description    string        `json:"description"`
	Status         PaymentStatus `json:"status"`
	CreatedBy      string        `json:"created_by"`
	CreatedAt      time.Time     `json:"created_at"`
	UpdatedAt      time.Time     `json:"updated_at"`
}

// Draft is a user's unsent text in a conversation.
type Draft struct {
	ConversationID string    `json:"conversation_id"`
	Content        string    `json:"content"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// AuditEntry is one row of the audit log.
type AuditEntry struct {
	ID         string         `json:"id"`
	ActorID    string         `json:"actor_id"`
	Action     string         `json:"action"`
	ObjectType string         `json:"object_type"`
	ObjectID   string         `json:"object_id"`
	Data       map[string]any `json:"data"`
	CreatedAt  time.Time      `json:"created_at"`
}

// Event types of the working day.
const (
	EventPaymentRequestCreated = "payment_request.created"
	EventPaymentRequestUpdated = "payment_request.updated"
)

// LifecycleSettings are a workspace's timers and lists of the working day.
type LifecycleSettings struct {
	// AutoResolveHours resolves an open or pending conversation after this
	// many hours without a customer message; 0 turns it off.
	AutoResolveHours int `json:"auto_resolve_hours" minimum:"0" maximum:"8760"`
	// AbandonMinutes closes a queued or never-answered conversation as
	// abandoned after this many minutes of customer silence; 0 turns it off.
	AbandonMinutes int `json:"abandon_minutes" minimum:"0" maximum:"525600"`
	// ClosingPhrasesEnabled resolves a conversation when the customer's
	// message is only a closing phrase.
	ClosingPhrasesEnabled bool     `json:"closing_phrases_enabled"`
	ClosingPhrases        []string `json:"closing_phrases" maxItems:"200"`
	CloseReasons          []string `json:"close_reasons" maxItems:"100"`
	// PurgeDays is how long a deleted conversation can be restored before
	// its messages and files are purged.
	PurgeDays int `json:"purge_days" minimum:"0" maximum:"3650"`
	// FirstResponseSeconds is the first-response target: a conversation
	// whose customer has waited this long without a first reply notifies
	// its assignee (else its team's queue) once; 0 turns it off.
	FirstResponseSeconds int `json:"first_response_seconds" minimum:"0" maximum:"604800"`
	// ResolvedReply is what a customer message continuing a resolved
	// conversation does, on every channel: open a new conversation linked
	// to it (new_conversation, the default) or reopen it (reopen).
	// Automatic replies never reopen.
	ResolvedReply ResolvedReply `json:"resolved_reply,omitempty" enum:"new_conversation,reopen"`
}

// ResolvedReply is the lifecycle rule for a message continuing a resolved
// conversation.
type ResolvedReply string

// Resolved-reply rules.
const (
	ResolvedReplyNew    ResolvedReply = "new_conversation"
	ResolvedReplyReopen ResolvedReply = "reopen"
)

// Valid reports whether r is a known rule ("" is not: Effective fills it).
func (r ResolvedReply) Valid() bool { return r == ResolvedReplyNew || r == ResolvedReplyReopen }

// Effective returns the lifecycle settings with defaults for a workspace
// that never set them. Closing phrases default to the caller's list.
func (s WorkspaceSettings) Effective() LifecycleSettings {
	if s.Lifecycle == nil {
		return LifecycleSettings{
			AutoResolveHours: DefaultAutoResolveHours, AbandonMinutes: DefaultAbandonMinutes,
			CloseReasons: append([]string(nil), DefaultCloseReasons...), PurgeDays: DefaultPurgeDays,
			ResolvedReply: ResolvedReplyNew,
		}
	}
	l := *s.Lifecycle
	if l.ResolvedReply == "" { // saved before the setting existed
		l.ResolvedReply = ResolvedReplyNew
	}
	return l
}

// ReopensResolved reports whether a customer message continuing a resolved
// conversation reopens it rather than opening a new one.
func (s WorkspaceSettings) ReopensResolved() bool {
	return s.Lifecycle != nil && s.Lifecycle.ResolvedReply == ResolvedReplyReopen
}
