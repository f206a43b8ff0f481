package conversation

import (
	"context"

	"github.com/parleyhq/parley"
)

// Attachment returns an attachment of a message in a conversation the
// actor can see; anything else is ENOTFOUND.
func (s *Service) Attachment(ctx context.Context, a parley.Actor, conversationID, messageID, attachmentID string) (*parley.Attachment, error) {
	if _, _, err := visible(ctx, s.store, a, conversationID); err != nil {
		return nil, err
	}
	m, err := s.store.FindMessageByID(ctx, conversationID, messageID)
	if err != nil {
		return nil, err
	}
	for _, att := range m.Attachments {
		if att.ID == attachmentID {
			if att.Key == "" {
				att.Key = att.ID
			}
			return &att, nil
		}
	}
	return nil, parley.Errorf(parley.ENOTFOUND, "Attachment not found.")
}
