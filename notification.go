package parley

import "time"

// NotificationType is what a notification is about.
type NotificationType string

// Notification types. Each has a row in notify's decision table; a type
// without a source event yet (mention, handoff, waiting, suggestion) is
// created through notify.Service.Notify by the feature that causes it.
const (
	NotifyNewConversation NotificationType = "new_conversation"
	NotifyNewMessage      NotificationType = "new_message"
	NotifyAssigned        NotificationType = "assigned"
	NotifyMention         NotificationType = "mention"
	NotifyHandoff         NotificationType = "handoff"
	NotifyWaiting         NotificationType = "waiting"
	NotifyChannelFailing  NotificationType = "channel_failing"
	NotifySuggestion      NotificationType = "suggestion"
)

// NotificationTypes lists every notification type, in the order settings
// screens show them.
var NotificationTypes = []NotificationType{
	NotifyNewConversation, NotifyNewMessage, NotifyAssigned, NotifyMention,
	NotifyHandoff, NotifyWaiting, NotifyChannelFailing, NotifySuggestion,
}

// Valid reports whether t is a known notification type.
func (t NotificationType) Valid() bool {
	for _, k := range NotificationTypes {
		if k == t {
			return true
		}
	}
	return false
}

// NotificationActor is who caused a notification: an agent, the contact,
// the AI or the system.
type NotificationActor struct {
	Kind string `json:"kind"`
	ID   string `json:"id,omitempty"`
	Name string `json:"name"`
}

// Notification is one item of a user's notification list. It links to a
// conversation (and message) when it is about one, or to an inbox.
type Notification struct {
	ID             string            `json:"id"`
	WorkspaceID    string            `json:"workspace_id"`
	UserID         string            `json:"-"`
	Type           NotificationType  `json:"type" enum:"new_conversation,new_message,assigned,mention,handoff,waiting,channel_failing,suggestion"`
	ConversationID string            `json:"conversation_id"`
	MessageID      string            `json:"message_id"`
	InboxID        string            `json:"inbox_id,omitempty"`
	Actor          NotificationActor `json:"actor"`
	Text           string            `json:"text"`
	CreatedAt      time.Time         `json:"created_at"`
	ReadAt         *time.Time        `json:"read_at"`
}

// NotificationScope is which notifications a user wants at all.
type NotificationScope string

// Notification scopes.
const (
	// NotifyScopeAll: everything the decision table gives the user.
	NotifyScopeAll NotificationScope = "all"
	// NotifyScopeAssigned: only what concerns conversations assigned to
	// the user (and alerts about channels for admins).
	NotifyScopeAssigned NotificationScope = "assigned"
	// NotifyScopeMentions: only mentions (and alerts about channels).
	NotifyScopeMentions NotificationScope = "mentions"
)

// NotificationChannels are the ways one type of notification reaches a
// user.
type NotificationChannels struct {
	// InApp shows it in the bell and as a toast.
	InApp bool `json:"in_app"`
	// Push sends it to the user's browsers and phones (Web Push).
	Push bool `json:"push"`
	// Email puts it in the digest of what is still unread.
	Email bool `json:"email"`
	// Sound plays a sound in the open app.
	Sound bool `json:"sound"`
}

// QuietWindow is a daily window (in the user's time zone) during which
// push, sound and email are held. Start and End are "HH:MM"; an End
// before Start runs past midnight. Days are the days the window starts
// on, 0 Sunday to 6 Saturday; empty means every day.
type QuietWindow struct {
	Start string `json:"start" pattern:"^([01][0-9]|2[0-3]):[0-5][0-9]$" doc:"HH:MM, 24-hour."`
	End   string `json:"end" pattern:"^([01][0-9]|2[0-3]):[0-5][0-9]$" doc:"HH:MM, 24-hour; before start runs past midnight."`
	Days  []int  `json:"days" maxItems:"7" doc:"Days the window starts on, 0 Sunday to 6 Saturday; empty means every day."`
}

// NotificationPreferences are one user's choices in one workspace.
type NotificationPreferences struct {
	Scope NotificationScope `json:"scope" enum:"all,assigned,mentions"`
	// Types holds the delivery channels of each notification type.
	Types map[NotificationType]NotificationChannels `json:"types"`
	// TimeZone is an IANA zone name ("Europe/Paris"); quiet hours are in it.
	TimeZone   string        `json:"time_zone" maxLength:"64"`
	QuietHours []QuietWindow `json:"quiet_hours" maxItems:"14"`
	// EmailDelayMinutes is how long a notification stays unread before it
	// goes into an email digest.
	EmailDelayMinutes int `json:"email_delay_minutes" minimum:"1" maximum:"10080"`
}
