package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/id"
)

// NextConversationNumber's statements per dialect.
const (
	nextConversationNumberSQLite   = `UPDATE counters SET value = value + 1 WHERE workspace_id = $1 AND name = 'conversation_number' RETURNING value`
	nextConversationNumberPostgres = `SELECT nextval($1::regclass)`
)

// NextConversationNumber hands out the workspace's next conversation
// number: from its sequence on PostgreSQL (no lock held to commit), from
// the counter row on SQLite (whose single writer serialises anyway).
func (tx *Tx) NextConversationNumber(ctx context.Context, workspaceID string) (int64, error) {
	var n int64
	query, args := nextConversationNumberSQLite, []any{workspaceID}
	if tx.dialect == Postgres {
		query, args = nextConversationNumberPostgres, []any{conversationSequence(workspaceID)}
	}
	if err := tx.db.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("next conversation number: %w", err)
	}
	return n, nil
}

// conversationSequence names a workspace's sequence of conversation numbers.
func conversationSequence(workspaceID string) string {
	return "conversation_numbers_" + strings.ReplaceAll(workspaceID, "-", "")
}

// CreateConversation inserts a conversation with its assignees, visibility
// list and tags. ID, number and times are filled in.
func (tx *Tx) CreateConversation(ctx context.Context, c *parley.Conversation) error {
	n, err := tx.NextConversationNumber(ctx, c.WorkspaceID)
	if err != nil {
		return err
	}
	c.ID, c.Number = id.New(), n
	c.CreatedAt = tx.now
	if c.LastActivityAt.IsZero() {
		c.LastActivityAt = tx.now
	}
	normalizeConversation(c)
	_, err = tx.db.ExecContext(ctx,
		`INSERT INTO conversations (id, workspace_id, number, contact_id, inbox_id, status, snoozed_until, priority, team_id,
		   restricted, assignee_count, assignee_ids, visible_to, ai_mode, tags, labels, subject, unreplied_count, inbound_count,
		   waiting_since, first_reply_at, last_activity_at, last_message, handoff, appointment, previous_id, external_ref, source,
		   resolved_at, created_at, updated_at, queued_at, last_inbound_at, resolution_note, close_reason, merged_into_id)
		 VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$28,$29,$30,$31,
		   $32,$33,$34,$35,$36)`,
		c.ID, c.WorkspaceID, c.Number, c.ContactID, c.InboxID, string(c.Status), nullMicros(c.SnoozedUntil), string(c.Priority),
		nullString(c.TeamID), c.VisibleTo != nil, len(c.AssigneeIDs), jsonList(c.AssigneeIDs), visibleText(c.VisibleTo),
		string(c.AIMode), jsonList(c.Tags), jsonList(c.Labels), c.Subject, c.UnrepliedCount, c.InboundCount,
		nullMicros(c.WaitingSince), nullMicros(c.FirstReplyAt), micros(c.LastActivityAt), previewText(c.LastMessage),
		c.Handoff, c.Appointment, nullString(c.PreviousID), externalRefText(c.ExternalRef), c.Source, nullMicros(c.ResolvedAt),
		micros(tx.now), micros(tx.now), nullMicros(c.QueuedAt), nullMicros(c.LastInboundAt), c.ResolutionNote, c.CloseReason,
		nullString(c.MergedIntoID))
	if err != nil {
		return fmt.Errorf("create conversation: %w", err)
	}
	if err := tx.recount(ctx, nil, c); err != nil {
		return err
	}
	return tx.writeConversationSets(ctx, c, nil)
}

func normalizeConversation(c *parley.Conversation) {
	if c.AssigneeIDs == nil {
		c.AssigneeIDs = []string{}
	}
	if c.Tags == nil {
		c.Tags = []string{}
	}
	if c.Labels == nil {
		c.Labels = []string{}
	}
	if c.Priority == "" {
		c.Priority = parley.PriorityNone
	}
	if c.AIMode == "" {
		c.AIMode = parley.AIManual
	}
}

// SaveConversation writes every mutable field of a conversation. prev is
// the conversation as it was read in this transaction; the assignee,
// visibility and tag rows are rewritten only when they changed.
func (tx *Tx) SaveConversation(ctx context.Context, c, prev *parley.Conversation) error {
	normalizeConversation(c)
	res, err := tx.db.ExecContext(ctx,
		`UPDATE conversations SET inbox_id=$1, status=$2, snoozed_until=$3, priority=$4, team_id=$5, restricted=$6,
		   assignee_count=$7, assignee_ids=$8, visible_to=$9, ai_mode=$10, tags=$11, labels=$12, subject=$13,
		   unreplied_count=$14, waiting_since=$15, first_reply_at=$16, last_activity_at=$17, last_message=$18,
		   handoff=$19, appointment=$20, external_ref=$21, source=$22, resolved_at=$23, deleted_at=$24, updated_at=$25,
		   queued_at=$28, resolution_note=$29, close_reason=$30, merged_into_id=$31
		 WHERE id=$26 AND workspace_id=$27`,
		c.InboxID, string(c.Status), nullMicros(c.SnoozedUntil), string(c.Priority), nullString(c.TeamID), c.VisibleTo != nil,
		len(c.AssigneeIDs), jsonList(c.AssigneeIDs), visibleText(c.VisibleTo), string(c.AIMode), jsonList(c.Tags),
		jsonList(c.Labels), c.Subject, c.UnrepliedCount, nullMicros(c.WaitingSince), nullMicros(c.FirstReplyAt),
		micros(c.LastActivityAt), previewText(c.LastMessage), c.Handoff, c.Appointment, externalRefText(c.ExternalRef), c.Source,
		nullMicros(c.ResolvedAt), nullMicros(c.DeletedAt), micros(tx.now), c.ID, c.WorkspaceID,
		nullMicros(c.QueuedAt), c.ResolutionNote, c.CloseReason, nullString(c.MergedIntoID))
	if err != nil {
		return fmt.Errorf("save conversation: %w", err)
	}
	if err := mustAffect(res, "Conversation"); err != nil {
		return err
	}
	if err := tx.recount(ctx, prev, c); err != nil {
		return err
	}
	return tx.writeConversationSets(ctx, c, prev)
}

// InsertInbound stores a customer message and updates its conversation's
// counters: the inbound path's writes, in one statement on PostgreSQL.
func (tx *Tx) InsertInbound(ctx context.Context, m *parley.Message, c *parley.Conversation, preview *parley.MessagePreview) error {
	ins, args := tx.messageInsert(m)
	at := m.CreatedAt
	prev := *c
	moved := applyCustomerMessage(c)
	uargs := []any{micros(at), micros(maxTime(at, c.LastActivityAt)), previewText(preview), c.InboxID, micros(tx.now), c.ID,
		string(c.Status), nullMicros(c.SnoozedUntil)}
	if tx.dialect == Postgres {
		// One round trip: the message and the counters commit together anyway.
		if _, err := tx.db.ExecContext(ctx, `WITH inserted AS (`+ins+` RETURNING 1) `+inboundUpdate(len(args)+1),
			append(args, uargs...)...); err != nil {
			return fmt.Errorf("insert inbound message: %w", err)
		}
	} else {
		if _, err := tx.db.ExecContext(ctx, ins, args...); err != nil {
			return fmt.Errorf("insert message: %w", err)
		}
		if _, err := tx.db.ExecContext(ctx, inboundUpdate(1), uargs...); err != nil {
			return fmt.Errorf("record inbound: %w", err)
		}
	}
	recordInbound(c, at, preview)
	if err := tx.recount(ctx, &prev, c); err != nil {
		return err
	}
	if moved {
		return tx.setAssignmentStatus(ctx, c)
	}
	return nil
}

// AppendToOpenConversation is the inbound path's common case in one round
// trip on PostgreSQL: it locks the contact, finds its open conversation (in
// inboxID when not empty), stores m there and updates the counters, and
// returns the contact and the conversation as they now are. ok is false,
// with nothing written, when the contact is gone or has no open
// conversation (or one committed while this waited for the contact's lock,
// which this statement's snapshot does not see): the caller then takes the
// long way, statement by statement. On SQLite, where a statement costs no
// round trip, ok is always false.
func (tx *Tx) AppendToOpenConversation(ctx context.Context, contactID, inboxID string, m *parley.Message,
	preview *parley.MessagePreview) (parley.ContactRef, *parley.Conversation, bool, error) {
	ref := parley.ContactRef{ID: contactID}
	if tx.dialect != Postgres {
		return ref, nil, false, nil
	}
	// Built, not a constant: its message columns and the status and counter
	// rules are generated from the same Go sources as the long way's
	// statements (messageInsert, afterCustomerCase, lastInbound), so the two
	// paths cannot drift apart.
	_, margs := tx.messageInsert(m)
	var cols []string
	var args []any
	for i, a := range margs {
		if i == 2 { // the conversation: the one found
			cols = append(cols, "o.id")
			continue
		}
		args = append(args, a)
		cols = append(cols, placeholder(len(args)))
	}
	p := func(i int) string { return placeholder(len(margs) - 1 + i) }
	args = append(args, contactID, micros(m.CreatedAt), previewText(preview), m.InboxID, micros(tx.now))
	inInbox := ""
	if inboxID != "" {
		args = append(args, inboxID)
		inInbox = ` AND c.inbox_id = ` + p(6)
	}
	// A blocked or archived contact takes the long way (see inbound.screen).
	query := `WITH ct AS (SELECT id, name, avatar_url FROM contacts WHERE id = ` + p(1) + ` AND deleted_at IS NULL
			AND blocked = FALSE AND archived = FALSE FOR UPDATE),
		o AS (SELECT c.id, c.status, c.last_message FROM conversations c JOIN ct ON c.contact_id = ct.id
			WHERE ` + openConversation + inInbox + `
			ORDER BY c.created_at DESC, c.id DESC LIMIT 1),
		ins AS (INSERT INTO messages (` + messageInsertColumns + `) SELECT ` + strings.Join(cols, ", ") + ` FROM o RETURNING 1),
		updated AS (UPDATE conversations SET inbound_count = inbound_count + 1, unreplied_count = unreplied_count + 1,
			waiting_since = COALESCE(waiting_since, ` + p(2) + `), last_activity_at = GREATEST(last_activity_at, ` + p(2) + `),
			last_message = ` + p(3) + `, inbox_id = ` + p(4) + `, updated_at = ` + p(5) + `,
			status = ` + afterCustomerCase("o.status") + `,
			snoozed_until = CASE WHEN ` + afterCustomerCase("o.status") + ` = o.status THEN conversations.snoozed_until END,
			last_inbound_at = ` + strings.ReplaceAll(lastInbound(p(2)), "last_inbound_at", "conversations.last_inbound_at") + `
			FROM o WHERE conversations.id = o.id RETURNING conversations.*),
		moved AS (UPDATE conversation_assignees a SET status = ` + afterCustomerCase("o.status") + ` FROM o
			WHERE a.conversation_id = o.id AND ` + afterCustomerCase("o.status") + ` <> o.status)
		SELECT ` + conversationColumns + `, ct.name, ct.avatar_url, o.status, o.last_message FROM updated c, ct, o`
	var was parley.ConversationStatus
	var wasLast sql.NullString
	conv, err := scanConversation(tx.db.QueryRowContext(ctx, query, args...), &ref.Name, &ref.AvatarURL, &was, &wasLast)
	if parley.IsNotFound(err) {
		return ref, nil, false, nil
	}
	if err != nil {
		return ref, nil, false, fmt.Errorf("append inbound message: %w", err)
	}
	m.ConversationID = conv.ID
	// The conversation as it was, for the view counts.
	prev := *conv
	prev.Status, prev.InboundCount, prev.UnrepliedCount, prev.LastMessage = was, conv.InboundCount-1, conv.UnrepliedCount-1, nil
	if wasLast.Valid {
		prev.LastMessage = &parley.MessagePreview{}
		_ = json.Unmarshal([]byte(wasLast.String), prev.LastMessage)
	}
	if err := tx.recount(ctx, &prev, conv); err != nil {
		return ref, nil, false, err
	}
	return ref, conv, true, nil
}

// recordInbound is the inbound counter rule, in Go: what a customer message
// at at does to its conversation's counters and times (its status moves by
// applyCustomerMessage). inboundUpdate and AppendToOpenConversation are its
// SQL forms; TestInboundCounterRule runs both against it.
func recordInbound(c *parley.Conversation, at time.Time, preview *parley.MessagePreview) {
	c.InboundCount++
	c.UnrepliedCount++
	if c.WaitingSince == nil {
		c.WaitingSince = &at
	}
	// A late-arriving older message does not move it back.
	if c.LastInboundAt == nil || c.LastInboundAt.Before(at) {
		c.LastInboundAt = &at
	}
	c.LastActivityAt = maxTime(at, c.LastActivityAt)
	c.LastMessage = preview
}

// inboundUpdate is the counters' UPDATE (recordInbound's SQL form) with
// placeholders from $first. Built: it runs alone ($1) and after the
// message's INSERT in one statement (its arguments first).
func inboundUpdate(first int) string {
	p := func(i int) string { return placeholder(first + i) }
	return `UPDATE conversations SET inbound_count = inbound_count + 1, unreplied_count = unreplied_count + 1,
		   waiting_since = COALESCE(waiting_since, ` + p(0) + `), last_activity_at = ` + p(1) + `, last_message = ` + p(2) +
		`, inbox_id = ` + p(3) + `, updated_at = ` + p(4) + `, status = ` + p(6) + `, snoozed_until = ` + p(7) +
		`, last_inbound_at = ` + lastInbound(p(0)) + ` WHERE id = ` + p(5)
}

// lastInbound is the new last_inbound_at for a customer message at at: a
// late-arriving older message does not move it back.
func lastInbound(at string) string {
	return `CASE WHEN last_inbound_at IS NULL OR last_inbound_at < ` + at + ` THEN ` + at + ` ELSE last_inbound_at END`
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func (tx *Tx) writeConversationSets(ctx context.Context, c, prev *parley.Conversation) error {
	if prev == nil {
		// A new conversation: nothing to replace, often nothing to write.
		prev = &parley.Conversation{AssigneeIDs: []string{}, Tags: []string{}, Labels: []string{}}
		if len(c.AssigneeIDs)+len(c.VisibleTo)+len(c.Tags)+len(c.Labels) == 0 && c.VisibleTo == nil {
			return nil
		}
	}
	if !slices.Equal(prev.AssigneeIDs, c.AssigneeIDs) {
		if err := tx.replaceSet(ctx, "conversation_assignees", c, c.AssigneeIDs); err != nil {
			return err
		}
	} else if assignmentStatus(prev) != assignmentStatus(c) && len(c.AssigneeIDs) > 0 {
		if _, err := tx.db.ExecContext(ctx, `UPDATE conversation_assignees SET status = $1 WHERE conversation_id = $2`,
			assignmentStatus(c), c.ID); err != nil {
			return fmt.Errorf("write assignment status: %w", err)
		}
	}
	if !slices.Equal(prev.VisibleTo, c.VisibleTo) || (prev.VisibleTo == nil) != (c.VisibleTo == nil) {
		if err := tx.replaceSet(ctx, "conversation_visibility", c, c.VisibleTo); err != nil {
			return err
		}
	}
	if !slices.Equal(prev.Tags, c.Tags) || !slices.Equal(prev.Labels, c.Labels) {
		if _, err := tx.db.ExecContext(ctx, `DELETE FROM conversation_tags WHERE conversation_id = $1`, c.ID); err != nil {
			return fmt.Errorf("write conversation tags: %w", err)
		}
		for kind, names := range map[string][]string{KindTag: c.Tags, KindLabel: c.Labels} {
			for _, name := range names {
				if _, err := tx.db.ExecContext(ctx,
					`INSERT INTO conversation_tags (conversation_id, tag_id, last_activity_at)
					 SELECT $1, id, $5 FROM tags WHERE workspace_id = $2 AND kind = $3 AND name = $4`,
					c.ID, c.WorkspaceID, kind, name, micros(c.LastActivityAt)); err != nil {
					return fmt.Errorf("write conversation tags: %w", err)
				}
			}
		}
	}
	return nil
}

func (tx *Tx) replaceSet(ctx context.Context, table string, c *parley.Conversation, userIDs []string) error {
	if _, err := tx.db.ExecContext(ctx, `DELETE FROM `+table+` WHERE conversation_id = $1`, c.ID); err != nil {
		return fmt.Errorf("write %s: %w", table, err)
	}
	for _, uid := range userIDs {
		q := `INSERT INTO conversation_visibility (conversation_id, user_id) VALUES ($1,$2)`
		args := []any{c.ID, uid}
		if table == "conversation_assignees" {
			q = `INSERT INTO conversation_assignees (conversation_id, user_id, workspace_id, status, last_activity_at) VALUES ($1,$2,$3,$4,$5)`
			args = append(args, c.WorkspaceID, assignmentStatus(c), micros(c.LastActivityAt))
		}
		if _, err := tx.db.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("write %s: %w", table, err)
		}
	}
	return nil
}

// assignmentStatus is the status an assignment row carries for counts.
func assignmentStatus(c *parley.Conversation) string {
	if c.DeletedAt != nil {
		return "deleted"
	}
	return string(c.Status)
}

// EnsureTags creates the named tags (or labels) that do not exist yet.
func (tx *Tx) EnsureTags(ctx context.Context, workspaceID, kind string, names []string) error {
	for _, name := range names {
		if _, err := tx.db.ExecContext(ctx,
			`INSERT INTO tags (id, workspace_id, kind, name, color, created_at) VALUES ($1,$2,$3,$4,'',$5)
			 ON CONFLICT (workspace_id, kind, name) DO NOTHING`,
			id.New(), workspaceID, kind, name, micros(tx.now)); err != nil {
			return fmt.Errorf("ensure %s %q: %w", kind, name, err)
		}
	}
	return nil
}

// MarkRead records that a user has read a conversation up to now.
func (tx *Tx) MarkRead(ctx context.Context, conversationID, userID string) error {
	return tx.rekey(ctx, conversationID, func() error { return tx.markRead(ctx, conversationID, userID) })
}

func (tx *Tx) markRead(ctx context.Context, conversationID, userID string) error {
	_, err := tx.db.ExecContext(ctx,
		`INSERT INTO conversation_user_state (conversation_id, user_id, read_inbound_count, last_read_at, pinned)
		 SELECT id, $2, inbound_count, $3, FALSE FROM conversations WHERE id = $1
		 ON CONFLICT (conversation_id, user_id) DO UPDATE SET read_inbound_count = excluded.read_inbound_count, last_read_at = excluded.last_read_at`,
		conversationID, userID, micros(tx.now))
	if err != nil {
		return fmt.Errorf("mark read: %w", err)
	}
	return nil
}

// SetPinned pins or unpins a conversation for a user; the kept Pinned
// count follows (see counts.go).
func (tx *Tx) SetPinned(ctx context.Context, conversationID, userID string, pinned bool) error {
	return tx.rekey(ctx, conversationID, func() error {
		_, err := tx.db.ExecContext(ctx,
			`INSERT INTO conversation_user_state (conversation_id, user_id, read_inbound_count, pinned, last_activity_at)
			 SELECT id, $2, 0, $3, last_activity_at FROM conversations WHERE id = $1
			 ON CONFLICT (conversation_id, user_id) DO UPDATE SET pinned = excluded.pinned, last_activity_at = excluded.last_activity_at`,
			conversationID, userID, pinned)
		if err != nil {
			return fmt.Errorf("set pinned: %w", err)
		}
		return nil
	})
}

const conversationColumns = `c.id, c.workspace_id, c.number, c.contact_id, c.inbox_id, c.status, c.snoozed_until, c.priority,
	c.team_id, c.assignee_ids, c.visible_to, c.ai_mode, c.tags, c.labels, c.subject, c.unreplied_count, c.inbound_count,
	c.waiting_since, c.first_reply_at, c.last_activity_at, c.last_message, c.handoff, c.appointment, c.previous_id,
	c.external_ref, c.source, c.resolved_at, c.deleted_at, c.created_at, c.queued_at, c.last_inbound_at,
	c.resolution_note, c.close_reason, c.merged_into_id, c.handoff_reason`

func scanConversation(row rowScanner, extra ...any) (*parley.Conversation, error) {
	var c parley.Conversation
	var snoozed, waiting, firstReply, resolved, deleted sql.NullInt64
	var team, visible, preview, prevID, merged sql.NullString
	var queued, lastIn sql.NullInt64
	var assignees, tags, labels, extRef string
	var last, created int64
	dest := []any{&c.ID, &c.WorkspaceID, &c.Number, &c.ContactID, &c.InboxID, &c.Status, &snoozed, &c.Priority,
		&team, &assignees, &visible, &c.AIMode, &tags, &labels, &c.Subject, &c.UnrepliedCount, &c.InboundCount,
		&waiting, &firstReply, &last, &preview, &c.Handoff, &c.Appointment, &prevID,
		&extRef, &c.Source, &resolved, &deleted, &created, &queued, &lastIn, &c.ResolutionNote, &c.CloseReason, &merged, &c.HandoffReason}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return nil, notFound(err, "Conversation")
	}
	c.SnoozedUntil, c.WaitingSince, c.FirstReplyAt = timePtr(snoozed), timePtr(waiting), timePtr(firstReply)
	c.ResolvedAt, c.DeletedAt = timePtr(resolved), timePtr(deleted)
	c.LastActivityAt, c.CreatedAt = fromMicros(last), fromMicros(created)
	c.TeamID, c.PreviousID, c.MergedIntoID = team.String, prevID.String, merged.String
	c.QueuedAt, c.LastInboundAt = timePtr(queued), timePtr(lastIn)
	_ = json.Unmarshal([]byte(assignees), &c.AssigneeIDs)
	_ = json.Unmarshal([]byte(tags), &c.Tags)
	_ = json.Unmarshal([]byte(labels), &c.Labels)
	c.ExternalRef = parseExternalRef(extRef)
	if visible.Valid {
		c.VisibleTo = []string{}
		_ = json.Unmarshal([]byte(visible.String), &c.VisibleTo)
	}
	if preview.Valid {
		c.LastMessage = &parley.MessagePreview{}
		_ = json.Unmarshal([]byte(preview.String), c.LastMessage)
	}
	normalizeConversation(&c)
	return &c, nil
}

// FindConversationByID returns a live conversation of the workspace, or
// ENOTFOUND. Callers check access before showing it.
func (q *queries) FindConversationByID(ctx context.Context, workspaceID, conversationID string) (*parley.Conversation, error) {
	return scanConversation(q.db.QueryRowContext(ctx,
		`SELECT `+conversationColumns+` FROM conversations c WHERE c.id = $1 AND c.workspace_id = $2 AND c.deleted_at IS NULL`,
		conversationID, workspaceID))
}

// FindOpenConversation returns the contact's newest conversation that is
// not resolved or abandoned, in inboxID when it is not empty; ENOTFOUND
// when there is none.
func (q *queries) FindOpenConversation(ctx context.Context, contactID, inboxID string) (*parley.Conversation, error) {
	args := []any{contactID}
	if inboxID != "" {
		args = append(args, inboxID)
	}
	return scanConversation(q.db.QueryRowContext(ctx, openConversationQuery(inboxID != ""), args...))
}

// openConversationQuery is FindOpenConversation's statement; its filter is
// the predicate of the index conversations_contact_open, word for word.
func openConversationQuery(inInbox bool) string {
	query := `SELECT ` + conversationColumns + ` FROM conversations c
		WHERE c.contact_id = $1 AND ` + openConversation
	if inInbox {
		query += ` AND c.inbox_id = $2`
	}
	return query + ` ORDER BY c.created_at DESC, c.id DESC LIMIT 1`
}

// FindLatestConversation's statements: the contact's newest conversation,
// in any inbox or in $2.
const (
	findLatestConversationSQL = `SELECT ` + conversationColumns + ` FROM conversations c
		WHERE c.contact_id = $1 AND c.deleted_at IS NULL ORDER BY c.created_at DESC, c.id DESC LIMIT 1`
	findLatestConversationInInboxSQL = `SELECT ` + conversationColumns + ` FROM conversations c
		WHERE c.contact_id = $1 AND c.deleted_at IS NULL AND c.inbox_id = $2 ORDER BY c.created_at DESC, c.id DESC LIMIT 1`
)

// FindLatestConversation returns the contact's newest conversation in any
// status (the one a new conversation links back to), or ENOTFOUND.
func (q *queries) FindLatestConversation(ctx context.Context, contactID, inboxID string) (*parley.Conversation, error) {
	query, args := findLatestConversationSQL, []any{contactID}
	if inboxID != "" {
		query, args = findLatestConversationInInboxSQL, []any{contactID, inboxID}
	}
	return scanConversation(q.db.QueryRowContext(ctx, query, args...))
}

// noUser stands for "no particular user" where a user id is compared
// (PostgreSQL will not compare a UUID column with "").
const noUser = "00000000-0000-0000-0000-000000000000"

func scanItem(row rowScanner) (*parley.ConversationItem, error) {
	var it parley.ConversationItem
	var read int64
	c, err := scanConversation(row, &it.Contact.Name, &it.Contact.AvatarURL, &it.Inbox.Name, &it.Inbox.Channel, &read, &it.Pinned, &it.HasDraft, &it.HasConstructorDraft)
	if err != nil {
		return nil, err
	}
	it.Conversation = *c
	it.Contact.ID, it.Inbox.ID = c.ContactID, c.InboxID
	it.UnreadCount = max(c.InboundCount-read, 0)
	return &it, nil
}

// FindConversationItem returns one conversation as a list item for a user.
func (q *queries) FindConversationItem(ctx context.Context, workspaceID, conversationID, userID string) (*parley.ConversationItem, error) {
	if userID == "" {
		userID = noUser
	}
	row := q.db.QueryRowContext(ctx, itemSelect+` WHERE c.id = $2 AND c.workspace_id = $3 AND c.deleted_at IS NULL`, userID, conversationID, workspaceID)
	return scanItem(row)
}

// itemSelect reads conversations as list items for the user bound to $1
// (scanItem scans its rows); the caller adds the WHERE clause.
const itemSelect = `SELECT ` + conversationColumns + `, ct.name, ct.avatar_url, i.name, i.channel,
		COALESCE(us.read_inbound_count, 0), COALESCE(us.pinned, FALSE),
		EXISTS (SELECT 1 FROM drafts d WHERE d.conversation_id = c.id AND d.user_id = $1),
		EXISTS (SELECT 1 FROM constructor_drafts cd WHERE cd.conversation_id = c.id AND cd.user_id = $1)
		FROM conversations c
		JOIN contacts ct ON ct.id = c.contact_id
		JOIN inboxes i ON i.id = c.inbox_id
		LEFT JOIN conversation_user_state us ON us.conversation_id = c.id AND us.user_id = $1`

func jsonList(v []string) string {
	if v == nil {
		return "[]"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func visibleText(v []string) sql.NullString {
	if v == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: jsonList(v), Valid: true}
}

func previewText(p *parley.MessagePreview) sql.NullString {
	if p == nil {
		return sql.NullString{}
	}
	b, _ := json.Marshal(p)
	return sql.NullString{String: string(b), Valid: true}
}

// countMine counts the user's assignments from their own index: every
// assignee may see the conversation (assignees must be on its visibility
// list, and every scope shows a user what is assigned to them), so no
// scope predicate is needed.
func (q *queries) countMine(ctx context.Context, f ConversationFilter) (int64, error) {
	query := `SELECT COUNT(*) FROM conversation_assignees WHERE user_id = $1 AND workspace_id = $2`
	args := []any{f.Scope.UserID, f.Scope.WorkspaceID}
	if len(f.Statuses) > 0 {
		for _, st := range f.Statuses {
			args = append(args, string(st))
		}
		query += ` AND status IN (` + placeholders(3, len(f.Statuses)) + `)`
	} else {
		query += ` AND status <> 'deleted'`
	}
	var n int64
	if err := q.db.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count mine: %w", err)
	}
	return n, nil
}
