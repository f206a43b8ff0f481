package parley

import "slices"

// ConversationStatus is where a conversation stands as a ticket. Deletion is
// not a status: it is Conversation.DeletedAt.
type ConversationStatus string

// Conversation statuses. The UI may label StatusOpen "Active" and
// StatusResolved "Closed".
const (
	StatusQueued    ConversationStatus = "queued"
	StatusOpen      ConversationStatus = "open"
	StatusPending   ConversationStatus = "pending"
	StatusSnoozed   ConversationStatus = "snoozed"
	StatusResolved  ConversationStatus = "resolved"
	StatusAbandoned ConversationStatus = "abandoned"
)

// ConversationStatuses lists every status in display order.
var ConversationStatuses = []ConversationStatus{
	StatusQueued, StatusOpen, StatusPending, StatusSnoozed, StatusResolved, StatusAbandoned,
}

// conversationTransitions is the one table of allowed status changes. A
// resolved or abandoned conversation can be reopened (or requeued); a queued
// one is accepted into open, or closed without ever being worked.
var conversationTransitions = map[ConversationStatus][]ConversationStatus{
	StatusQueued:    {StatusOpen, StatusPending, StatusSnoozed, StatusResolved, StatusAbandoned},
	StatusOpen:      {StatusQueued, StatusPending, StatusSnoozed, StatusResolved, StatusAbandoned},
	StatusPending:   {StatusQueued, StatusOpen, StatusSnoozed, StatusResolved, StatusAbandoned},
	StatusSnoozed:   {StatusQueued, StatusOpen, StatusPending, StatusResolved, StatusAbandoned},
	StatusResolved:  {StatusOpen, StatusQueued},
	StatusAbandoned: {StatusOpen, StatusQueued, StatusResolved},
}

// Valid reports whether s is a known status.
func (s ConversationStatus) Valid() bool { return slices.Contains(ConversationStatuses, s) }

// Closed reports whether the conversation is finished: new inbound messages
// open a new conversation rather than joining it.
func (s ConversationStatus) Closed() bool { return s == StatusResolved || s == StatusAbandoned }

// CanBecome reports whether a conversation in status s may move to next.
// Staying in the same status is always allowed (a no-op).
func (s ConversationStatus) CanBecome(next ConversationStatus) bool {
	if s == next {
		return next.Valid()
	}
	return slices.Contains(conversationTransitions[s], next)
}

// AfterCustomerMessage is the status a conversation in status s takes when
// its customer writes to it: a pending or snoozed conversation is open again
// (the customer is waiting on us), a queued one stays in its queue, an open
// one stays open. Closed conversations take no new messages (a new linked
// conversation opens instead, or an explicit reopen), so they stay as they
// are; ok is false for them.
func (s ConversationStatus) AfterCustomerMessage() (next ConversationStatus, ok bool) {
	switch s {
	case StatusPending, StatusSnoozed, StatusOpen:
		return StatusOpen, true
	case StatusQueued:
		return StatusQueued, true
	}
	return s, false
}

// DeliveryStatus is what happened to an outgoing message.
type DeliveryStatus string

// Delivery statuses. The progress statuses are ordered; the failures are
// terminal.
const (
	DeliveryQueued      DeliveryStatus = "queued"
	DeliverySending     DeliveryStatus = "sending"
	DeliverySent        DeliveryStatus = "sent"
	DeliveryDelivered   DeliveryStatus = "delivered"
	DeliveryRead        DeliveryStatus = "read"
	DeliveryOpened      DeliveryStatus = "opened"
	DeliveryClicked     DeliveryStatus = "clicked"
	DeliveryFailed      DeliveryStatus = "failed"
	DeliveryUndelivered DeliveryStatus = "undelivered"
	DeliveryBounced     DeliveryStatus = "bounced"
	DeliverySpam        DeliveryStatus = "spam"
	// DeliveryStored marks a reply kept for clients to read through the API
	// because its inbox has nowhere to send it (an API inbox without a
	// callback URL): nothing was sent anywhere.
	DeliveryStored DeliveryStatus = "stored"
	// DeliveryReceived marks inbound messages, which have no delivery to track.
	DeliveryReceived DeliveryStatus = "received"
)

// deliveryRank orders the statuses; a message never moves to a lower rank.
// Email's opened and clicked come after delivered alongside read. Failures
// outrank progress short of delivery (a carrier may report "failed" after
// "sent"), but a message already delivered or read is not undone by a late
// failure report. "failed" stays retryable: Retry resets it explicitly.
var deliveryRank = map[DeliveryStatus]int{
	DeliveryQueued:      10,
	DeliverySending:     20,
	DeliverySent:        30,
	DeliveryStored:      30,
	DeliveryFailed:      35,
	DeliveryUndelivered: 35,
	DeliveryBounced:     35,
	DeliveryDelivered:   40,
	DeliverySpam:        45,
	DeliveryRead:        50,
	DeliveryOpened:      50,
	DeliveryClicked:     60,
	DeliveryReceived:    100,
}

// Valid reports whether s is a known delivery status.
func (s DeliveryStatus) Valid() bool { _, ok := deliveryRank[s]; return ok }

// Failed reports whether s is a terminal failure.
func (s DeliveryStatus) Failed() bool {
	switch s {
	case DeliveryFailed, DeliveryUndelivered, DeliveryBounced, DeliverySpam:
		return true
	}
	return false
}

// Advances reports whether a message in status s should move to next. A late
// report of an earlier stage returns false: it belongs in the history only.
func (s DeliveryStatus) Advances(next DeliveryStatus) bool {
	if !next.Valid() || s == DeliveryReceived {
		return false
	}
	return deliveryRank[next] > deliveryRank[s]
}

// AIMode says whether the AI agent answers a conversation.
type AIMode string

// AI modes.
const (
	AIActive AIMode = "active"
	AIPaused AIMode = "paused"
	AIManual AIMode = "manual"
)

// Valid reports whether m is a known AI mode.
func (m AIMode) Valid() bool { return m == AIActive || m == AIPaused || m == AIManual }

// Priority ranks a conversation.
type Priority string

// Priorities, lowest first.
const (
	PriorityNone   Priority = "none"
	PriorityLow    Priority = "low"
	PriorityMedium Priority = "medium"
	PriorityHigh   Priority = "high"
	PriorityUrgent Priority = "urgent"
)

// Valid reports whether p is a known priority.
func (p Priority) Valid() bool {
	switch p {
	case PriorityNone, PriorityLow, PriorityMedium, PriorityHigh, PriorityUrgent:
		return true
	}
	return false
}

// Role is a user's role in one workspace.
type Role string

// Roles.
const (
	RoleAdmin Role = "admin"
	RoleAgent Role = "agent"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleAgent }

// Availability is whether an agent takes new work.
type Availability string

// Availabilities.
const (
	Online  Availability = "online"
	Busy    Availability = "busy"
	Offline Availability = "offline"
)

// Valid reports whether a is a known availability.
func (a Availability) Valid() bool { return a == Online || a == Busy || a == Offline }
