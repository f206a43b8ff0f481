package workspace

import (
	"context"
	"strings"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
	"github.com/parleyhq/parley/internal/phone"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// ContactInput creates or changes a contact; nil fields stay.
type ContactInput struct {
	Name       *string
	Email      *string
	Phone      *string
	Company    *string
	Title      *string
	AvatarURL  *string
	Attributes map[string]string
	Tags       []string
	Blocked    *bool
	Archived   *bool
}

func applyContact(c *parley.Contact, in ContactInput, defs attributeDefs) error {
	set := func(dst *string, v *string, field string, maxLen int) error {
		if v == nil {
			return nil
		}
		s := strings.TrimSpace(*v)
		if len(s) > maxLen {
			return parley.FieldErrorf(field, "The %s is longer than %d characters.", field, maxLen)
		}
		*dst = s
		return nil
	}
	for _, f := range []struct {
		dst   *string
		v     *string
		field string
		max   int
	}{
		{&c.Name, in.Name, "name", 200}, {&c.Company, in.Company, "company", 200},
		{&c.Title, in.Title, "title", 200},
	} {
		if err := set(f.dst, f.v, f.field, f.max); err != nil {
			return err
		}
	}
	if in.AvatarURL != nil {
		avatar, err := ValidAvatarURL("avatar_url", *in.AvatarURL)
		if err != nil {
			return err
		}
		c.AvatarURL = avatar
	}
	if in.Email != nil {
		c.Email = ""
		if e := strings.TrimSpace(*in.Email); e != "" {
			email, err := ValidEmail("email", e)
			if err != nil {
				return err
			}
			c.Email = email
		}
	}
	if in.Phone != nil {
		c.Phone = ""
		if p := strings.TrimSpace(*in.Phone); p != "" {
			e164, err := phone.Normalize(p)
			if err != nil {
				return parley.FieldErrorf("phone", "%q is not a phone number in international form (+country code).", clip(p))
			}
			c.Phone = e164
		}
	}
	if in.Attributes != nil {
		if len(in.Attributes) > 100 {
			return parley.FieldErrorf("attributes", "A contact has at most 100 custom attributes.")
		}
		attrs, err := defs.check(in.Attributes)
		if err != nil {
			return err
		}
		c.Attributes = attrs
	}
	if in.Tags != nil {
		c.Tags = dedupeTrim(in.Tags)
	}
	if in.Blocked != nil {
		c.Blocked = *in.Blocked
	}
	if in.Archived != nil {
		c.Archived = *in.Archived
	}
	return nil
}

func dedupeTrim(list []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// CreateContact creates a contact with optional identities.
func (s *Service) CreateContact(ctx context.Context, a parley.Actor, in ContactInput, idents []parley.ContactIdentity) (*parley.Contact, error) {
	c := &parley.Contact{WorkspaceID: a.WorkspaceID}
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		defs, err := loadDefs(ctx, tx, a.WorkspaceID)
		if err != nil {
			return err
		}
		if err := applyContact(c, in, defs); err != nil {
			return err
		}
		c.Identities = nil
		if err := tx.CreateContact(ctx, c); err != nil {
			return err
		}
		for _, ident := range idents {
			if err := s.addIdentity(ctx, tx, a, c.ID, ident); err != nil {
				return err
			}
		}
		return contactChanged(ctx, tx, a, c.ID, "contact.create")
	})
	if err != nil {
		return nil, err
	}
	return s.Contact(ctx, a, c.ID)
}

func (s *Service) addIdentity(ctx context.Context, tx *sqlstore.Tx, a parley.Actor, contactID string, ident parley.ContactIdentity) error {
	if strings.TrimSpace(ident.SourceID) == "" || len(ident.SourceID) > 512 {
		return parley.FieldErrorf("source_id", "The source id must have 1 to 512 characters.")
	}
	if _, err := tx.FindInboxByID(ctx, a.WorkspaceID, ident.InboxID); err != nil {
		if parley.IsNotFound(err) {
			return parley.FieldErrorf("inbox_id", "That inbox does not exist.")
		}
		return err
	}
	return tx.AddContactIdentity(ctx, a.WorkspaceID, contactID, ident)
}

func contactChanged(ctx context.Context, tx *sqlstore.Tx, a parley.Actor, contactID, action string) error {
	c, err := tx.FindContactByID(ctx, a.WorkspaceID, contactID)
	var data any = map[string]string{"id": contactID}
	if err == nil {
		data = c
	} else if !parley.IsNotFound(err) {
		return err
	}
	if err := tx.AppendEvent(parley.EventContactUpdated, a.WorkspaceID, "", data, nil, nil); err != nil {
		return err
	}
	return tx.Audit(ctx, a.WorkspaceID, a.UserID, action, "contact", contactID, nil)
}

// UpdateContact changes a contact.
func (s *Service) UpdateContact(ctx context.Context, a parley.Actor, contactID string, in ContactInput) (*parley.Contact, error) {
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		c, err := tx.FindContactByID(ctx, a.WorkspaceID, contactID)
		if err != nil {
			return err
		}
		prev := *c
		defs, err := loadDefs(ctx, tx, a.WorkspaceID)
		if err != nil {
			return err
		}
		if err := applyContact(c, in, defs); err != nil {
			return err
		}
		if prev.Blocked != c.Blocked && !access.CanAdminister(a) {
			return parley.Errorf(parley.EFORBIDDEN, "Only an admin can block or unblock a contact.")
		}
		if err := tx.UpdateContact(ctx, c); err != nil {
			return err
		}
		if prev.Blocked && !c.Blocked {
			if err := s.unblocked(ctx, tx, a, c); err != nil {
				return err
			}
		}
		return contactUpdated(ctx, tx, a, &prev, c)
	})
	if err != nil {
		return nil, err
	}
	return s.Contact(ctx, a, contactID)
}

// AddIdentity links a channel identity to a contact.
func (s *Service) AddIdentity(ctx context.Context, a parley.Actor, contactID string, ident parley.ContactIdentity) (*parley.Contact, error) {
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		if _, err := tx.FindContactByID(ctx, a.WorkspaceID, contactID); err != nil {
			return err
		}
		if err := s.addIdentity(ctx, tx, a, contactID, ident); err != nil {
			return err
		}
		return contactChanged(ctx, tx, a, contactID, "contact.identity.add")
	})
	if err != nil {
		return nil, err
	}
	return s.Contact(ctx, a, contactID)
}

// DeleteContact deletes a contact (admins).
func (s *Service) DeleteContact(ctx context.Context, a parley.Actor, contactID string) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.DeleteContact(ctx, a.WorkspaceID, contactID); err != nil {
			return err
		}
		return contactChanged(ctx, tx, a, contactID, "contact.delete")
	})
}

// Contact returns one contact.
// A contact merged into another is a *MergedError naming the survivor.
func (s *Service) Contact(ctx context.Context, a parley.Actor, contactID string) (*parley.Contact, error) {
	c, err := s.store.FindContactByID(ctx, a.WorkspaceID, contactID)
	if parley.IsNotFound(err) {
		if into, ferr := s.store.FindMergedInto(ctx, a.WorkspaceID, contactID); ferr == nil {
			return nil, &MergedError{Into: into}
		}
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	if c.Marked, err = s.store.IsContactMarked(ctx, c.ID, a.UserID); err != nil {
		return nil, err
	}
	return c, nil
}
