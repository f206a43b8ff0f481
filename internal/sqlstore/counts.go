package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/parleyhq/parley"
)

// The counts of the views are answered from view_counts, kept in the write
// path in the transaction of each change: conversations (not deleted)
// grouped by what the access rule and the views look at. Three kinds of
// rows share the table:
//
//   - reader = ” and assignee = ”: every conversation once;
//   - reader = ” and assignee = U: once per assignee U (Mine, and the
//     conversations an agent sees because they are assigned to them);
//   - reader = U: the conversations U has read to the end (read_inbound_count
//     >= inbound_count > 0), with assignee = U when U is among the
//     assignees (Unread and Read, no reply are per-user);
//   - reader = U and flags = pinRow: the conversations U pinned, with
//     assignee = U when U is among the assignees (Pinned is per-user: an
//     agent with thousands of pins would otherwise recount them on every
//     count);
//   - reader = U and flags with listedRow: the restricted conversations
//     whose visibility list holds U, each once for U, with assignee = U
//     when U is among the assignees. An agent sees these beside the
//     unrestricted ones; without these rows each count read them one by
//     one.
//
// restricted is 0 for a conversation without a visibility list, else 1,
// or 2 in the rows of a user U (reader = U) whom the list holds: an agent
// sums the rows with 0, and their own rows with 2.
//
// flags hold the per-conversation facts the views test, each defined once
// in viewFlags (Go, the write path) and flagsSQL (SQL, the rebuild), which
// TestCounts_EqualRecount checks against the views' list predicates.
const (
	flagHandoff     = 1 << iota // c.handoff
	flagAppointment             // c.appointment
	flagDialog                  // started_by <> ''
	flagUnreplied               // unreplied_count > 0
	flagInbound                 // inbound_count > 0
	flagLastIn                  // the last message that is not a note is the customer's
	flagLastOut                 // ... is ours
	flagTeamRead                // someone of the team (anyone, without a team) read it to the end

	// pinRow marks a row of pins rather than of reads: such a row holds no
	// other flag, as the Pinned view tests none.
	pinRow
	// listedRow marks a row of the restricted conversations that list its
	// reader, beside the conversation's flags.
	listedRow
)

// Values of view_counts.restricted.
const (
	unrestricted = 0
	restrictedTo = 1 // restricted; in a user's row, not listing them
	listedFor    = 2 // in a user's row: restricted, listing the user
)

// viewKey is one row of view_counts.
type viewKey struct {
	workspaceID, reader, assignee, status, teamID string
	assigned, restricted, flags                   int
}

// readerState is one user's read position in a conversation, with whether
// they belong to its team before and after the change.
type readerState struct {
	userID            string
	read              int64
	pinned            bool
	inPrevTeam, inNow bool
}

// viewFlags are a conversation's flags, but for flagTeamRead.
func viewFlags(c *parley.Conversation, startedBy string) int {
	f := 0
	set := func(b bool, bit int) {
		if b {
			f |= bit
		}
	}
	set(c.Handoff, flagHandoff)
	set(c.Appointment, flagAppointment)
	set(startedBy != "", flagDialog)
	set(c.UnrepliedCount > 0, flagUnreplied)
	set(c.InboundCount > 0, flagInbound)
	if p := c.LastMessage; p != nil && !p.Private {
		set(p.Direction == parley.DirectionIn, flagLastIn)
		set(p.Direction == parley.DirectionOut, flagLastOut)
	}
	return f
}

// viewKeys is the multiset of view_counts rows a conversation adds to;
// member says whether a reader belongs to the conversation's team.
func viewKeys(c *parley.Conversation, startedBy string, readers []readerState, member func(readerState) bool) map[viewKey]int64 {
	if c == nil || c.DeletedAt != nil {
		return nil
	}
	base := viewKey{workspaceID: c.WorkspaceID, status: string(c.Status), teamID: c.TeamID, flags: viewFlags(c, startedBy)}
	if len(c.AssigneeIDs) > 0 {
		base.assigned = 1
	}
	if c.VisibleTo != nil {
		base.restricted = restrictedTo
	}
	out := map[viewKey]int64{}
	var fullyRead []string
	for _, r := range readers {
		if c.InboundCount > 0 && r.read >= c.InboundCount {
			fullyRead = append(fullyRead, r.userID)
			if c.TeamID == "" || member(r) {
				base.flags |= flagTeamRead
			}
		}
	}
	out[base]++
	for _, a := range c.AssigneeIDs {
		k := base
		k.assignee = a
		out[k]++
	}
	perUser := func(u string, flags int) {
		k := base
		k.reader, k.flags = u, flags
		if slices.Contains(c.AssigneeIDs, u) {
			k.assignee = u
		}
		if c.VisibleTo != nil && slices.Contains(c.VisibleTo, u) {
			k.restricted = listedFor
		}
		out[k]++
	}
	for _, u := range fullyRead {
		perUser(u, base.flags)
	}
	for _, r := range readers {
		if r.pinned {
			perUser(r.userID, pinRow)
		}
	}
	if c.VisibleTo != nil {
		for _, u := range slices.Compact(slices.Sorted(slices.Values(c.VisibleTo))) {
			perUser(u, base.flags|listedRow)
		}
	}
	return out
}

// sameViewRows reports whether a change cannot move a conversation's rows:
// the flags that do not depend on readers, the assignees, the visibility
// list and the number of customer messages are unchanged.
func sameViewRows(prev, c *parley.Conversation) bool {
	gone := func(x *parley.Conversation) bool { return x == nil || x.DeletedAt != nil }
	if gone(prev) || gone(c) {
		return gone(prev) && gone(c)
	}
	return prev.WorkspaceID == c.WorkspaceID && prev.Status == c.Status && prev.TeamID == c.TeamID &&
		(prev.VisibleTo == nil) == (c.VisibleTo == nil) && prev.InboundCount == c.InboundCount &&
		viewFlags(prev, "") == viewFlags(c, "") && slices.Equal(prev.AssigneeIDs, c.AssigneeIDs) &&
		slices.Equal(slices.Sorted(slices.Values(prev.VisibleTo)), slices.Sorted(slices.Values(c.VisibleTo)))
}

// recount moves a conversation between rows of view_counts: prev is how
// it was (nil for a new one), c how it is now. Its readers are read from
// the database, which this change does not alter.
func (tx *Tx) recount(ctx context.Context, prev, c *parley.Conversation) error {
	if sameViewRows(prev, c) {
		return nil
	}
	id, prevTeam, team := c.ID, "", c.TeamID
	if prev != nil {
		prevTeam = prev.TeamID
	}
	startedBy, readers, err := tx.readers(ctx, id, prevTeam, team)
	if err != nil {
		return err
	}
	tx.addKeys(viewKeys(prev, startedBy, readers, func(r readerState) bool { return r.inPrevTeam }), -1)
	tx.addKeys(viewKeys(c, startedBy, readers, func(r readerState) bool { return r.inNow }), 1)
	return nil
}

// readers returns who started the conversation and the users who have
// read some of it or pinned it, with their membership of two teams.
func (q *queries) readers(ctx context.Context, conversationID, team1, team2 string) (string, []readerState, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT c.started_by, r.user_id, r.read_inbound_count, r.pinned,
		EXISTS (SELECT 1 FROM team_members tm WHERE tm.team_id = $2 AND tm.user_id = r.user_id),
		EXISTS (SELECT 1 FROM team_members tm WHERE tm.team_id = $3 AND tm.user_id = r.user_id)
		FROM conversations c LEFT JOIN conversation_user_state r ON r.conversation_id = c.id AND (r.read_inbound_count > 0 OR r.pinned)
		WHERE c.id = $1`, conversationID, nullString(team1), nullString(team2))
	if err != nil {
		return "", nil, fmt.Errorf("read conversation readers: %w", err)
	}
	defer rows.Close()
	var startedBy string
	var out []readerState
	for rows.Next() {
		var uid sql.NullString
		var read sql.NullInt64
		var pinned sql.NullBool
		var r readerState
		if err := rows.Scan(&startedBy, &uid, &read, &pinned, &r.inPrevTeam, &r.inNow); err != nil {
			return "", nil, fmt.Errorf("read conversation readers: %w", err)
		}
		if uid.Valid {
			r.userID, r.read, r.pinned = uid.String, read.Int64, pinned.Bool
			out = append(out, r)
		}
	}
	return startedBy, out, rows.Err()
}

// rekey runs change, which alters what a conversation counts in without
// going through SaveConversation (a read position, a pin, who started it), and
// moves the conversation's rows accordingly.
func (tx *Tx) rekey(ctx context.Context, conversationID string, change func() error) error {
	before, err := tx.currentKeys(ctx, conversationID)
	if err != nil {
		return err
	}
	if err := change(); err != nil {
		return err
	}
	after, err := tx.currentKeys(ctx, conversationID)
	if err != nil {
		return err
	}
	tx.addKeys(before, -1)
	tx.addKeys(after, 1)
	return nil
}

func (tx *Tx) currentKeys(ctx context.Context, conversationID string) (map[viewKey]int64, error) {
	c, err := scanConversation(tx.db.QueryRowContext(ctx, `SELECT `+conversationColumns+` FROM conversations c WHERE c.id = $1`, conversationID))
	if parley.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	startedBy, readers, err := tx.readers(ctx, conversationID, c.TeamID, c.TeamID)
	if err != nil {
		return nil, err
	}
	return viewKeys(c, startedBy, readers, func(r readerState) bool { return r.inNow }), nil
}

func (tx *Tx) addKeys(keys map[viewKey]int64, sign int64) {
	if len(keys) == 0 {
		return
	}
	if tx.deltas == nil {
		tx.deltas = map[viewKey]int64{}
	}
	for k, n := range keys {
		tx.deltas[k] += sign * n
	}
}

// flushCounts applies the transaction's count deltas, in key order so that
// two writers never wait for each other in a cycle.
func (tx *Tx) flushCounts(ctx context.Context) error {
	keys := make([]viewKey, 0, len(tx.deltas))
	for k, d := range tx.deltas {
		if d != 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b viewKey) int {
		return cmp.Or(strings.Compare(a.workspaceID, b.workspaceID), strings.Compare(a.reader, b.reader),
			strings.Compare(a.assignee, b.assignee), strings.Compare(a.status, b.status), strings.Compare(a.teamID, b.teamID),
			cmp.Compare(a.assigned, b.assigned), cmp.Compare(a.restricted, b.restricted), cmp.Compare(a.flags, b.flags))
	})
	for _, k := range keys {
		if _, err := tx.db.ExecContext(ctx,
			`INSERT INTO view_counts (workspace_id, reader, assignee, status, team_id, assigned, restricted, flags, n)
			 VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)
			 ON CONFLICT (workspace_id, reader, assignee, status, team_id, assigned, restricted, flags)
			 DO UPDATE SET n = view_counts.n + excluded.n`,
			k.workspaceID, k.reader, k.assignee, k.status, k.teamID, k.assigned, k.restricted, k.flags, tx.deltas[k]); err != nil {
			return fmt.Errorf("update view counts: %w", err)
		}
	}
	tx.deltas = nil
	return nil
}

// mergeDeltas adds one write's deltas to a batch's.
func mergeDeltas(dst *map[viewKey]int64, src map[viewKey]int64) {
	if len(src) == 0 {
		return
	}
	if *dst == nil {
		*dst = map[viewKey]int64{}
	}
	for k, d := range src {
		(*dst)[k] += d
	}
}

// flagsSQL is viewFlags, with flagTeamRead, as an SQL expression over c.
func flagsSQL(d Dialect) string {
	b := func(cond string, bit int) string {
		return `(CASE WHEN ` + cond + ` THEN ` + intLiteral(bit) + ` ELSE 0 END)`
	}
	return strings.Join([]string{
		b(`c.handoff`, flagHandoff), b(`c.appointment`, flagAppointment), b(`c.started_by <> ''`, flagDialog),
		b(`c.unreplied_count > 0`, flagUnreplied), b(`c.inbound_count > 0`, flagInbound),
		b(lastDirection(d)+` = 'in'`, flagLastIn), b(lastDirection(d)+` = 'out'`, flagLastOut),
		b(`c.inbound_count > 0 AND EXISTS (SELECT 1 FROM conversation_user_state r2 WHERE r2.conversation_id = c.id
			AND r2.read_inbound_count >= c.inbound_count
			AND (c.team_id IS NULL OR r2.user_id IN (SELECT tm.user_id FROM team_members tm WHERE tm.team_id = c.team_id)))`, flagTeamRead),
	}, " + ")
}

// RebuildViewCounts recomputes a workspace's view_counts from the
// conversations: after a bulk load, or to repair them.
func (tx *Tx) RebuildViewCounts(ctx context.Context, workspaceID string) error {
	return tx.rebuildViewCounts(ctx, workspaceID, "", false)
}

// rebuildTeams recomputes the rows of the conversations of some teams ("":
// of no team), after a change the write path does not follow conversation
// by conversation: who belongs to a team (whose reading counts for Unread
// by team), a deleted team.
func (tx *Tx) rebuildTeams(ctx context.Context, workspaceID string, teamIDs ...string) error {
	slices.Sort(teamIDs)
	for _, t := range slices.Compact(teamIDs) {
		if err := tx.rebuildViewCounts(ctx, workspaceID, t, true); err != nil {
			return err
		}
	}
	return nil
}

func (tx *Tx) rebuildViewCounts(ctx context.Context, workspaceID, teamID string, oneTeam bool) error {
	// Apply this transaction's deltas first: the rebuild replaces rows
	// they may touch, and sees every change of this transaction.
	if err := tx.flushCounts(ctx); err != nil {
		return err
	}
	del, cond := `DELETE FROM view_counts WHERE workspace_id = $1`, ``
	delArgs, args := []any{workspaceID}, []any{workspaceID, workspaceID}
	if oneTeam {
		del += ` AND team_id = $2`
		delArgs = append(delArgs, teamID)
		if teamID == "" {
			cond = ` AND c.team_id IS NULL`
		} else {
			cond = ` AND c.team_id = $3`
			args = append(args, teamID)
		}
	}
	if _, err := tx.db.ExecContext(ctx, del, delArgs...); err != nil {
		return fmt.Errorf("rebuild view counts: %w", err)
	}
	for _, stmt := range rebuildStatements(tx.dialect, cond) {
		if _, err := tx.db.ExecContext(ctx, stmt, args...); err != nil {
			return fmt.Errorf("rebuild view counts: %w", err)
		}
	}
	return nil
}

// rebuildStatements insert view_counts rows for the conversations of the
// workspace $1 ($2: the same, as text) that also meet cond.
func rebuildStatements(d Dialect, cond string) []string {
	cols := `c.status, COALESCE(CAST(c.team_id AS TEXT), ''), CASE WHEN c.assignee_count > 0 THEN 1 ELSE 0 END,
		CASE WHEN c.restricted THEN 1 ELSE 0 END, ` + flagsSQL(d)
	// The columns of a user's row (the user u.user_id), with flags.
	userCols := func(u, flags string) string {
		return `c.status, COALESCE(CAST(c.team_id AS TEXT), ''), CASE WHEN c.assignee_count > 0 THEN 1 ELSE 0 END,
		CASE WHEN NOT c.restricted THEN 0
			WHEN EXISTS (SELECT 1 FROM conversation_visibility v WHERE v.conversation_id = c.id AND v.user_id = ` + u + `.user_id) THEN 2
			ELSE 1 END, ` + flags
	}
	ws := `c.workspace_id = $1 AND c.deleted_at IS NULL` + cond
	ins := `INSERT INTO view_counts (workspace_id, reader, assignee, status, team_id, assigned, restricted, flags, n) `
	group := ` GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`
	return []string{
		ins + `SELECT $2, '', '', ` + cols + `, COUNT(*) FROM conversations c WHERE ` + ws + group,
		ins + `SELECT $2, '', CAST(a.user_id AS TEXT), ` + cols + `, COUNT(*)
			FROM conversations c JOIN conversation_assignees a ON a.conversation_id = c.id WHERE ` + ws + group,
		ins + `SELECT $2, CAST(r.user_id AS TEXT),
			CASE WHEN EXISTS (SELECT 1 FROM conversation_assignees a WHERE a.conversation_id = c.id AND a.user_id = r.user_id)
			THEN CAST(r.user_id AS TEXT) ELSE '' END, ` + userCols("r", flagsSQL(d)) + `, COUNT(*)
			FROM conversations c JOIN conversation_user_state r ON r.conversation_id = c.id
			WHERE ` + ws + ` AND c.inbound_count > 0 AND r.read_inbound_count >= c.inbound_count` + group,
		ins + `SELECT $2, CAST(p.user_id AS TEXT),
			CASE WHEN EXISTS (SELECT 1 FROM conversation_assignees a WHERE a.conversation_id = c.id AND a.user_id = p.user_id)
			THEN CAST(p.user_id AS TEXT) ELSE '' END, ` + userCols("p", intLiteral(pinRow)) + `, COUNT(*)
			FROM conversations c JOIN conversation_user_state p ON p.conversation_id = c.id
			WHERE ` + ws + ` AND p.pinned` + group,
		ins + `SELECT $2, CAST(l.user_id AS TEXT),
			CASE WHEN EXISTS (SELECT 1 FROM conversation_assignees a WHERE a.conversation_id = c.id AND a.user_id = l.user_id)
			THEN CAST(l.user_id AS TEXT) ELSE '' END, ` + userCols("l", flagsSQL(d)+` + `+intLiteral(listedRow)) + `, COUNT(*)
			FROM conversations c JOIN conversation_visibility l ON l.conversation_id = c.id
			WHERE ` + ws + ` AND c.restricted` + group,
	}
}

// withStatuses adds "AND column IN (…)" for the statuses, if any.
func withStatuses(query, column string, args []any, statuses []parley.ConversationStatus) (string, []any) {
	if len(statuses) == 0 {
		return query, args
	}
	ph := make([]string, len(statuses))
	for i, st := range statuses {
		args = append(args, string(st))
		ph[i] = placeholder(len(args))
	}
	return query + ` AND ` + column + ` IN (` + strings.Join(ph, ",") + `)`, args
}

// keptRow is a view_counts row summed over what the caller may not tell
// apart.
type keptRow struct {
	reader, assignee, status, teamID string
	assigned, flags                  int
	n                                int64
}

// countKept answers the views' counts for a filter without conditions
// from view_counts: the rows of every conversation, of the caller's
// assignments, of what the caller read or pinned and of the restricted
// conversations that list them, summed in the scope. Important is counted
// from its own small index (the open tasks).
func (q *queries) countKept(ctx context.Context, f ConversationFilter, views []string) (map[string]int64, error) {
	sc := f.Scope
	me := sc.UserID
	// An agent sees the conversations without a visibility list and those
	// whose list holds them (their own rows with listedFor).
	shared, own := ``, ``
	if !sc.All {
		shared, own = ` AND restricted = `+intLiteral(unrestricted), ` AND restricted <> `+intLiteral(restrictedTo)
	}
	// The rows as stored, in index order; summed below.
	sel := `SELECT reader, assignee, status, team_id, assigned, flags, n FROM view_counts WHERE workspace_id = $1 AND `
	rows, err := q.db.QueryContext(ctx, sel+`reader = '' AND assignee IN ('', $2)`+shared+` AND n <> 0 UNION ALL `+
		sel+`reader = $2`+own+` AND n <> 0`, sc.WorkspaceID, me)
	if err != nil {
		return nil, fmt.Errorf("count views: %w", err)
	}
	var all, mine, read, pins []keptRow
	for rows.Next() {
		var r keptRow
		if err := rows.Scan(&r.reader, &r.assignee, &r.status, &r.teamID, &r.assigned, &r.flags, &r.n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("count views: %w", err)
		}
		switch {
		case r.reader != "" && r.flags&listedRow != 0:
			if sc.All {
				continue // an admin counts them in every conversation's rows
			}
			// A conversation the agent sees, once; theirs if assigned.
			r.flags &^= listedRow
			all = append(all, r)
			if r.assignee == me {
				mine = append(mine, r)
			}
		case r.reader != "" && r.flags == pinRow:
			pins = append(pins, r)
		case r.reader != "":
			read = append(read, r)
		case r.assignee != "":
			mine = append(mine, r)
		default:
			all = append(all, r)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count views: %w", err)
	}
	var teams []string
	if sc.TeamsOnly || (slices.Contains(views, ViewTeam) && f.TeamID == "") {
		if teams, err = q.userTeams(ctx, me); err != nil {
			return nil, err
		}
	}
	// The conversations in scope, each once; and those the caller read,
	// or pinned, in scope.
	var inScope, readInScope, pinsInScope []keptRow
	perUser := func(rs []keptRow) []keptRow { return rs }
	switch {
	case sc.AssignedOnly:
		inScope = mine
		perUser = func(rs []keptRow) (out []keptRow) {
			for _, r := range rs {
				if r.assignee == me {
					out = append(out, r)
				}
			}
			return out
		}
	case sc.TeamsOnly:
		for _, r := range all {
			if slices.Contains(teams, r.teamID) {
				inScope = append(inScope, r)
			}
		}
		for _, r := range mine {
			if !slices.Contains(teams, r.teamID) {
				inScope = append(inScope, r)
			}
		}
		perUser = func(rs []keptRow) (out []keptRow) {
			for _, r := range rs {
				if r.assignee == me || slices.Contains(teams, r.teamID) {
					out = append(out, r)
				}
			}
			return out
		}
	default:
		inScope = all
	}
	readInScope, pinsInScope = perUser(read), perUser(pins)
	out := make(map[string]int64, len(views))
	var scan []string // views counted by SQL over small sets
	for _, v := range views {
		g := f
		g.View = v
		sts, empty := g.effectiveStatuses()
		sum := func(rs []keptRow, test func(keptRow) bool) int64 {
			var n int64
			for _, r := range rs {
				if (len(sts) == 0 || slices.Contains(sts, parley.ConversationStatus(r.status))) && test(r) {
					n += r.n
				}
			}
			return n
		}
		has := func(bit int) func(keptRow) bool { return func(r keptRow) bool { return r.flags&bit != 0 } }
		every := func(keptRow) bool { return true }
		var n int64
		switch v {
		case ViewImportant:
			scan = append(scan, v)
			continue
		case ViewPinned:
			n = sum(pinsInScope, every)
		case ViewMine:
			n = sum(mine, every)
		case ViewMineUnreplied:
			n = sum(mine, func(r keptRow) bool { return r.flags&(flagUnreplied|flagHandoff) != 0 })
		case ViewUnassigned:
			n = sum(inScope, func(r keptRow) bool { return r.assigned == 0 })
		case ViewTeam:
			want := teams
			if f.TeamID != "" {
				want = []string{f.TeamID}
			}
			n = sum(inScope, func(r keptRow) bool { return r.teamID != "" && slices.Contains(want, r.teamID) })
		case ViewUnread:
			n = sum(inScope, has(flagInbound)) - sum(readInScope, every)
		case ViewUnreadTeam:
			n = sum(inScope, func(r keptRow) bool { return r.flags&flagInbound != 0 && r.flags&flagTeamRead == 0 })
		case ViewUnreplied:
			n = sum(inScope, func(r keptRow) bool { return r.flags&(flagUnreplied|flagHandoff) != 0 })
		case ViewReadNoReply:
			n = sum(readInScope, has(flagLastIn))
		case ViewWaitingClient:
			n = sum(inScope, has(flagLastOut))
		case ViewClientResponded:
			n = sum(inScope, has(flagLastIn))
		case ViewHandoff:
			n = sum(inScope, has(flagHandoff))
		case ViewAppointments:
			n = sum(inScope, has(flagAppointment))
		case ViewDialogs:
			n = sum(inScope, has(flagDialog))
		case ViewAll, ViewQueued, ViewClosed:
			n = sum(inScope, every)
		default:
			scan = append(scan, v)
			continue
		}
		if empty {
			n = 0
		}
		out[v] = n
	}
	for _, v := range scan {
		// Important starts from its own small set (the open tasks),
		// which the predicate names.
		g := f
		g.View = v
		if out[v], err = q.RecountConversations(ctx, g); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// userTeams lists the teams a user belongs to.
func (q *queries) userTeams(ctx context.Context, userID string) ([]string, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT CAST(team_id AS TEXT) FROM team_members WHERE user_id = $1`, userID)
	if err != nil {
		return nil, fmt.Errorf("user teams: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("user teams: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
