package sqlstore

import (
	"strconv"
	"strings"
)

// Where SQL lives in this package: a static statement is a named constant
// (or a literal at its one call) grouped with its table's statements; one
// that differs per dialect is a pair of constants, or a fragment function
// such as forUpdate or lastDirection. A statement whose shape depends on the
// request is built, and says why. The builders:
//   - ConversationFilter.where/viewPredicate (views.go) and compileFilter
//     (filter.go): a view, the scope and an agent's own filter combine
//     freely, and each combination must stay index-friendly;
//   - ContactFilter.where (contactlist.go): optional filters and a search
//     whose form depends on the engine and the query's length;
//   - SearchMessages and the snippets (search.go): the scope's predicate,
//     a cursor and a window of message keys; MatchContacts and
//     ContactMatch.predicate: the kind of contact search and the engine;
//     ConversationItems: the IN list of a page's conversations;
//   - flagsSQL, rebuildStatements and withStatuses (counts.go): generated
//     from the Go flags and the status lists, so that the counts and the
//     lists cannot disagree;
//   - AppendToOpenConversation, inboundUpdate, afterCustomerCase,
//     closedStatusList: SQL forms of Go rules (see the store rule);
//   - IN lists and multi-row VALUES (events, ClaimJobs, ListMessages…).
//
// Bind parameters are numbered only by the helpers below, never by fmt:
// TestNoSprintfSQL fails when fmt builds SQL or a "$" is joined to a number
// by hand.

// forUpdate is the row-locking suffix: PostgreSQL locks the rows; SQLite's
// single writer already serialises write transactions.
func (q *queries) forUpdate(skipLocked bool) string {
	if q.dialect != Postgres {
		return ""
	}
	if skipLocked {
		return " FOR UPDATE SKIP LOCKED"
	}
	return " FOR UPDATE"
}

// placeholder is bind parameter n, "$n". modernc's SQLite binds $N like
// PostgreSQL, so one text serves both engines.
func placeholder(n int) string { return "$" + strconv.Itoa(n) }

// placeholders lists n parameters from first, comma-separated, for IN lists
// and VALUES rows: placeholders(3, 3) is "$3,$4,$5".
func placeholders(first, n int) string {
	var sb strings.Builder
	for i := range n {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('$')
		sb.WriteString(strconv.Itoa(first + i))
	}
	return sb.String()
}

// bind appends v to *args and returns its placeholder.
func bind(args *[]any, v any) string {
	*args = append(*args, v)
	return placeholder(len(*args))
}

// intLiteral writes a constant of the Go code (a flag bit) into SQL text.
// Never for a caller's value: those are bound.
func intLiteral(n int) string { return strconv.Itoa(n) }
