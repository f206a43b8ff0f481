package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/parleyhq/parley"
)

// afterCustomerCase is parley.ConversationStatus.AfterCustomerMessage as a
// SQL expression over the status column col, generated from the Go rule so
// that the one-statement inbound path and the Go code never disagree.
func afterCustomerCase(col string) string {
	var sb strings.Builder
	sb.WriteString("CASE " + col)
	n := 0
	for _, st := range parley.ConversationStatuses {
		if next, ok := st.AfterCustomerMessage(); ok && next != st {
			fmt.Fprintf(&sb, " WHEN '%s' THEN '%s'", st, next)
			n++
		}
	}
	if n == 0 {
		return col
	}
	sb.WriteString(" ELSE " + col + " END")
	return sb.String()
}

// applyCustomerMessage moves c as a customer message does (the status
// table in parley) and reports whether its status changed.
func applyCustomerMessage(c *parley.Conversation) bool {
	next, ok := c.Status.AfterCustomerMessage()
	if !ok || next == c.Status {
		return false
	}
	if c.Status == parley.StatusSnoozed {
		c.SnoozedUntil = nil
	}
	c.Status = next
	return true
}

// setAssignmentStatus keeps the assignment rows' status (which the Mine
// counts and routing loads read) in step with the conversation's.
func (tx *Tx) setAssignmentStatus(ctx context.Context, c *parley.Conversation) error {
	if len(c.AssigneeIDs) == 0 {
		return nil
	}
	if _, err := tx.db.ExecContext(ctx, `UPDATE conversation_assignees SET status = $1 WHERE conversation_id = $2`,
		assignmentStatus(c), c.ID); err != nil {
		return fmt.Errorf("write assignment status: %w", err)
	}
	return nil
}

func systemText(e *parley.SystemEvent) sql.NullString {
	if e == nil {
		return sql.NullString{}
	}
	b, _ := json.Marshal(e)
	return sql.NullString{String: string(b), Valid: true}
}
