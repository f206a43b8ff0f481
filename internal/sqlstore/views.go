package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
)

// Views of the conversation list. Each is defined, for the caller, among
// the conversations they may see that are not deleted; "not closed" means
// not resolved or abandoned, and a status list given with the view
// replaces that default.
const (
	ViewAll             = "all"              // every status except closed
	ViewMine            = "mine"             // assigned to the caller, not closed
	ViewUnassigned      = "unassigned"       // no assignee, not closed
	ViewTeam            = "team"             // the caller's teams' (or one team's), not closed
	ViewQueued          = "queued"           // status queued
	ViewPinned          = "pinned"           // pinned by the caller
	ViewImportant       = "important"        // the contact has an open task
	ViewUnread          = "unread"           // customer messages the caller has not read
	ViewUnreadTeam      = "unread_team"      // customer messages no member of the team has read
	ViewUnreplied       = "unreplied"        // customer messages since a person last replied, or a handoff
	ViewReadNoReply     = "read_no_reply"    // the caller read the customer's last message; nobody replied since
	ViewWaitingClient   = "waiting_client"   // the last message is ours: waiting for the customer
	ViewClientResponded = "client_responded" // the last message is the customer's
	ViewHandoff         = "handoff"          // the AI asked for a person
	ViewAppointments    = "appointments"     // the customer asked to book
	ViewDialogs         = "dialogs"          // started by an agent, not closed
	ViewClosed          = "closed"           // resolved or abandoned
)

// ViewMineUnreplied is the dashboard's "my unreplied": unreplied and
// assigned to the caller. Not a list view (Views leaves it out).
const ViewMineUnreplied = "mine_unreplied"

// Views lists every view, in the order the web app shows them.
var Views = []string{ViewAll, ViewMine, ViewUnassigned, ViewTeam, ViewQueued, ViewPinned, ViewImportant, ViewUnread,
	ViewUnreadTeam, ViewUnreplied, ViewReadNoReply, ViewWaitingClient, ViewClientResponded, ViewHandoff,
	ViewAppointments, ViewDialogs, ViewClosed}

// Sort orders of the conversation list.
const (
	SortNewest   = "newest"   // newest activity first (the default)
	SortOldest   = "oldest"   // oldest activity first
	SortCreated  = "created"  // newest conversation first
	SortPriority = "priority" // highest priority first, then newest activity
)

// Sorts lists every sort order.
var Sorts = []string{SortNewest, SortOldest, SortCreated, SortPriority}

var (
	openStatuses   = []parley.ConversationStatus{parley.StatusQueued, parley.StatusOpen, parley.StatusPending, parley.StatusSnoozed}
	closedStatuses = []parley.ConversationStatus{parley.StatusResolved, parley.StatusAbandoned}
)

// ConversationCursor is the keyset position in a conversation list: the
// last row's sort key.
type ConversationCursor struct {
	LastActivityAt time.Time `json:"t"`
	ID             string    `json:"id"`
	Number         int64     `json:"n,omitempty"`
	Rank           int       `json:"r,omitempty"`
}

// ConversationFilter selects conversations for one user.
type ConversationFilter struct {
	Scope access.Scope
	View  string
	// TeamID narrows the team view to one team.
	TeamID   string
	Statuses []parley.ConversationStatus
	// Filter holds conditions already validated by the conversation package.
	Filter *parley.Filter
	// Contacts and Number narrow the list to a search's matches.
	Contacts *ContactMatch
	Number   int64
	Sort     string
	After    *ConversationCursor
	Limit    int
	// ExternalKey selects conversations by external reference (see ExternalKey).
	ExternalKey string
	// teams, when not nil, are the scope user's teams, read beforehand
	// (see resolveTeams).
	teams []string
	// drivenBy is the view whose set (assignments, pins) the list query
	// reads first and joins the conversations to; its predicate then
	// leaves the set out.
	drivenBy string
	// bySet: the set carries the conversations' last activity (migration
	// 00038) and the page is read from it in that order.
	bySet bool
	// counting: the predicate is a count's, over many rows (see base).
	counting bool
	// tagID, when set, is the tag (or label) a filter's condition requires
	// (see tagCondition): a list may start from its rows.
	tagID string
}

// effectiveStatuses is the status set the view selects given the caller's
// status list; empty is false when the two exclude each other.
func (f ConversationFilter) effectiveStatuses() (sts []parley.ConversationStatus, empty bool) {
	var fixed []parley.ConversationStatus
	switch f.View {
	case "", ViewAll, ViewMine, ViewUnassigned, ViewTeam, ViewDialogs:
		if len(f.Statuses) > 0 {
			return f.Statuses, false
		}
		if f.Filter != nil && slices.ContainsFunc(f.Filter.Conditions, func(c parley.Condition) bool { return c.Field == "status" }) {
			return nil, false // the filter says which statuses
		}
		return openStatuses, false
	case ViewQueued:
		fixed = []parley.ConversationStatus{parley.StatusQueued}
	case ViewClosed:
		fixed = closedStatuses
	default:
		return f.Statuses, false
	}
	if len(f.Statuses) == 0 {
		return fixed, false
	}
	for _, s := range f.Statuses {
		if slices.Contains(fixed, s) {
			sts = append(sts, s)
		}
	}
	return sts, len(sts) == 0
}

// lastDirection is the direction of the conversation's last message that
// is not a private note, from its list preview ("in", "out" or NULL): the
// generated column last_direction (migration 00036).
func lastDirection(Dialect) string { return `c.last_direction` }

// sqlBuilder binds arguments as it writes a statement.
type sqlBuilder struct {
	d     Dialect
	args  []any
	uid   string
	uidPH string
}

func (b *sqlBuilder) arg(v any) string {
	b.args = append(b.args, v)
	return placeholder(len(b.args))
}

// user is the scope user's placeholder, bound on first use: PostgreSQL
// refuses a parameter no clause refers to.
func (b *sqlBuilder) user() string {
	if b.uidPH == "" {
		b.uidPH = b.arg(b.uid)
	}
	return b.uidPH
}

func (f ConversationFilter) builder(d Dialect, args []any) *sqlBuilder {
	uid := f.Scope.UserID
	if uid == "" || f.Scope.None {
		uid = noUser
	}
	return &sqlBuilder{d: d, args: args, uid: uid}
}

// where builds the filter's predicate; its arguments continue args.
func (f ConversationFilter) where(d Dialect, args []any) (string, []any) {
	b := f.builder(d, args)
	return f.predicate(b), b.args
}

// predicate is the filter's predicate, its arguments bound through b.
func (f ConversationFilter) predicate(b *sqlBuilder) string {
	w := f.base(b, f.View) + ` AND ` + f.viewPredicate(b, f.View)
	if f.After != nil {
		w += ` AND ` + f.keyset(b.arg)
	}
	return w
}

// base is the predicate every view shares: the workspace, not deleted,
// the access scope, the filter's conditions and a search's matches. For
// the views of the caller's assignments (view), the scope's "assigned to
// the caller, or of their teams" holds for every row and is left out.
func (f ConversationFilter) base(b *sqlBuilder, view string) string {
	var sb strings.Builder
	sb.WriteString(`c.workspace_id = ` + b.arg(f.Scope.WorkspaceID) + ` AND c.deleted_at IS NULL`)
	if f.ExternalKey != "" {
		sb.WriteString(` AND c.external_key = ` + b.arg(f.ExternalKey))
	}
	sc := f.Scope
	if sc.None {
		sb.WriteString(` AND 1 = 0`)
		sc = access.Scope{All: true}
	}
	if !sc.All {
		uid := b.user()
		sb.WriteString(` AND (c.restricted = FALSE OR EXISTS (SELECT 1 FROM conversation_visibility v WHERE v.conversation_id = c.id AND v.user_id = ` + uid + `))`)
		assigned := `EXISTS (SELECT 1 FROM conversation_assignees a WHERE a.conversation_id = c.id AND a.user_id = ` + uid + `)`
		if f.counting && b.d == SQLite {
			// Read once, then probed in memory: a count tests every row it
			// reads, most of them outside the caller's teams. (PostgreSQL
			// hashes the EXISTS itself, and given the IN it hash-joined a
			// tag's rows to every open conversation.)
			assigned = `c.id IN (SELECT a.conversation_id FROM conversation_assignees a WHERE a.user_id = ` + uid + `)`
		}
		switch {
		case view == ViewMine || view == ViewMineUnreplied:
		case sc.AssignedOnly:
			sb.WriteString(` AND ` + assigned)
		case sc.TeamsOnly:
			// The team first: it is answered from a list read once.
			sb.WriteString(` AND (c.team_id IN (SELECT team_id FROM team_members WHERE user_id = ` + uid + `) OR ` + assigned + `)`)
		}
	}
	if f.Filter != nil && len(f.Filter.Conditions) > 0 {
		sb.WriteString(` AND (` + compileFilter(b.d, f.Scope.WorkspaceID, f.Filter, b.arg) + `)`)
	}
	if f.Contacts != nil {
		sb.WriteString(` AND ` + f.Contacts.predicate(b.d, f.Scope.WorkspaceID, b.arg))
	}
	if f.Number > 0 {
		sb.WriteString(` AND c.number = ` + b.arg(f.Number))
	}
	return sb.String()
}

// viewPredicate is what a view adds to the base: its definition and its
// statuses.
func (f ConversationFilter) viewPredicate(b *sqlBuilder, view string) string {
	read := func() string {
		return `COALESCE((SELECT r.read_inbound_count FROM conversation_user_state r WHERE r.conversation_id = c.id AND r.user_id = ` + b.user() + `), 0)`
	}
	p := "1 = 1"
	switch view {
	case ViewMine:
		// IN, not EXISTS: the planner starts from the user's assignments.
		if f.drivenBy != view { // else the list reads them from the assignments
			p = `c.id IN (` + f.assignments(b, view) + `)`
		}
	case ViewUnassigned:
		p = `c.assignee_count = 0`
	case ViewTeam:
		switch {
		case f.TeamID != "":
			p = `c.team_id = ` + b.arg(f.TeamID)
		case f.teams != nil && len(f.teams) == 0:
			p = `1 = 0`
		case f.teams != nil:
			p = `c.team_id IN (` + list(f.teams, b.arg) + `)`
		default:
			p = `c.team_id IN (SELECT team_id FROM team_members WHERE user_id = ` + b.user() + `)`
		}
	case ViewPinned:
		if f.drivenBy != view { // else the list reads them from the pins
			p = `c.id IN (` + f.pins(b) + `)`
		}
	case ViewImportant:
		// IN, not EXISTS: open tasks are few; the planner may start from them.
		p = `c.status NOT IN (` + closedStatusList + `) AND c.contact_id IN (SELECT t.contact_id FROM tasks t WHERE NOT t.done)`
	case ViewUnread:
		p = `c.inbound_count > ` + read()
	case ViewUnreadTeam:
		p = `c.inbound_count > 0 AND NOT EXISTS (SELECT 1 FROM conversation_user_state r
			WHERE r.conversation_id = c.id AND r.read_inbound_count >= c.inbound_count
			AND (c.team_id IS NULL OR r.user_id IN (SELECT tm.user_id FROM team_members tm WHERE tm.team_id = c.team_id)))`
	case ViewUnreplied:
		p = `(c.unreplied_count > 0 OR c.handoff)`
	case ViewMineUnreplied:
		p = `(c.unreplied_count > 0 OR c.handoff) AND c.id IN (` + f.assignments(b, view) + `)`
	case ViewReadNoReply:
		// The caller's read position first: it rules out most rows.
		p = `c.inbound_count > 0 AND ` + read() + ` >= c.inbound_count AND ` + lastDirection(b.d) + ` = 'in'`
	case ViewWaitingClient:
		p = lastDirection(b.d) + ` = 'out'`
	case ViewClientResponded:
		p = lastDirection(b.d) + ` = 'in'`
	case ViewHandoff:
		p = `c.handoff`
	case ViewAppointments:
		p = `c.appointment`
	case ViewDialogs:
		p = `c.started_by <> ''`
	}
	g := f
	g.View = view
	sts, empty := g.effectiveStatuses()
	if empty {
		return `1 = 0`
	}
	if len(sts) > 0 {
		ph := make([]string, len(sts))
		for i, s := range sts {
			ph[i] = b.arg(string(s))
		}
		p += ` AND c.status IN (` + strings.Join(ph, ",") + `)`
	}
	return p
}

// assignments selects the ids of the conversations assigned to the scope's
// user. The assignment rows carry the conversation's workspace and status
// (kept in step by the write path), so that the index
// conversation_assignees_mine narrows them to the view's statuses before
// any conversation is read; the conversation's own status is tested too.
func (f ConversationFilter) assignments(b *sqlBuilder, view string) string {
	q := `SELECT m.conversation_id FROM conversation_assignees m WHERE m.user_id = ` + b.user() +
		` AND m.workspace_id = ` + b.arg(f.Scope.WorkspaceID)
	g := f
	g.View = view
	if sts, empty := g.effectiveStatuses(); !empty && len(sts) > 0 {
		ph := make([]string, len(sts))
		for i, s := range sts {
			ph[i] = b.arg(string(s))
		}
		q += ` AND m.status IN (` + strings.Join(ph, ",") + `)`
	}
	return q
}

// pins selects the ids of the conversations the scope's user pinned.
func (f ConversationFilter) pins(b *sqlBuilder) string {
	return `SELECT p.conversation_id FROM conversation_user_state p WHERE p.user_id = ` + b.user() + ` AND p.pinned`
}

// openStatusTerm is the status test of the partial index
// conversation_assignees_recent, written as the index is: a planner uses a
// partial index for a query whose terms imply its own, which bound values
// cannot.
const openStatusTerm = `m.status IN ('queued', 'open', 'pending', 'snoozed')`

// recentSet is the set of (conversation_id, last_activity_at) rows a list
// sorted by activity reads newest (or oldest) first and stops after its
// page, and the view it stands for ("" for a tag's rows): the caller's
// assignments for Mine with its default statuses, the caller's pins, or
// the rows of a tag the filter requires. "" when none applies: the list
// then walks the conversations, or starts from an unordered set.
func (f ConversationFilter) recentSet(b *sqlBuilder) (string, string) {
	if f.Sort != "" && f.Sort != SortNewest && f.Sort != SortOldest {
		return "", ""
	}
	switch f.View {
	case ViewMine:
		if sts, _ := f.effectiveStatuses(); sameStatuses(sts, openStatuses) {
			return `SELECT m.conversation_id, m.last_activity_at FROM conversation_assignees m WHERE m.user_id = ` + b.user() +
				` AND m.workspace_id = ` + b.arg(f.Scope.WorkspaceID) + ` AND ` + openStatusTerm, ViewMine
		}
	case ViewPinned:
		return `SELECT p.conversation_id, p.last_activity_at FROM conversation_user_state p WHERE p.user_id = ` + b.user() + ` AND p.pinned`, ViewPinned
	}
	if f.tagID != "" {
		return f.tagRows(b), ""
	}
	return "", ""
}

// tagRows selects the rows of the tag the filter requires (tagID).
func (f ConversationFilter) tagRows(b *sqlBuilder) string {
	return `SELECT t.conversation_id, t.last_activity_at FROM conversation_tags t WHERE t.tag_id = ` + b.arg(f.tagID)
}

// fromSet joins the conversations to a set of their ids (s), the set read
// first: CROSS JOIN fixes SQLite's loop order; PostgreSQL plans it alike.
func fromSet(d Dialect, set string) string {
	join := ` CROSS JOIN `
	if d == Postgres {
		join = ` JOIN `
	}
	return `(` + set + `) s` + join + `conversations c ON c.id = s.conversation_id`
}

func sameStatuses(a, b []parley.ConversationStatus) bool {
	return len(a) == len(b) && !slices.ContainsFunc(a, func(s parley.ConversationStatus) bool { return !slices.Contains(b, s) })
}

// tagCondition is the tag or label every conversation the filter selects
// carries, when it requires one (a condition "tag eq X" that must hold),
// and that condition's index.
func tagCondition(f *parley.Filter) (kind, name string, at int, ok bool) {
	if f == nil || (f.Match == "any" && len(f.Conditions) > 1) {
		return "", "", 0, false
	}
	for i, c := range f.Conditions {
		if (c.Field == "tag" || c.Field == "label") && (c.Op == "eq" || c.Op == "in") && len(c.Strings) == 1 {
			kind = KindTag
			if c.Field == "label" {
				kind = KindLabel
			}
			return kind, c.Strings[0], i, true
		}
	}
	return "", "", 0, false
}

// withoutTagCondition is the filter less the condition a list starting
// from the tag's rows already holds: tested again, PostgreSQL joined every
// row of the tag to the set before taking a page.
func withoutTagCondition(f *parley.Filter) *parley.Filter {
	_, _, at, ok := tagCondition(f)
	if !ok {
		return f
	}
	g := *f
	g.Conditions = slices.Delete(slices.Clone(f.Conditions), at, at+1)
	return &g
}

// priorityRank orders priorities, urgent highest.
const priorityRank = `(CASE c.priority WHEN 'urgent' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END)`

// PriorityRank is the rank priorityRank gives p.
func PriorityRank(p parley.Priority) int {
	return map[parley.Priority]int{parley.PriorityUrgent: 4, parley.PriorityHigh: 3, parley.PriorityMedium: 2, parley.PriorityLow: 1}[p]
}

// activityColumns are the sort key of the newest and oldest sorts: the
// conversation's, or the copy on the set the list starts from.
func (f ConversationFilter) activityColumns() (at, id string) {
	if f.bySet {
		return `s.last_activity_at`, `s.conversation_id`
	}
	return `c.last_activity_at`, `c.id`
}

func (f ConversationFilter) orderBy() string {
	if f.bySet {
		at, id := f.activityColumns()
		if f.Sort == SortOldest {
			return at + ` ASC, ` + id + ` ASC`
		}
		return at + ` DESC, ` + id + ` DESC`
	}
	switch f.Sort {
	case SortOldest:
		return `c.last_activity_at ASC, c.id ASC`
	case SortCreated:
		return `c.number DESC`
	case SortPriority:
		return priorityRank + ` DESC, c.last_activity_at DESC, c.id DESC`
	}
	return `c.last_activity_at DESC, c.id DESC`
}

func (f ConversationFilter) keyset(arg func(any) string) string {
	a := f.After
	if f.bySet {
		// The bound on the time alone first: an index range, where the OR
		// would be a filter over the set from its start.
		at, id := f.activityColumns()
		t, i := arg(micros(a.LastActivityAt)), arg(a.ID)
		if f.Sort == SortOldest {
			return `(` + at + ` >= ` + t + ` AND (` + at + ` > ` + t + ` OR ` + id + ` > ` + i + `))`
		}
		return `(` + at + ` <= ` + t + ` AND (` + at + ` < ` + t + ` OR ` + id + ` < ` + i + `))`
	}
	switch f.Sort {
	case SortOldest:
		t, id := arg(micros(a.LastActivityAt)), arg(a.ID)
		return `(c.last_activity_at > ` + t + ` OR (c.last_activity_at = ` + t + ` AND c.id > ` + id + `))`
	case SortCreated:
		return `c.number < ` + arg(a.Number)
	case SortPriority:
		r, t, id := arg(a.Rank), arg(micros(a.LastActivityAt)), arg(a.ID)
		return `(` + priorityRank + ` < ` + r + ` OR (` + priorityRank + ` = ` + r + ` AND (c.last_activity_at < ` + t +
			` OR (c.last_activity_at = ` + t + ` AND c.id < ` + id + `))))`
	}
	t, id := arg(micros(a.LastActivityAt)), arg(a.ID)
	return `(c.last_activity_at < ` + t + ` OR (c.last_activity_at = ` + t + ` AND c.id < ` + id + `))`
}

// CursorAfter is the cursor that continues a list after item.
func CursorAfter(item parley.ConversationItem) ConversationCursor {
	return ConversationCursor{LastActivityAt: item.LastActivityAt, ID: item.ID, Number: item.Number, Rank: PriorityRank(item.Priority)}
}

// ListConversations returns the conversations the filter selects, in its
// sort order, as list items for the scope's user.
//
// It picks the page first, by id and sort key only, and joins the list
// item's details (contact, inbox, the caller's read state and drafts) to
// that page alone: a view that starts from a set (the caller's
// assignments, pins) and sorts it then sorts narrow rows, and details are
// read for the page's rows, not for every candidate.
func (q *queries) ListConversations(ctx context.Context, f ConversationFilter) ([]parley.ConversationItem, error) {
	if err := q.resolveTeams(ctx, &f); err != nil {
		return nil, err
	}
	if err := q.resolveTag(ctx, &f); err != nil {
		return nil, err
	}
	query, args := f.listQuery(q.dialect)
	rows, err := q.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list conversations: %w", err)
	}
	defer rows.Close()
	out := []parley.ConversationItem{}
	for rows.Next() {
		item, err := scanItem(rows)
		if err != nil {
			return nil, fmt.Errorf("list conversations: %w", err)
		}
		out = append(out, *item)
	}
	return out, rows.Err()
}

// listQuery is ListConversations' statement and its arguments.
func (f ConversationFilter) listQuery(d Dialect) (string, []any) {
	uid := f.Scope.UserID
	if uid == "" {
		uid = noUser
	}
	b := f.builder(d, []any{uid})
	// Mine and Pinned start from their sets, whatever the sort: an index in
	// the sort's order would be read to its end for a caller with few or
	// no assignments or pins. Sorted by activity, they (and a required
	// tag's rows) are read in that order and the page stops the read
	// (recentSet).
	outer := f.orderBy() // the page's rows, joined back: the conversation's columns
	from := `conversations c`
	set, view := f.recentSet(b)
	if set != "" {
		f.bySet = true
		if view == "" { // the tag's rows
			f.Filter = withoutTagCondition(f.Filter)
		}
	} else {
		switch f.View {
		case ViewMine:
			set, view = f.assignments(b, f.View), ViewMine
		case ViewPinned:
			set, view = f.pins(b), ViewPinned
		}
	}
	if set != "" {
		f.drivenBy = view
		from = fromSet(d, set)
	}
	where := f.predicate(b)
	limit := b.arg(f.Limit)
	query := `SELECT ` + conversationColumns + `, ct.name, ct.avatar_url, i.name, i.channel,
		COALESCE(us.read_inbound_count, 0), COALESCE(us.pinned, FALSE),
		EXISTS (SELECT 1 FROM drafts d WHERE d.conversation_id = c.id AND d.user_id = $1),
		EXISTS (SELECT 1 FROM constructor_drafts cd WHERE cd.conversation_id = c.id AND cd.user_id = $1)
		FROM (SELECT c.id AS page_id FROM ` + from + ` WHERE ` + where + ` ORDER BY ` + f.orderBy() + ` LIMIT ` + limit + `) page
		JOIN conversations c ON c.id = page.page_id
		JOIN contacts ct ON ct.id = c.contact_id
		JOIN inboxes i ON i.id = c.inbox_id
		LEFT JOIN conversation_user_state us ON us.conversation_id = c.id AND us.user_id = $1
		ORDER BY ` + outer
	return query, b.args
}

// resolveTeams reads the caller's teams once for the team view without a
// team: bound as values, the team index can serve the list (a subquery
// hides them from the planner, and an admin of no team would scan every
// conversation to find none).
func (q *queries) resolveTeams(ctx context.Context, f *ConversationFilter) error {
	if f.View != ViewTeam || f.TeamID != "" || f.teams != nil || f.Scope.UserID == "" || f.Scope.None {
		return nil
	}
	teams, err := q.userTeams(ctx, f.Scope.UserID)
	if err != nil {
		return err
	}
	f.teams = append([]string{}, teams...)
	return nil
}

// resolveTag reads the id of the tag the filter requires, if any, so that
// the list can start from its rows (an unknown tag selects nothing: the
// filter's own condition says so).
func (q *queries) resolveTag(ctx context.Context, f *ConversationFilter) error {
	kind, name, _, ok := tagCondition(f.Filter)
	if !ok {
		return nil
	}
	err := q.db.QueryRowContext(ctx, `SELECT id FROM tags WHERE workspace_id = $1 AND kind = $2 AND name = $3`,
		f.Scope.WorkspaceID, kind, name).Scan(&f.tagID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("resolve the filter's tag: %w", err)
	}
	return nil
}

// CountConversations counts what the filter selects (its cursor, sort and
// limit are ignored): from the kept view counts when the filter has no
// conditions, else from the indexes.
func (q *queries) CountConversations(ctx context.Context, f ConversationFilter) (int64, error) {
	view := f.View
	if view == "" {
		view = ViewAll
	}
	out, err := q.CountViews(ctx, f, []string{view})
	if err != nil {
		return 0, err
	}
	return out[view], nil
}

// CountViews counts each of the views for the filter's scope, conditions
// and statuses: from the kept view counts (see counts.go) when there are no
// conditions, else in one pass over the conversations the filter selects.
func (q *queries) CountViews(ctx context.Context, f ConversationFilter, views []string) (map[string]int64, error) {
	f.After = nil
	plain := (f.Filter == nil || len(f.Filter.Conditions) == 0) && f.Contacts == nil && f.Number == 0 && f.ExternalKey == ""
	if plain && !f.Scope.None && f.Scope.UserID != "" {
		return q.countKept(ctx, f, views)
	}
	return q.countScan(ctx, f, views)
}

// countScan counts the views in one pass over the conversations the
// filter's base predicate selects.
func (q *queries) countScan(ctx context.Context, f ConversationFilter, views []string) (map[string]int64, error) {
	out := make(map[string]int64, len(views))
	if len(views) == 0 {
		return out, nil
	}
	// A required tag: count from its rows (tens of thousands at most where
	// the workspace holds a million), not from every conversation.
	if err := q.resolveTag(ctx, &f); err != nil {
		return nil, err
	}
	f.counting = true
	b := f.builder(q.dialect, nil)
	from := `conversations c`
	if f.tagID != "" {
		f.Filter = withoutTagCondition(f.Filter)
		from = fromSet(q.dialect, f.tagRows(b))
	}
	cols := make([]string, len(views))
	var where string
	if len(views) == 1 {
		// One view: its predicate narrows the rows read (the statuses bound
		// an index range) instead of being tested on each.
		cols[0] = `COUNT(*)`
		where = f.base(b, views[0]) + ` AND ` + f.viewPredicate(b, views[0])
	} else {
		for i, v := range views {
			cols[i] = `COALESCE(SUM(CASE WHEN ` + f.viewPredicate(b, v) + ` THEN 1 ELSE 0 END), 0)`
		}
		where = f.base(b, "")
	}
	dest := make([]any, len(views))
	ns := make([]int64, len(views))
	for i := range ns {
		dest[i] = &ns[i]
	}
	if err := q.db.QueryRowContext(ctx, `SELECT `+strings.Join(cols, ", ")+` FROM `+from+` WHERE `+where, b.args...).Scan(dest...); err != nil {
		return nil, fmt.Errorf("count views: %w", err)
	}
	for i, v := range views {
		out[v] = ns[i]
	}
	return out, nil
}

// RecountConversations counts by scanning the conversations, ignoring the
// kept counters: for tests that check the counters equal a recount.
func (q *queries) RecountConversations(ctx context.Context, f ConversationFilter) (int64, error) {
	f.After = nil
	where, args := f.where(q.dialect, nil)
	var n int64
	if err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM conversations c WHERE `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("recount conversations: %w", err)
	}
	return n, nil
}

// StartedBy records that an agent started the conversation (New chat):
// it then belongs to the Dialogs view.
func (tx *Tx) StartedBy(ctx context.Context, conversationID, userID string) error {
	return tx.rekey(ctx, conversationID, func() error {
		if _, err := tx.db.ExecContext(ctx, `UPDATE conversations SET started_by = $1 WHERE id = $2`, userID, conversationID); err != nil {
			return fmt.Errorf("record who started the conversation: %w", err)
		}
		return nil
	})
}
