package workspace

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// maxPresetUsers caps each preset list.
const maxPresetUsers = 50

// ContactPresets returns a contact's presets for its new conversations.
func (s *Service) ContactPresets(ctx context.Context, a parley.Actor, contactID string) (*sqlstore.ContactPresets, error) {
	if _, err := s.Contact(ctx, a, contactID); err != nil {
		return nil, err
	}
	return s.store.FindContactPresets(ctx, a.WorkspaceID, contactID)
}

// SetContactPresets replaces a contact's presets (admins: they decide who
// may see a person's conversations). Every user named must be a member of
// the workspace; assignees are always among those who may see.
func (s *Service) SetContactPresets(ctx context.Context, a parley.Actor, contactID string, assignees, visibleTo []string) (*sqlstore.ContactPresets, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	p := &sqlstore.ContactPresets{ContactID: contactID, AssigneeIDs: dedupeTrim(assignees)}
	if visibleTo != nil {
		p.VisibleTo = dedupeTrim(visibleTo)
		for _, u := range p.AssigneeIDs {
			if !slices.Contains(p.VisibleTo, u) {
				p.VisibleTo = append(p.VisibleTo, u)
			}
		}
	}
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		if _, err := tx.FindContactByID(ctx, a.WorkspaceID, contactID); err != nil {
			return err
		}
		for _, list := range []struct {
			field string
			ids   []string
		}{{"assignee_ids", p.AssigneeIDs}, {"visible_to", p.VisibleTo}} {
			if len(list.ids) > maxPresetUsers {
				return parley.FieldErrorf(list.field, "At most %d people.", maxPresetUsers)
			}
			for i, u := range list.ids {
				if _, err := tx.FindMember(ctx, a.WorkspaceID, u); err != nil {
					if parley.IsNotFound(err) {
						return parley.FieldErrorf(list.field+"["+strconv.Itoa(i)+"]", "%s is not a member of this workspace.", clip(u))
					}
					return err
				}
			}
		}
		if err := tx.SaveContactPresets(ctx, a.WorkspaceID, a.UserID, p); err != nil {
			return err
		}
		return tx.Audit(ctx, a.WorkspaceID, a.UserID, "contact.presets", "contact", contactID,
			map[string]any{"assignee_ids": p.AssigneeIDs, "visible_to": p.VisibleTo})
	})
	if err != nil {
		return nil, err
	}
	return s.store.FindContactPresets(ctx, a.WorkspaceID, contactID)
}

// maxNoteLen caps a note about a contact (characters).
const maxNoteLen = 10000

// ContactNotes lists the notes about a contact, newest first.
func (s *Service) ContactNotes(ctx context.Context, a parley.Actor, contactID string) ([]sqlstore.ContactNote, error) {
	if _, err := s.Contact(ctx, a, contactID); err != nil {
		return nil, err
	}
	return s.store.ListContactNotes(ctx, a.WorkspaceID, contactID, 200)
}

// AddContactNote writes a note about a contact, signed by the actor.
func (s *Service) AddContactNote(ctx context.Context, a parley.Actor, contactID, body string) (*sqlstore.ContactNote, error) {
	body = strings.TrimSpace(body)
	if body == "" || !utf8.ValidString(body) || utf8.RuneCountInString(body) > maxNoteLen {
		return nil, parley.FieldErrorf("body", "A note is text of 1 to %d characters.", maxNoteLen)
	}
	n := &sqlstore.ContactNote{ContactID: contactID, AuthorID: a.UserID, Body: body}
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		if _, err := tx.FindContactByID(ctx, a.WorkspaceID, contactID); err != nil {
			return err
		}
		if m, err := tx.FindMember(ctx, a.WorkspaceID, a.UserID); err == nil {
			n.AuthorName = m.Name
		}
		if err := tx.CreateContactNote(ctx, a.WorkspaceID, n); err != nil {
			return err
		}
		return tx.Audit(ctx, a.WorkspaceID, a.UserID, "contact.note", "contact", contactID, map[string]string{"note_id": n.ID})
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// DeleteContactNote deletes a note: its author or an admin.
func (s *Service) DeleteContactNote(ctx context.Context, a parley.Actor, contactID, noteID string) error {
	return s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		n, err := tx.FindContactNote(ctx, a.WorkspaceID, contactID, noteID)
		if err != nil {
			return err
		}
		if n.AuthorID != a.UserID {
			if err := requireAdmin(a); err != nil {
				return parley.Errorf(parley.EFORBIDDEN, "Only the note's author or an admin can delete it.")
			}
		}
		return tx.DeleteContactNote(ctx, a.WorkspaceID, noteID)
	})
}
