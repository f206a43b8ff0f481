package conversation

import (
	"context"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// MarkUnread leaves the conversation's newest customer message unread for
// the actor (seed 001: mark unread / mark read with Shift+Enter).
func (s *Service) MarkUnread(ctx context.Context, a parley.Actor, conversationID string) error {
	return s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		if _, _, err := visible(ctx, tx, a, conversationID); err != nil {
			return err
		}
		ok, err := tx.MarkUnread(ctx, conversationID, a.UserID)
		if err != nil {
			return err
		}
		if !ok {
			return parley.Errorf(parley.ECONFLICT, "The customer has written nothing here to mark unread.")
		}
		return nil
	})
}

// ReadPreferences are a member's read settings.
type ReadPreferences struct {
	// MarkReadOnOpen: opening a conversation marks it read (default on);
	// off, messages stay unread until marked read (Shift+Enter).
	MarkReadOnOpen bool `json:"mark_read_on_open"`
}

// ReadPreferences returns the actor's read settings.
func (s *Service) ReadPreferences(ctx context.Context, a parley.Actor) (*ReadPreferences, error) {
	v, err := s.store.MarkReadOnOpen(ctx, a.WorkspaceID, a.UserID)
	if err != nil {
		return nil, err
	}
	return &ReadPreferences{MarkReadOnOpen: v}, nil
}

// SetReadPreferences stores the actor's read settings.
func (s *Service) SetReadPreferences(ctx context.Context, a parley.Actor, p ReadPreferences) (*ReadPreferences, error) {
	if err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		return tx.SetMarkReadOnOpen(ctx, a.WorkspaceID, a.UserID, p.MarkReadOnOpen)
	}); err != nil {
		return nil, err
	}
	return &p, nil
}
