package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/parleyhq/parley"
)

// externalRefText is how conversations.external_ref stores a reference:
// JSON, or "" for none.
func externalRefText(r *parley.ExternalRef) string {
	if r == nil {
		return ""
	}
	b, _ := json.Marshal(r)
	return string(b)
}

// parseExternalRef reads conversations.external_ref; text that is not a
// reference (older rows) reads as none.
func parseExternalRef(s string) *parley.ExternalRef {
	if s == "" {
		return nil
	}
	var r parley.ExternalRef
	if json.Unmarshal([]byte(s), &r) != nil || r.Type == "" {
		return nil
	}
	return &r
}

// ExternalKey is the indexed key a conversation is selected by its
// external reference with: type and id, "" for none.
func ExternalKey(refType, refID string) string {
	if refType == "" && refID == "" {
		return ""
	}
	return refType + "\x1f" + refID
}

// SetExternalKey writes the lookup key of the conversation's external
// reference; the write path calls it after SaveConversation when the
// reference changed.
func (tx *Tx) SetExternalKey(ctx context.Context, c *parley.Conversation) error {
	key := ""
	if c.ExternalRef != nil {
		key = ExternalKey(c.ExternalRef.Type, c.ExternalRef.ID)
	}
	if _, err := tx.db.ExecContext(ctx, `UPDATE conversations SET external_key = $1 WHERE id = $2 AND workspace_id = $3`,
		key, c.ID, c.WorkspaceID); err != nil {
		return fmt.Errorf("set external key: %w", err)
	}
	return nil
}
