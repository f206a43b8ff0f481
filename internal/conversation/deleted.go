package conversation

import (
	"context"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// DeletedPage is one page of the deleted conversations an admin may
// still restore, the most recently deleted first.
type DeletedPage struct {
	Items      []sqlstore.DeletedConversation `json:"items"`
	NextCursor string                         `json:"next_cursor"`
}

// Deleted lists the workspace's deleted conversations that are not purged
// yet, with who deleted them, when, and when they will be purged (admins
// only: they are the ones who may restore them).
func (s *Service) Deleted(ctx context.Context, a parley.Actor, cursor string, limit int) (*DeletedPage, error) {
	if !access.CanAdminister(a) {
		return nil, parley.Errorf(parley.EFORBIDDEN, "Only an admin can list deleted conversations.")
	}
	if limit <= 0 {
		limit = DefaultLimit
	}
	if limit > MaxLimit {
		return nil, parley.FieldErrorf("limit", "The limit must be at most %d.", MaxLimit)
	}
	var after *sqlstore.DeletedCursor
	if cursor != "" {
		after = &sqlstore.DeletedCursor{}
		if err := decodeCursor(cursor, after); err != nil {
			return nil, err
		}
	}
	ws, err := s.store.FindWorkspaceByID(ctx, a.WorkspaceID)
	if err != nil {
		return nil, err
	}
	list, err := s.store.ListDeletedConversations(ctx, a.WorkspaceID, after, limit)
	if err != nil {
		return nil, err
	}
	grace := time.Duration(ws.Settings.Effective().PurgeDays) * 24 * time.Hour
	for i := range list {
		list[i].PurgeAt = list[i].DeletedAt.Add(grace)
	}
	page := &DeletedPage{Items: list}
	if len(list) == limit {
		last := list[len(list)-1]
		page.NextCursor = encodeCursor(sqlstore.DeletedCursor{DeletedAt: last.DeletedAt, ID: last.ID})
	}
	return page, nil
}
