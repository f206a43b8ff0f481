package sqlstore

// OpenConversationQuery exposes FindOpenConversation's statement so a test
// can check the plan the database chooses for it.
var OpenConversationQuery = openConversationQuery

// SilentQuery exposes LockSilent's statement for the same reason.
var SilentQuery = silentQuery

// ClosedStatusList and RecordInbound expose the Go rules whose SQL forms a
// test checks against them.
var (
	ClosedStatusList     = closedStatusList
	RecordInbound        = recordInbound
	ApplyCustomerMessage = applyCustomerMessage
)
