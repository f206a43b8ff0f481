package conversation

import (
	"context"
	"slices"
	"strings"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// MaxNameOps bounds how many names one edit adds or removes.
const MaxNameOps = 100

// NameOps are names to add to and remove from a conversation's tags or
// labels. A name both added and removed is refused; adding a name already
// there or removing one that is not is no change (the edit is idempotent,
// so a retried request does no harm).
type NameOps struct {
	Add, Remove []string
}

func (o NameOps) empty() bool { return len(o.Add) == 0 && len(o.Remove) == 0 }

// apply returns cur with o's names added (at the end, in order) and
// removed. Names compare after trimming, case-sensitively as stored.
func (o NameOps) apply(field string, cur []string) ([]string, error) {
	if len(o.Add)+len(o.Remove) > MaxNameOps {
		return nil, parley.FieldErrorf(field, "Add and remove at most %d names at once.", MaxNameOps)
	}
	remove := make([]string, 0, len(o.Remove))
	for _, n := range o.Remove {
		remove = append(remove, strings.TrimSpace(n))
	}
	out := slices.DeleteFunc(slices.Clone(cur), func(n string) bool { return slices.Contains(remove, n) })
	for _, n := range o.Add {
		n = strings.TrimSpace(n)
		if slices.Contains(remove, n) {
			return nil, parley.FieldErrorf(field+".add", "%q is both added and removed.", clip(n))
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

// EditLabels adds and removes labels (kind "label") or tags (kind "tag")
// on a conversation without replacing the list: concurrent edits by
// different agents all survive. Each change adds its system line as a
// PATCH of the whole list does.
func (s *Service) EditLabels(ctx context.Context, a parley.Actor, conversationID, kind string, ops NameOps) (*parley.ConversationItem, error) {
	if ops.empty() {
		return nil, parley.FieldErrorf("add", "Name at least one label to add or remove.")
	}
	ch := Change{LabelOps: ops}
	if kind == sqlstore.KindTag {
		ch = Change{TagOps: ops}
	}
	return s.Update(ctx, a, conversationID, ch)
}
