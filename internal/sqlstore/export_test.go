package sqlstore

// OpenConversationQuery exposes FindOpenConversation's statement so a test
// can check the plan the database chooses for it.
var OpenConversationQuery = openConversationQuery
