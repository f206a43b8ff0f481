package workspace

import (
	"context"
	"strings"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// TagChange is a partial update of a tag or label.
type TagChange struct {
	Name  *string
	Color *string
}

// validTagName checks a tag's or label's name: the same rule conversations
// apply to the names they carry (1 to 64 bytes, trimmed).
func validTagName(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return "", parley.FieldErrorf("name", "The name must have 1 to 64 characters.")
	}
	return ValidName("name", s)
}

// validColor accepts an empty colour or a CSS hex colour (#rgb or #rrggbb).
func validColor(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	ok := (len(s) == 4 || len(s) == 7) && s[0] == '#'
	for _, r := range s[1:] {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			ok = false
		}
	}
	if !ok {
		return "", parley.FieldErrorf("color", "Use a colour such as #3b82f6 (or leave it empty).")
	}
	return strings.ToLower(s), nil
}

// tagEvent is what a tag's event carries: enough for a client to rename or
// drop the name in what it shows.
type tagEvent struct {
	Kind    string          `json:"kind"`
	Tag     *parley.Tag     `json:"tag"`
	OldName string          `json:"old_name,omitempty"`
	Use     sqlstore.TagUse `json:"use"`
}

func tagChanged(ctx context.Context, tx *sqlstore.Tx, a parley.Actor, typ, action, kind string, ev tagEvent) error {
	ev.Kind = kind
	if err := tx.AppendEvent(typ, a.WorkspaceID, "", ev, nil, nil); err != nil {
		return err
	}
	return tx.Audit(ctx, a.WorkspaceID, a.UserID, action, kind, ev.Tag.ID, ev)
}

// CreateTag creates a tag or label (admins).
func (s *Service) CreateTag(ctx context.Context, a parley.Actor, kind, name, color string) (*parley.Tag, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	name, err := validTagName(name)
	if err != nil {
		return nil, err
	}
	if color, err = validColor(color); err != nil {
		return nil, err
	}
	var t *parley.Tag
	err = s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		var err error
		if t, err = tx.CreateTag(ctx, a.WorkspaceID, kind, name, color); err != nil {
			return err
		}
		return tagChanged(ctx, tx, a, "tag.updated", kind+".create", kind, tagEvent{Tag: t})
	})
	return t, err
}

// UpdateTag renames or recolours a tag or label (admins). A rename rewrites
// the name on every conversation (and, for tags, every contact) carrying
// it in the same transaction, so no one ever sees a name that no longer
// exists; a name in use is ECONFLICT on field name.
func (s *Service) UpdateTag(ctx context.Context, a parley.Actor, kind, tagID string, ch TagChange) (*parley.Tag, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	var name, color string
	var err error
	if ch.Name != nil {
		if name, err = validTagName(*ch.Name); err != nil {
			return nil, err
		}
	}
	if ch.Color != nil {
		if color, err = validColor(*ch.Color); err != nil {
			return nil, err
		}
	}
	var t *parley.Tag
	err = s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		var err error
		if t, err = tx.FindTagByID(ctx, a.WorkspaceID, kind, tagID); err != nil {
			return err
		}
		old := t.Name
		if ch.Name != nil {
			t.Name = name
		}
		if ch.Color != nil {
			t.Color = color
		}
		if err := tx.UpdateTag(ctx, kind, t); err != nil {
			return err
		}
		ev := tagEvent{Tag: t}
		if t.Name != old {
			ev.OldName = old
			if ev.Use, err = tx.RenameTagOn(ctx, t, kind, old, t.Name); err != nil {
				return err
			}
		}
		return tagChanged(ctx, tx, a, "tag.updated", kind+".update", kind, ev)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// DeleteTag deletes a tag or label (admins) and takes its name off every
// conversation (and, for tags, every contact) in the same transaction.
func (s *Service) DeleteTag(ctx context.Context, a parley.Actor, kind, tagID string) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		t, err := tx.FindTagByID(ctx, a.WorkspaceID, kind, tagID)
		if err != nil {
			return err
		}
		use, err := tx.RenameTagOn(ctx, t, kind, t.Name, "")
		if err != nil {
			return err
		}
		if err := tx.DeleteTag(ctx, a.WorkspaceID, kind, tagID); err != nil {
			return err
		}
		return tagChanged(ctx, tx, a, "tag.deleted", kind+".delete", kind, tagEvent{Tag: t, Use: use})
	})
}

// Tags lists tags or labels (every member).
func (s *Service) Tags(ctx context.Context, a parley.Actor, kind string) ([]parley.Tag, error) {
	return s.store.ListTags(ctx, a.WorkspaceID, kind)
}
