package sqlstore

import (
	"strings"

	"github.com/parleyhq/parley"
)

// compileFilter turns a validated filter into a predicate over c (the
// conversation of workspaceID). Values are always bound through arg; only field and
// operator names, checked against fixed lists by the conversation package,
// choose the SQL text.
func compileFilter(d Dialect, workspaceID string, f *parley.Filter, arg func(any) string) string {
	parts := make([]string, 0, len(f.Conditions))
	for _, c := range f.Conditions {
		parts = append(parts, "("+compileCondition(d, workspaceID, c, arg)+")")
	}
	join := " AND "
	if f.Match == "any" {
		join = " OR "
	}
	return strings.Join(parts, join)
}

func list(vals []string, arg func(any) string) string {
	ph := make([]string, len(vals))
	for i, v := range vals {
		ph[i] = arg(v)
	}
	return strings.Join(ph, ",")
}

func numList(vals []int64, arg func(any) string) string {
	ph := make([]string, len(vals))
	for i, v := range vals {
		ph[i] = arg(v)
	}
	return strings.Join(ph, ",")
}

// likeEscape escapes LIKE's wildcards; patterns use ESCAPE '\'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// setOp applies eq/neq/in/nin to a scalar expression.
func setOp(expr, op string, vals []string, arg func(any) string) string {
	switch op {
	case "eq":
		return expr + ` = ` + arg(vals[0])
	case "neq":
		return `(` + expr + ` IS NULL OR ` + expr + ` <> ` + arg(vals[0]) + `)`
	case "in":
		return expr + ` IN (` + list(vals, arg) + `)`
	case "nin":
		return `(` + expr + ` IS NULL OR ` + expr + ` NOT IN (` + list(vals, arg) + `))`
	case "contains":
		return expr + ` LIKE ` + arg("%"+likeEscape(vals[0])+"%") + ` ESCAPE '\'`
	case "exists":
		return `(` + expr + ` IS NOT NULL AND ` + expr + ` <> '')`
	case "gt":
		return expr + ` > ` + arg(vals[0])
	case "lt":
		return expr + ` < ` + arg(vals[0])
	}
	return "1 = 0"
}

func compileCondition(d Dialect, workspaceID string, c parley.Condition, arg func(any) string) string {
	switch c.Field {
	case "channel":
		// The workspace's inboxes of those channels, read once (a subquery
		// per conversation cost each row of a count a lookup).
		inboxes := func(op string) string {
			return `(SELECT i2.id FROM inboxes i2 WHERE i2.workspace_id = ` + arg(workspaceID) + ` AND ` + setOp(`i2.channel`, op, c.Strings, arg) + `)`
		}
		switch c.Op {
		case "neq":
			return `c.inbox_id NOT IN ` + inboxes("eq")
		case "nin":
			return `c.inbox_id NOT IN ` + inboxes("in")
		}
		return `c.inbox_id IN ` + inboxes(c.Op)
	case "inbox":
		return setOp(`c.inbox_id`, c.Op, c.Strings, arg)
	case "status":
		return setOp(`c.status`, c.Op, c.Strings, arg)
	case "ai_mode":
		return setOp(`c.ai_mode`, c.Op, c.Strings, arg)
	case "source":
		return setOp(`c.source`, c.Op, c.Strings, arg)
	case "team":
		if c.Op == "exists" {
			return `c.team_id IS NOT NULL`
		}
		return setOp(`c.team_id`, c.Op, c.Strings, arg)
	case "priority":
		switch c.Op {
		case "gt", "lt":
			rank := PriorityRank(parley.Priority(c.Strings[0]))
			if c.Op == "gt" {
				return priorityRank + ` > ` + arg(rank)
			}
			return priorityRank + ` < ` + arg(rank)
		}
		return setOp(`c.priority`, c.Op, c.Strings, arg)
	case "assignee":
		return assigneeCondition(c, arg)
	case "tag", "label":
		kind := KindTag
		if c.Field == "label" {
			kind = KindLabel
		}
		// The tags' ids are selected once (an uncorrelated subquery), so
		// that each conversation costs one probe of its tag rows' key.
		has := func(names []string) string {
			return `EXISTS (SELECT 1 FROM conversation_tags ctg WHERE ctg.conversation_id = c.id AND ctg.tag_id IN
				(SELECT tg.id FROM tags tg WHERE tg.workspace_id = ` + arg(workspaceID) + ` AND tg.kind = ` + arg(kind) + ` AND tg.name IN (` + list(names, arg) + `)))`
		}
		switch c.Op {
		case "eq", "in":
			return has(c.Strings)
		case "neq", "nin":
			return `NOT ` + has(c.Strings)
		case "exists":
			return `EXISTS (SELECT 1 FROM conversation_tags ctg JOIN tags tg ON tg.id = ctg.tag_id
				WHERE ctg.conversation_id = c.id AND tg.kind = ` + arg(kind) + `)`
		}
	case "has_phone", "has_email":
		col := "phone"
		if c.Field == "has_email" {
			col = "email"
		}
		has := `EXISTS (SELECT 1 FROM contacts x WHERE x.id = c.contact_id AND x.` + col + ` <> '')`
		if c.Bool == (c.Op == "eq") {
			return has
		}
		return `NOT ` + has
	case "contact.attributes":
		var expr string
		if d == Postgres {
			expr = `(SELECT x.attributes::jsonb ->> CAST(` + arg(c.Key) + ` AS TEXT) FROM contacts x WHERE x.id = c.contact_id)`
		} else {
			// json_extract returns numbers as numbers: compare as text, as PostgreSQL's ->> does.
			expr = `CAST((SELECT json_extract(x.attributes, ` + arg(`$."`+c.Key+`"`) + `) FROM contacts x WHERE x.id = c.contact_id) AS TEXT)`
		}
		return setOp(expr, c.Op, c.Strings, arg)
	case "created_at", "last_activity_at":
		col := "c." + c.Field
		switch c.Op {
		case "gt":
			return col + ` > ` + arg(micros(c.From))
		case "lt":
			return col + ` < ` + arg(micros(c.From))
		default: // eq (a relative period) or between
			return col + ` >= ` + arg(micros(c.From)) + ` AND ` + col + ` < ` + arg(micros(c.To))
		}
	case "number":
		switch c.Op {
		case "eq":
			return `c.number = ` + arg(c.Numbers[0])
		case "neq":
			return `c.number <> ` + arg(c.Numbers[0])
		case "in":
			return `c.number IN (` + numList(c.Numbers, arg) + `)`
		case "nin":
			return `c.number NOT IN (` + numList(c.Numbers, arg) + `)`
		case "gt":
			return `c.number > ` + arg(c.Numbers[0])
		case "lt":
			return `c.number < ` + arg(c.Numbers[0])
		case "between":
			return `c.number BETWEEN ` + arg(c.Numbers[0]) + ` AND ` + arg(c.Numbers[1])
		}
	}
	return "1 = 0"
}

// assigneeCondition: a user id, or "none" for no assignee.
func assigneeCondition(c parley.Condition, arg func(any) string) string {
	if c.Op == "exists" {
		if c.Bool {
			return `c.assignee_count > 0`
		}
		return `c.assignee_count = 0`
	}
	var ids []string
	none := false
	for _, v := range c.Strings {
		if v == "none" {
			none = true
		} else {
			ids = append(ids, v)
		}
	}
	var parts []string
	if none {
		parts = append(parts, `c.assignee_count = 0`)
	}
	if len(ids) > 0 {
		parts = append(parts, `EXISTS (SELECT 1 FROM conversation_assignees ca WHERE ca.conversation_id = c.id AND ca.user_id IN (`+list(ids, arg)+`))`)
	}
	any := "(" + strings.Join(parts, " OR ") + ")"
	if c.Op == "neq" || c.Op == "nin" {
		return "NOT " + any
	}
	return any
}
