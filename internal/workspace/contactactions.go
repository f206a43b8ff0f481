package workspace

import (
	"context"
	"slices"

	"github.com/google/uuid"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// contactUpdated appends the contact's event and audits what changed, one
// audit entry per kind of change, so the client card's activity log reads
// "blocked", "archived", "tags changed" rather than "updated".
func contactUpdated(ctx context.Context, tx *sqlstore.Tx, a parley.Actor, prev, c *parley.Contact) error {
	if err := tx.AppendEvent(parley.EventContactUpdated, a.WorkspaceID, "", c, nil, nil); err != nil {
		return err
	}
	type entry struct {
		action string
		data   any
	}
	var entries []entry
	if prev.Blocked != c.Blocked {
		entries = append(entries, entry{map[bool]string{true: "contact.block", false: "contact.unblock"}[c.Blocked], nil})
	}
	if prev.Archived != c.Archived {
		entries = append(entries, entry{map[bool]string{true: "contact.archive", false: "contact.unarchive"}[c.Archived], nil})
	}
	if !slices.Equal(prev.Tags, c.Tags) {
		entries = append(entries, entry{"contact.tags", map[string][]string{"from": prev.Tags, "to": c.Tags}})
	}
	var fields []string
	for _, f := range []struct {
		name string
		a, b string
	}{{"name", prev.Name, c.Name}, {"email", prev.Email, c.Email}, {"phone", prev.Phone, c.Phone}, {"company", prev.Company, c.Company},
		{"title", prev.Title, c.Title}, {"avatar_url", prev.AvatarURL, c.AvatarURL}} {
		if f.a != f.b {
			fields = append(fields, f.name)
		}
	}
	for k, v := range c.Attributes {
		if prev.Attributes[k] != v {
			fields = append(fields, "attributes."+k)
		}
	}
	for k := range prev.Attributes {
		if _, ok := c.Attributes[k]; !ok {
			fields = append(fields, "attributes."+k)
		}
	}
	if len(fields) > 0 {
		slices.Sort(fields)
		entries = append(entries, entry{"contact.update", map[string][]string{"fields": fields}})
	}
	for _, e := range entries {
		if err := tx.Audit(ctx, a.WorkspaceID, a.UserID, e.action, "contact", c.ID, e.data); err != nil {
			return err
		}
	}
	return nil
}

// unblocked brings back, resolved, what a contact sent while blocked, so
// an admin finds it in the contact's history (and the Resolved view).
func (s *Service) unblocked(ctx context.Context, tx *sqlstore.Tx, a parley.Actor, c *parley.Contact) error {
	restored, err := tx.RestoreBlockedConversations(ctx, a.WorkspaceID, c.ID)
	if err != nil {
		return err
	}
	for _, conv := range restored {
		item, err := tx.FindConversationItem(ctx, a.WorkspaceID, conv.ID, a.UserID)
		if err != nil {
			return err
		}
		aud := conv.Audience()
		if err := tx.AppendEvent(parley.EventConversationCreated, a.WorkspaceID, conv.ID, item, &aud, nil); err != nil {
			return err
		}
	}
	return nil
}

// MarkContact stars (on) or unstars a contact for the actor.
func (s *Service) MarkContact(ctx context.Context, a parley.Actor, contactID string, on bool) (*parley.Contact, error) {
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		if _, err := tx.FindContactByID(ctx, a.WorkspaceID, contactID); err != nil {
			return err
		}
		return tx.SetContactMark(ctx, a.WorkspaceID, contactID, a.UserID, on)
	})
	if err != nil {
		return nil, err
	}
	return s.Contact(ctx, a, contactID)
}

// MergedError says a contact was merged into another: the API answers it
// with a redirect to the survivor.
type MergedError struct{ Into string }

func (e *MergedError) Error() string { return "The contact was merged into " + e.Into + "." }

// MergeContacts moves everything of other into survivor: identities,
// conversations, tags, attributes and fields the survivor lacks (its own
// values win, blocked and archived included: conversations held while the
// other was blocked come back when the survivor is not), marks; other then
// answers with a forwarding address.
// Messages arriving meanwhile wait for the contacts' locks and land on the
// survivor.
func (s *Service) MergeContacts(ctx context.Context, a parley.Actor, survivorID, otherID string) (*parley.Contact, error) {
	if survivorID == otherID {
		return nil, parley.FieldErrorf("other_id", "A contact cannot be merged with itself.")
	}
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.LockContacts(ctx, a.WorkspaceID, survivorID, otherID); err != nil {
			return err
		}
		survivor, err := tx.FindContactByID(ctx, a.WorkspaceID, survivorID)
		if err != nil {
			return err
		}
		other, err := tx.FindContactByID(ctx, a.WorkspaceID, otherID)
		if err != nil {
			if parley.IsNotFound(err) {
				return parley.FieldErrorf("other_id", "There is no such contact in this workspace.")
			}
			return err
		}
		prev := *survivor
		prev.Attributes = mapsClone(survivor.Attributes)
		for _, f := range []struct{ dst, src *string }{{&survivor.Name, &other.Name}, {&survivor.Email, &other.Email},
			{&survivor.Phone, &other.Phone}, {&survivor.Company, &other.Company}, {&survivor.Title, &other.Title},
			{&survivor.AvatarURL, &other.AvatarURL}} {
			if *f.dst == "" {
				*f.dst = *f.src
			}
		}
		for k, v := range other.Attributes {
			if _, ok := survivor.Attributes[k]; !ok {
				survivor.Attributes[k] = v
			}
		}
		survivor.Tags = dedupeTrim(append(slices.Clone(survivor.Tags), other.Tags...))
		moved, err := tx.MoveContact(ctx, a.WorkspaceID, survivorID, otherID)
		if err != nil {
			return err
		}
		if err := tx.MoveContactNotes(ctx, a.WorkspaceID, otherID, survivorID); err != nil {
			return err
		}
		if !survivor.Blocked {
			// What the other held while blocked comes back with it.
			if err := s.unblocked(ctx, tx, a, survivor); err != nil {
				return err
			}
		}
		if err := tx.UpdateContact(ctx, survivor); err != nil {
			return err
		}
		data := map[string]any{"survivor_id": survivorID, "other_id": otherID, "other_name": other.Name,
			"conversations_moved": moved, "identities_moved": len(other.Identities)}
		if err := tx.Audit(ctx, a.WorkspaceID, a.UserID, "contact.merge", "contact", survivorID, data); err != nil {
			return err
		}
		if err := tx.Audit(ctx, a.WorkspaceID, a.UserID, "contact.merged_into", "contact", otherID, data); err != nil {
			return err
		}
		if err := tx.AppendEvent(parley.EventContactUpdated, a.WorkspaceID, "", map[string]string{"id": otherID, "merged_into": survivorID}, nil, nil); err != nil {
			return err
		}
		return contactUpdated(ctx, tx, a, &prev, survivor)
	})
	if err != nil {
		return nil, err
	}
	return s.Contact(ctx, a, survivorID)
}

func mapsClone(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// ContactConversations lists a contact's conversations, those that
// arrived while it was blocked included (flagged).
func (s *Service) ContactConversations(ctx context.Context, a parley.Actor, contactID string) ([]sqlstore.ContactConversation, error) {
	if _, err := s.Contact(ctx, a, contactID); err != nil {
		return nil, err
	}
	return s.store.ListContactConversations(ctx, a.WorkspaceID, contactID, 200)
}

// ContactActivity is a contact's activity log, newest first.
func (s *Service) ContactActivity(ctx context.Context, a parley.Actor, contactID string) ([]sqlstore.ActivityEntry, error) {
	if _, err := s.Contact(ctx, a, contactID); err != nil {
		return nil, err
	}
	return s.store.ListContactActivity(ctx, a.WorkspaceID, contactID, 200)
}

// Bulk contact actions.
const (
	BulkTag    = "tag"
	BulkUntag  = "untag"
	BulkDelete = "delete"
)

// BulkResult says how many contacts a bulk action changed.
type BulkResult struct {
	Changed int `json:"changed"`
}

// maxBulk is how many contacts one bulk request may name.
const maxBulk = 1000

// BulkContacts tags, untags or deletes the named contacts (admins), in
// one transaction: all or nothing.
func (s *Service) BulkContacts(ctx context.Context, a parley.Actor, action string, ids, tags []string) (*BulkResult, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	if len(ids) == 0 || len(ids) > maxBulk {
		return nil, parley.FieldErrorf("ids", "Name 1 to %d contacts.", maxBulk)
	}
	for _, id := range ids {
		if _, err := uuid.Parse(id); err != nil {
			return nil, parley.FieldErrorf("ids", "%q is not a contact id.", clip(id))
		}
	}
	tags = dedupeTrim(tags)
	switch action {
	case BulkTag, BulkUntag:
		if len(tags) == 0 {
			return nil, parley.FieldErrorf("tags", "Name at least one tag.")
		}
	case BulkDelete:
	default:
		return nil, parley.FieldErrorf("action", "Unknown action %q: use tag, untag or delete.", clip(action))
	}
	res := &BulkResult{}
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		res.Changed = 0
		list, err := tx.ListContacts(ctx, sqlstore.ContactFilter{WorkspaceID: a.WorkspaceID, Viewer: a.UserID, IDs: dedupeTrim(ids), Limit: maxBulk})
		if err != nil {
			return err
		}
		for i := range list {
			c := &list[i]
			prev := *c
			switch action {
			case BulkDelete:
				if err := tx.DeleteContact(ctx, a.WorkspaceID, c.ID); err != nil {
					return err
				}
				if err := contactChanged(ctx, tx, a, c.ID, "contact.delete"); err != nil {
					return err
				}
				res.Changed++
				continue
			case BulkTag:
				c.Tags = dedupeTrim(append(slices.Clone(c.Tags), tags...))
			case BulkUntag:
				c.Tags = slices.DeleteFunc(slices.Clone(c.Tags), func(t string) bool { return slices.Contains(tags, t) })
			}
			if slices.Equal(prev.Tags, c.Tags) {
				continue
			}
			if err := tx.UpdateContact(ctx, c); err != nil {
				return err
			}
			if err := contactUpdated(ctx, tx, a, &prev, c); err != nil {
				return err
			}
			res.Changed++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}
