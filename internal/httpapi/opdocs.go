package httpapi

// opDescriptions are the operations' descriptions, by operation id, for
// those registered without one: what the call does and its error cases.
// Every error is an RFC 9457 problem; 401 (not signed in) and 404 (an id
// outside your workspaces, or one you may not see) apply throughout and are
// said where they mean more.
var opDescriptions = map[string]string{
	"login": "Answers a bearer token for the API (and sets the session cookie for the browser). Wrong email or " +
		"password is 401 with one message for both; too many attempts for an address or from a client is 429 with " +
		"Retry-After.",
	"logout": "Ends the session or API token the request is authenticated with. Other sessions stay signed in.",
	"getMe":  "You, and every workspace you are a member of with your role in it. 401 when not signed in.",
	"updateMe": "Only the fields sent change. An empty name is 422; avatar_url must be an http(s) URL or empty (422 " +
		"naming the field).",
	"changePassword": "current_password must be your password (422 naming it otherwise); new_password follows the " +
		"password rules (422). Your other browser sessions are signed out and all your API tokens revoked; the answer " +
		"counts them. The session making the call stays signed in.",
	"getSetup": "Whether the server has no workspace yet, so the first-run set-up (POST /setup) is open.",
	"completeSetup": "Creates the first workspace and its admin and signs them in; needs the set-up token the server " +
		"printed at start. It is refused once a workspace exists or with a wrong token; bad fields are 422 naming them.",
	"listTokens":     "Your personal API tokens: name, creation and last use. The token values are never shown again.",
	"createToken":    "The token is in the answer once; store it. A name is required (422). It acts as you, with your roles.",
	"revokeToken":    "The token stops working at once. 404 when it is not one of yours.",
	"listWorkspaces": "The workspaces you are a member of, with your role in each.",
	"getWorkspace":   "Its name and settings (agent scope, join mode, lifecycle). 404 when you are not a member.",
	"updateWorkspace": "Admins only (403 otherwise). Only the fields sent change; an unknown setting value is 422 " +
		"naming the field.",
	"listContacts":  "Paged by cursor; q filters by name, email, phone or company.",
	"createContact": "email and phone are checked (422 naming the field); a phone is stored in international form.",
	"deleteContact": "Admins only (403). The contact's conversations stay, without their customer's details.",
	"getContact":    "The contact with the channel identities (phone numbers, chat ids) it is reachable on.",
	"updateContact": "Only the fields sent change; checks as on create (422 naming the field).",
	"addContactIdentity": "Binds a channel address (for example a WhatsApp number) to the contact, so that messages " +
		"from it join this contact. An address already bound to another contact is 409; a bad address is 422.",
	"listConversations": "Filters by status, inbox, assignee, team, tag and label; paged by cursor. Only conversations " +
		"you may see are listed (agent scope and Visible to).",
	"countConversations": "How many open conversations each view holds for you, as the inbox's tabs show them.",
	"deleteConversation": "Admins only (403). The conversation disappears for everyone at once; its messages and files " +
		"are purged later.",
	"getConversation": "With its contact, inbox, assignees, team, tags and the last message's preview. 404 when it is " +
		"not visible to you.",
	"updateConversation": "Only the fields sent change. Resolving may require a resolution note or close reason by " +
		"the workspace's settings (422 naming the field); an assignee outside the workspace or a team that does not " +
		"exist is 422.",
	"deleteDraft": "Nothing happens when you have no draft.",
	"getDraft":    "Drafts are per person and per conversation, saved by the composer. 404 when you have none.",
	"listMessages": "Replies, customer messages, private notes and system lines, with delivery status and " +
		"attachments. Private notes are for members only.",
	"createMessage": "private true adds a note seen by members only. A reply goes out through the conversation's " +
		"inbox: its status moves from queued to sent, delivered or failed (live over the WebSocket). Outside the " +
		"provider's reply window (WhatsApp 24 h, Messenger 7 days) it is 422; attachment_ids must be your uploads (422).",
	"sendTemplate": "For WhatsApp inboxes: the template's name, language and parameters must match an approved " +
		"template (422 naming the field otherwise).",
	"resendMessage": "The failed reply is sent again through inbox_id, which must reach the same contact (422 " +
		"otherwise); the new message links to the old.",
	"retryMessage":         "Queues the failed reply again through the same inbox. 422 when it has not failed.",
	"listPaymentRequests":  "Each with its amount, status and link.",
	"pinConversation":      "Pinned conversations come first in your lists only.",
	"markConversationRead": "Clears the unread mark for you; others are not affected.",
	"listInboxes":          "Every inbox of the workspace with its public settings; secrets are never returned.",
	"createInbox": "Admins only (403). config takes the channel's settings (see the InboxConfig schemas): missing or " +
		"malformed settings are 422 naming config.<key>; a phone number, page or bot already used by another inbox is " +
		"409. Provider inboxes are checked with the provider (ownership of the number or page; Telegram's webhook is " +
		"registered) and an unreachable provider or refused credentials are 422 saying which. The answer shows the " +
		"webhook URL to paste in the provider's console.",
	"deleteInbox": "Admins only (403). Its conversations stay readable; no more messages arrive or leave through it.",
	"getInbox":    "With its public settings and webhook URL; secrets are never returned.",
	"updateInbox": "Admins only (403). Only the settings sent change; an empty secret keeps the stored one. Checks as " +
		"on create (422, 409).",
	"getInboxHealth": "What Parley has seen of the provider: the last message in, the last send that worked, the last " +
		"error (failed sends and failed connection tests) and the webhooks refused for a bad signature or body.",
	"listInboxTemplates": "For WhatsApp inboxes (422 for others). The list is cached; refresh fetches it again. A " +
		"provider that cannot be reached is 422 saying so.",
	"refreshInboxTemplates": "For WhatsApp inboxes (422 for others). A provider that cannot be reached or refuses the " +
		"token is 422 saying so.",
	"testInbox": "Admins only (403). Makes a cheap authenticated call to the provider and answers ok, the HTTP status " +
		"and latency; a failure says why (not reachable, credentials refused) and becomes the inbox's last error in " +
		"its health. API inboxes have nothing to test (422).",
	"listTeams":  "Every team with its members and routing policy.",
	"createTeam": "Admins only (403). A name is required (422 naming it).",
	"deleteTeam": "Admins only (403). Its conversations keep their assignees and lose the team.",
	"getTeam":    "With its members and routing policy.",
	"updateTeam": "Admins only (403). members replaces the whole list; each must be a member of the workspace (422).",
	"uploadFile": "Multipart with one file field. Files over the size limit are 413; the type is read from the " +
		"content. Unsent uploads are removed after a day.",
	"deleteUpload": "Only your own uploads that no message uses (404 otherwise).",
	"listUsers":    "Everyone in the workspace with their role, teams, availability and capacity.",
	"removeUser": "Admins only (403). The last admin cannot be removed (409). Their conversations are left " +
		"unassigned.",
	"getUser": "One member with their role, teams, availability and capacity.",
	"updateUser": "Members change their own availability; admins change role and capacity too (403 otherwise). The " +
		"last admin cannot become an agent (409); bad values are 422 naming the field.",
	"postInbound": "Authenticated by the inbox's inbound token in the path (404 when unknown). The contact is found " +
		"or created by source_id; a repeated source_message_id is accepted once (202 both times). Bad fields are 422 " +
		"naming them.",
	"listChannelKinds": "The provider channels this server offers, as their specs: each setting (label, secret, " +
		"required, generated, validation pattern and message), the webhook path, the reply window and the file " +
		"limits. The web app's inbox forms read it. Public to members; 401 when not signed in.",
	"dashboard": "The dashboard tiles for the caller: for you (assigned to you and not closed, your unreplied " +
		"conversations) and for the group (unassigned, unreplied, queued), counting only what the caller may see.",
	"searchConversation": "Searches the messages of one conversation (notes included) for q, newest first, with " +
		"<mark>ed snippets. 404 when the conversation does not exist or is hidden from the caller; an empty q is 422.",
	"listSavedFilters": "Your saved filters and those shared with the workspace, each with its live count among " +
		"the conversations you may see.",
	"createSavedFilter": "Saves a filter object under a name, personal or shared with the workspace. A bad filter " +
		"is 422 naming the field or operator at fault.",
	"duplicateSavedFilter": "Copies a saved filter you can see into a new personal one (optionally renamed). 404 " +
		"when it does not exist or is another user's personal filter.",
	"updateSavedFilter": "Renames a saved filter, replaces its filter or shares it. Only its owner may (and an admin " +
		"for a shared one); others get 403, or 404 for another user's personal filter. Bad filters are 422.",
	"deleteSavedFilter": "Deletes a saved filter: its owner, or an admin for a shared one (403 otherwise; 404 for " +
		"another user's personal filter).",
	"bulkContacts": "Tags, untags or deletes many contacts at once (admins; 403 otherwise). All or nothing: an " +
		"unknown id or a bad tag is 422 and changes nothing.",
	"createContactAttribute": "Defines a custom contact attribute (admins): key, label and type (text, number, date, " +
		"list, checkbox, link); a key in use is 409 naming key, bad values are 422.",
	"deleteContactAttribute": "Deletes an attribute definition (admins); values stay on contacts as free text.",
	"updateContactAttribute": "Changes an attribute definition's label or options (admins); bad values are 422.",
	"listContactAttributes":  "The workspace's custom contact attribute definitions.",
	"exportContacts": "The contacts the filters select as CSV (admins), in the format the import reads back " +
		"unchanged; formula-like cells are guarded.",
	"importContacts": "Imports contacts from a CSV body with a column mapping; idempotent on email, else E.164 " +
		"phone. dry_run reports per-row errors and writes nothing; over 1,000 rows the import runs in the " +
		"background (202, follow it with getContactImport). Over 50 MB is 413; a bad mapping is 422.",
	"getContactImport": "The progress and per-row errors of a contact import.",
	"listContactActivity": "The contact's activity log: created, merged, blocked, tags and fields changed, from the " +
		"audit log.",
	"listContactConversations": "The contact's conversations you may see, newest first, with status and last " +
		"message (held messages of a blocked contact flagged).",
	"getContactPresets": "The contact's presets: assignee_ids given to each of their new conversations and " +
		"visible_to, the only people (with the assignees) who see them; null visible_to means everyone.",
	"setContactPresets": "Replaces the contact's presets (admins). Every user named must be a member of the " +
		"workspace (422 naming the entry); assignees are added to a visibility list. Routing applies them when a " +
		"message from the contact opens a conversation: preset assignees skip the team's queue.",
	"listContactNotes":  "Notes about the person (not about one conversation), newest first, with their author.",
	"addContactNote":    "Writes a note about the person, signed by you; empty or over 10,000 characters is 422.",
	"deleteContactNote": "Deletes a note about the person: its author or an admin (403 otherwise).",
	"markContact":       "Stars the contact for you (a per-user mark).",
	"unmarkContact":     "Removes your star from the contact.",
	"mergeContacts": "Merges other_id into this contact: identities, conversations, tags and attributes move, the " +
		"survivor's values win; the merged contact then answers 301 naming the survivor. Merging a contact with " +
		"itself or one of another workspace is 422.",
	"addParticipants":        "Adds colleagues to the conversation as participants, with an optional comment recorded as a private line; each must already be able to see it (422 naming them otherwise). They are notified.",
	"listParticipants":       "The conversation's participants: colleagues added with a comment, who follow it without being assignees.",
	"removeParticipant":      "Removes a participant from the conversation.",
	"listParticipating":      "The conversations you participate in and may see (the Participating list).",
	"createCannedReply":      "Creates a canned reply: short code, title, category and Liquid body; personal by default, shared only by admins. A short code in use is 409 naming short_code; a template that is not valid Liquid (or uses loops or assign) is 422.",
	"getCannedReply":         "One canned reply you can see (yours or a shared one).",
	"listCannedReplies":      "Your canned replies and the shared ones, searchable with q by short code, title and category.",
	"updateCannedReply":      "Changes a canned reply: its owner, or an admin for a shared one (403 otherwise).",
	"deleteCannedReply":      "Deletes a canned reply: its owner, or an admin for a shared one (403 otherwise).",
	"renderTemplate":         "Renders a Liquid template for this conversation on the server, so the preview is what is sent: content has every known variable filled; a variable with no value and no default stays as written and is named in missing.",
	"listVariables":          "The values the template variables take in this conversation (contact, agent, conversation), for the composer's variables list.",
	"openInternalChat":       "Opens (or returns) the one-to-one internal chat with a colleague, or with yourself for notes.",
	"getInternalChat":        "One internal chat; only its members may read it (404 for anyone else, admins included).",
	"listInternalChats":      "Your internal chats with their unread counts.",
	"listAllInternalChats":   "Every internal chat of the workspace, by members only, without messages (admins, to delete them).",
	"deleteInternalChat":     "Deletes an internal chat and its messages (admins only; 403 otherwise).",
	"listInternalMessages":   "The messages of an internal chat you are a member of, newest first, by cursor.",
	"sendInternalMessage":    "Sends a message (text, files) in an internal chat you are a member of; delivered live only to its members.",
	"markInternalChatRead":   "Marks an internal chat read for you.",
	"markConversationUnread": "Marks the conversation unread for you again (409 when the customer has written nothing).",
	"getReadPreferences":     "Whether opening a conversation marks it read for you (default true).",
	"setReadPreferences":     "Sets whether opening a conversation marks it read for you; when false, only Shift+Enter or Mark read does.",
	"createTask":             "Creates a task about a contact (and optionally one of their conversations): title, notes, due time, assignee. An assignee who cannot see the conversation is 422.",
	"getTask":                "One task you may see.",
	"listTasks":              "Tasks, filtered by mine, open, contact_id, conversation_id or assignee_id (at most 500); overdue ones are marked.",
	"updateTask":             "Changes a task: title, notes, due time, assignee, done.",
	"deleteTask":             "Deletes a task.",
	// The AI agent (issue 19).
	"listAssistants":       "The workspace's AI assistants, the default first; a workspace's first call creates its default assistant on the built-in provider. API keys are never returned (api_key_set says one is stored).",
	"createAssistant":      "Adds an assistant (admins; 403 otherwise): name, provider (builtin or openai), settings and a sealed API key. An openai assistant without base_url and model is 422; thresholds out of range are 422 naming the field.",
	"getAssistant":         "One assistant of the workspace.",
	"updateAssistant":      "Changes an assistant (admins): only the fields sent change; default true makes it the default (the previous one stops being it). Unsetting the default is 422.",
	"deleteAssistant":      "Deletes an assistant (admins); the default is 409. Inboxes using it turn the AI off; conversations that chose it go back to their inbox's.",
	"listInboxAssistants":  "Each inbox that has an assistant, with its id; inboxes not listed have the AI off.",
	"setInboxAssistant":    "Chooses the assistant of an inbox (admins): its new conversations start with ai_mode active. An empty assistant_id turns the AI off there; an unknown one is 422.",
	"previewAssistant":     "Runs an assistant (default: the workspace's default) on a transcript without storing or sending anything: the reply (null when it would not answer), whether and why it would hand off (human_request, negative_sentiment, keyword, low_confidence, in that precedence), the appointment flag and the reasoning. Admins only.",
	"listKnowledge":        "The knowledge base, newest first, paged by cursor; with q, the entries that answer it, best first (one page).",
	"createKnowledge":      "Adds an article (title, Markdown content) or a Q&A pair (question, answer). Admins only; a missing field is 422 naming it.",
	"getKnowledge":         "One knowledge entry.",
	"updateKnowledge":      "Replaces a knowledge entry's text (admins); the same rules as creating one.",
	"deleteKnowledge":      "Deletes a knowledge entry (admins).",
	"importKnowledge":      "Imports Q&A pairs from a CSV body (text/csv): a header naming question and answer columns, or the first two columns. All or nothing: a bad row is 422 naming its line. Admins only.",
	"getConversationAI":    "The conversation's AI state: its mode, the assistant answering, the memory reset point and whether bot messages are off. Take over and resume are PATCH …/conversations/{id} with ai_mode paused or active.",
	"updateConversationAI": "Switches the conversation's assistant, turns automatic messages off or on, or resets the assistant's memory (reset: true; it starts over from the next message, the thread stays). An unknown assistant is 422.",
	// AI feedback and notifications.
	"listMyAIFeedback":       "Your own 👍/👎 votes and corrections on the conversation's AI replies, so the thread shows them.",
	"voteAIReply":            "Rates an AI reply up or down (one vote per agent and message; voting again changes it), optionally with a better answer that waits for an admin's review. A message that is not an AI reply is 422 naming message_id.",
	"listAIFeedback":         "Votes and corrections on AI replies, newest first, filtered by status (pending, approved, rejected); admins see everyone's, agents their own.",
	"approveAIFeedback":      "Approves a correction (admins; 403 otherwise): the question and answer, editable here, become a knowledge-base Q&A entry the assistant uses. A record already reviewed is 409.",
	"rejectAIFeedback":       "Rejects a correction (admins); the record is kept. A record already reviewed is 409.",
	"readNotification":       "Marks one of your notifications read.",
	"readAllNotifications":   "Marks all your notifications read and says how many were unread.",
	"deletePushSubscription": "Removes this browser's push subscription (by endpoint): it receives no more pushes.",
}
