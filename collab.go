package parley

import "time"

// Mention names a colleague in a private note (or a colleague added to a
// conversation): the user id kept with the message, and the name it is
// shown by.
type Mention struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ContentTypeParticipants marks the informational line a conversation
// shows when colleagues are added to it: a private message (customers
// never see it, nothing is sent) whose Mentions are the people added and
// whose Content is the comment. It is not a system message: it has an
// author.
const ContentTypeParticipants = "participants_added"

// CannedReply is a pre-written answer agents insert with its short code.
// Shared replies belong to the workspace; personal ones to their owner.
type CannedReply struct {
	ID          string    `json:"id"`
	WorkspaceID string    `json:"workspace_id"`
	ShortCode   string    `json:"short_code"`
	Title       string    `json:"title"`
	Category    string    `json:"category"`
	Body        string    `json:"body"`
	Shared      bool      `json:"shared"`
	OwnerID     string    `json:"owner_id,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Participant is a colleague added to a conversation.
type Participant struct {
	ConversationID string    `json:"conversation_id"`
	UserID         string    `json:"user_id"`
	Name           string    `json:"name"`
	AddedBy        string    `json:"added_by"`
	CreatedAt      time.Time `json:"created_at"`
}

// InternalChat is a direct conversation between two members of a
// workspace, or a member's notes to themselves (both ids the same).
type InternalChat struct {
	ID          string   `json:"id"`
	WorkspaceID string   `json:"workspace_id"`
	MemberIDs   []string `json:"member_ids"`
	// With is the other member, as seen by the reader (themselves for a
	// chat with oneself).
	With          Mention              `json:"with"`
	UnreadCount   int64                `json:"unread_count"`
	LastMessage   *InternalChatMessage `json:"last_message"`
	LastMessageAt time.Time            `json:"last_message_at"`
	CreatedAt     time.Time            `json:"created_at"`
}

// InternalChatMessage is one message of an internal chat.
type InternalChatMessage struct {
	ID          string       `json:"id"`
	ChatID      string       `json:"chat_id"`
	SenderID    string       `json:"sender_id"`
	SenderName  string       `json:"sender_name"`
	Content     string       `json:"content"`
	Attachments []Attachment `json:"attachments"`
	CreatedAt   time.Time    `json:"created_at"`
}

// Event types of internal chats: delivered only to the chat's members
// (the event's data carries member_ids).
const (
	EventInternalChatMessage = "internal_chat.message"
	EventInternalChatRead    = "internal_chat.read"
	EventInternalChatDeleted = "internal_chat.deleted"
)

// Task is a to-do about a contact (and optionally one of its
// conversations): an open task puts the contact's conversations in the
// Important view until it is done.
type Task struct {
	ID             string     `json:"id"`
	WorkspaceID    string     `json:"workspace_id"`
	ContactID      string     `json:"contact_id"`
	ConversationID string     `json:"conversation_id,omitempty"`
	Title          string     `json:"title"`
	Notes          string     `json:"notes"`
	DueAt          *time.Time `json:"due_at"`
	AssigneeID     string     `json:"assignee_id,omitempty"`
	Done           bool       `json:"done"`
	DoneAt         *time.Time `json:"done_at"`
	// Overdue: not done and due before now (computed when read).
	Overdue   bool      `json:"overdue"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Event types of tasks.
const (
	EventTaskUpdated = "task.updated"
	EventTaskDeleted = "task.deleted"
)
