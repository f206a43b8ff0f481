package conversation

import (
	"context"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// AuditPage is one page of the audit log, newest first.
type AuditPage struct {
	Items      []parley.AuditEntry `json:"items"`
	NextCursor string              `json:"next_cursor"`
}

// Audit returns a page of the workspace's audit log (admins only): who
// did what, when; data holds the changes as [before, after] pairs.
func (s *Service) Audit(ctx context.Context, a parley.Actor, cursor string, limit int) (*AuditPage, error) {
	if !access.CanAdminister(a) {
		return nil, parley.Errorf(parley.EFORBIDDEN, "Only an admin can read the audit log.")
	}
	if limit <= 0 {
		limit = DefaultLimit
	}
	if limit > MaxLimit {
		return nil, parley.FieldErrorf("limit", "The limit must be at most %d.", MaxLimit)
	}
	var after *sqlstore.AuditCursor
	if cursor != "" {
		after = &sqlstore.AuditCursor{}
		if err := decodeCursor(cursor, after); err != nil {
			return nil, err
		}
	}
	list, err := s.store.ListAudit(ctx, a.WorkspaceID, after, limit)
	if err != nil {
		return nil, err
	}
	page := &AuditPage{Items: list}
	if len(list) == limit {
		last := list[len(list)-1]
		page.NextCursor = encodeCursor(sqlstore.AuditCursor{CreatedAt: last.CreatedAt, ID: last.ID})
	}
	return page, nil
}
