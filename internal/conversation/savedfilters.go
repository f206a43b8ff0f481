package conversation

import (
	"context"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// MaxSavedFilterName bounds a saved filter's name (runes).
const MaxSavedFilterName = 100

// SavedFilterInput is what a caller sets on a saved filter; nil fields
// stay as they are on an update.
type SavedFilterInput struct {
	Name   *string
	Filter *parley.Filter
	Shared *bool
}

// checkSavedFilterName trims and checks a name.
func checkSavedFilterName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > MaxSavedFilterName {
		return "", parley.FieldErrorf("name", "A saved filter needs a name of 1 to %d characters.", MaxSavedFilterName)
	}
	return name, nil
}

// checkSavedFilter validates a filter object as ParseFilter does and
// returns it as it will be stored (values as given, relative times kept
// relative).
func (s *Service) checkSavedFilter(f *parley.Filter) (parley.Filter, error) {
	raw, err := json.Marshal(f)
	if err != nil {
		return parley.Filter{}, parley.FieldErrorf("filter", "The filter is not a valid filter object.")
	}
	if _, err := ParseFilter(string(raw), s.store.Now()); err != nil {
		return parley.Filter{}, err
	}
	out := parley.Filter{Match: f.Match, Conditions: make([]parley.Condition, len(f.Conditions))}
	if out.Match == "" {
		out.Match = "all"
	}
	for i, c := range f.Conditions {
		out.Conditions[i] = parley.Condition{Field: c.Field, Op: c.Op, Value: c.Value}
	}
	return out, nil
}

// mayChange: the owner changes their filter; an admin may also change or
// delete a shared one.
func mayChange(a parley.Actor, f *parley.SavedFilter) bool {
	return f.OwnerID == a.UserID || (f.Shared && a.IsAdmin())
}

func (s *Service) findSavedFilter(ctx context.Context, a parley.Actor, filterID string) (*parley.SavedFilter, error) {
	if _, err := s.store.FindWorkspaceByID(ctx, a.WorkspaceID); err != nil || a.UserID == "" || !a.Role.Valid() {
		return nil, parley.Errorf(parley.ENOTFOUND, "Saved filter not found.")
	}
	f, err := s.store.FindSavedFilterByID(ctx, a.WorkspaceID, filterID)
	if err != nil {
		return nil, err
	}
	if f.OwnerID != a.UserID && !f.Shared {
		return nil, parley.Errorf(parley.ENOTFOUND, "Saved filter not found.")
	}
	return f, nil
}

// SavedFilters lists the actor's saved filters and the workspace's shared
// ones, each with its live count (conversations the actor may see).
func (s *Service) SavedFilters(ctx context.Context, a parley.Actor) ([]parley.SavedFilter, error) {
	ws, err := s.store.FindWorkspaceByID(ctx, a.WorkspaceID)
	if err != nil {
		return nil, err
	}
	if a.UserID == "" || !a.Role.Valid() {
		return nil, parley.Errorf(parley.EFORBIDDEN, "You are not a member of this workspace.")
	}
	list, err := s.store.ListSavedFilters(ctx, a.WorkspaceID, a.UserID)
	if err != nil {
		return nil, err
	}
	scope := access.ConversationScope(a, ws.Settings)
	for i := range list {
		n, err := s.countSaved(ctx, scope, &list[i])
		if err != nil {
			return nil, err
		}
		list[i].Count = &n
	}
	return list, nil
}

// countSaved counts a saved filter's conversations in the All view.
func (s *Service) countSaved(ctx context.Context, scope access.Scope, f *parley.SavedFilter) (int64, error) {
	raw, _ := json.Marshal(f.Filter)
	flt, err := ParseFilter(string(raw), s.store.Now())
	if err != nil {
		return 0, err
	}
	return s.store.CountConversations(ctx, sqlstore.ConversationFilter{Scope: scope, View: sqlstore.ViewAll, Filter: flt})
}

// CreateSavedFilter saves a filter for the actor (shared when asked).
func (s *Service) CreateSavedFilter(ctx context.Context, a parley.Actor, in SavedFilterInput) (*parley.SavedFilter, error) {
	if in.Name == nil || in.Filter == nil {
		return nil, parley.FieldErrorf("name", "A saved filter needs a name and a filter.")
	}
	name, err := checkSavedFilterName(*in.Name)
	if err != nil {
		return nil, err
	}
	flt, err := s.checkSavedFilter(in.Filter)
	if err != nil {
		return nil, err
	}
	f := &parley.SavedFilter{WorkspaceID: a.WorkspaceID, OwnerID: a.UserID, Name: name, Filter: flt, Shared: in.Shared != nil && *in.Shared}
	err = s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		if _, err := tx.FindWorkspaceByID(ctx, a.WorkspaceID); err != nil {
			return err
		}
		if a.UserID == "" || !a.Role.Valid() {
			return parley.Errorf(parley.EFORBIDDEN, "You are not a member of this workspace.")
		}
		return tx.CreateSavedFilter(ctx, f)
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// UpdateSavedFilter renames, changes or (un)shares a saved filter.
func (s *Service) UpdateSavedFilter(ctx context.Context, a parley.Actor, filterID string, in SavedFilterInput) (*parley.SavedFilter, error) {
	f, err := s.findSavedFilter(ctx, a, filterID)
	if err != nil {
		return nil, err
	}
	if !mayChange(a, f) {
		return nil, parley.Errorf(parley.EFORBIDDEN, "Only its owner (or an admin, when it is shared) can change this saved filter.")
	}
	if in.Name != nil {
		if f.Name, err = checkSavedFilterName(*in.Name); err != nil {
			return nil, err
		}
	}
	if in.Filter != nil {
		if f.Filter, err = s.checkSavedFilter(in.Filter); err != nil {
			return nil, err
		}
	}
	if in.Shared != nil {
		f.Shared = *in.Shared
	}
	if err := s.store.Write(ctx, func(tx *sqlstore.Tx) error { return tx.SaveSavedFilter(ctx, f) }); err != nil {
		return nil, err
	}
	return f, nil
}

// DuplicateSavedFilter copies a saved filter the actor can see into a new
// personal one ("<name> (copy)" unless a name is given).
func (s *Service) DuplicateSavedFilter(ctx context.Context, a parley.Actor, filterID string, name *string) (*parley.SavedFilter, error) {
	f, err := s.findSavedFilter(ctx, a, filterID)
	if err != nil {
		return nil, err
	}
	n := f.Name + " (copy)"
	if name != nil {
		n = *name
	} else if utf8.RuneCountInString(n) > MaxSavedFilterName {
		n = string([]rune(f.Name)[:MaxSavedFilterName-7]) + " (copy)"
	}
	return s.CreateSavedFilter(ctx, a, SavedFilterInput{Name: &n, Filter: &f.Filter})
}

// DeleteSavedFilter removes a saved filter.
func (s *Service) DeleteSavedFilter(ctx context.Context, a parley.Actor, filterID string) error {
	f, err := s.findSavedFilter(ctx, a, filterID)
	if err != nil {
		return err
	}
	if !mayChange(a, f) {
		return parley.Errorf(parley.EFORBIDDEN, "Only its owner (or an admin, when it is shared) can delete this saved filter.")
	}
	return s.store.Write(ctx, func(tx *sqlstore.Tx) error { return tx.DeleteSavedFilter(ctx, a.WorkspaceID, filterID) })
}
