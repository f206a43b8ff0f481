package sqlstore

import (
	"strconv"
	"strings"
)

// Where SQL lives in this package: static statements are named constants at
// the top of their table's file (per dialect where the engines differ, e.g.
// lastDirection); statements whose shape depends on the request (filters,
// views, search, IN lists, multi-row inserts) are built, and each builder
// says why. Bind parameters are numbered only by the helpers below, never by
// fmt: TestNoSprintfSQL fails when fmt builds SQL again.

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
