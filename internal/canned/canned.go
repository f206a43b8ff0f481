package canned

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Service runs the canned-reply use cases. It takes the concrete store,
// as the conversation service does; every rule is here.
type Service struct {
	store *sqlstore.Store
}

// New returns a Service on store.
func New(store *sqlstore.Store) *Service { return &Service{store: store} }

// Input is a canned reply as a client writes it; nil fields of an update
// stay as they are.
type Input struct {
	ShortCode *string
	Title     *string
	Category  *string
	Body      *string
	Shared    *bool
}

var codeRe = regexp.MustCompile(`^[\p{L}\p{N}_.-]{1,50}$`)

// List returns the shared replies and the actor's own whose code, title or
// category contains q (case-insensitive; all when q is empty).
func (s *Service) List(ctx context.Context, a parley.Actor, q string) ([]parley.CannedReply, error) {
	all, err := s.store.ListCannedReplies(ctx, a.WorkspaceID, a.UserID)
	if err != nil {
		return nil, err
	}
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return all, nil
	}
	out := []parley.CannedReply{}
	for _, r := range all {
		if strings.Contains(strings.ToLower(r.ShortCode+"\x00"+r.Title+"\x00"+r.Category), q) {
			out = append(out, r)
		}
	}
	return out, nil
}

// Get returns a reply the actor may use.
func (s *Service) Get(ctx context.Context, a parley.Actor, replyID string) (*parley.CannedReply, error) {
	r, err := s.store.FindCannedReply(ctx, a.WorkspaceID, replyID)
	if err != nil {
		return nil, err
	}
	if !r.Shared && r.OwnerID != a.UserID {
		return nil, parley.Errorf(parley.ENOTFOUND, "Canned reply not found.")
	}
	return r, nil
}

// Create adds a reply: personal by default; shared ones are made by admins.
func (s *Service) Create(ctx context.Context, a parley.Actor, in Input) (*parley.CannedReply, error) {
	r := &parley.CannedReply{WorkspaceID: a.WorkspaceID}
	if in.ShortCode == nil {
		return nil, parley.FieldErrorf("short_code", "A canned reply needs a short code.")
	}
	if in.Body == nil {
		return nil, parley.FieldErrorf("body", "A canned reply needs a body.")
	}
	if err := s.save(ctx, a, r, in); err != nil {
		return nil, err
	}
	return r, nil
}

// Update changes a reply: one's own, or a shared one when an admin.
func (s *Service) Update(ctx context.Context, a parley.Actor, replyID string, in Input) (*parley.CannedReply, error) {
	r, err := s.editable(ctx, a, replyID)
	if err != nil {
		return nil, err
	}
	if err := s.save(ctx, a, r, in); err != nil {
		return nil, err
	}
	return r, nil
}

// Delete removes a reply: one's own, or a shared one when an admin.
func (s *Service) Delete(ctx context.Context, a parley.Actor, replyID string) error {
	if _, err := s.editable(ctx, a, replyID); err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx *sqlstore.Tx) error { return tx.DeleteCannedReply(ctx, a.WorkspaceID, replyID) })
}

func (s *Service) editable(ctx context.Context, a parley.Actor, replyID string) (*parley.CannedReply, error) {
	r, err := s.Get(ctx, a, replyID)
	if err != nil {
		return nil, err
	}
	if r.Shared && !access.CanAdminister(a) {
		return nil, parley.Errorf(parley.EFORBIDDEN, "Only an admin can change a shared canned reply.")
	}
	return r, nil
}

func (s *Service) save(ctx context.Context, a parley.Actor, r *parley.CannedReply, in Input) error {
	if in.ShortCode != nil {
		r.ShortCode = strings.TrimPrefix(strings.TrimSpace(*in.ShortCode), "/")
	}
	if in.Title != nil {
		r.Title = strings.TrimSpace(*in.Title)
	}
	if in.Category != nil {
		r.Category = strings.TrimSpace(*in.Category)
	}
	if in.Body != nil {
		r.Body = strings.TrimRight(*in.Body, " \t\r\n")
	}
	if in.Shared != nil {
		r.Shared = *in.Shared
	}
	switch {
	case !codeRe.MatchString(r.ShortCode):
		return parley.FieldErrorf("short_code", "A short code is 1 to 50 letters, digits, '_', '-' or '.', without spaces.")
	case utf8.RuneCountInString(r.Title) > 200 || !utf8.ValidString(r.Title):
		return parley.FieldErrorf("title", "A title is at most 200 characters.")
	case utf8.RuneCountInString(r.Category) > 100 || !utf8.ValidString(r.Category):
		return parley.FieldErrorf("category", "A category is at most 100 characters.")
	case strings.TrimSpace(r.Body) == "":
		return parley.FieldErrorf("body", "The body is empty.")
	case r.Shared && !access.CanAdminister(a):
		return parley.FieldErrorf("shared", "Only an admin can share a canned reply with the workspace.")
	}
	if err := Check("body", r.Body); err != nil {
		return err
	}
	r.OwnerID = ""
	if !r.Shared {
		r.OwnerID = a.UserID
	}
	if r.Title == "" {
		r.Title = r.ShortCode
	}
	isNew := r.ID == ""
	return s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		if isNew {
			r.ID = "" // a retried transaction inserts again
		}
		taken, err := tx.CannedCodeTaken(ctx, r.WorkspaceID, r.OwnerID, r.ShortCode, r.ID)
		if err != nil {
			return err
		}
		if taken {
			return &parley.Error{Code: parley.ECONFLICT, Field: "short_code", Message: "Another canned reply already uses the short code " + r.ShortCode + "."}
		}
		return tx.SaveCannedReply(ctx, r, a.UserID)
	})
}

// RenderFor renders a template for a conversation the actor can see, with
// its contact's and the actor's values.
func (s *Service) RenderFor(ctx context.Context, a parley.Actor, conversationID, tpl string) (*Rendering, error) {
	ws, err := s.store.FindWorkspaceByID(ctx, a.WorkspaceID)
	if err != nil {
		return nil, err
	}
	conv, err := s.store.FindConversationByID(ctx, a.WorkspaceID, conversationID)
	if err != nil {
		return nil, err
	}
	if !access.CanSeeConversation(a, ws.Settings, conv.Audience()) {
		return nil, parley.Errorf(parley.ENOTFOUND, "Conversation not found.")
	}
	contact, err := s.store.FindContactByID(ctx, a.WorkspaceID, conv.ContactID)
	if err != nil {
		return nil, err
	}
	return Render("template", tpl, Vars(contact, parley.Mention{ID: a.UserID, Name: a.Name}, conv))
}

// Variable is one value a template may use, by its path.
type Variable struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// VariablesFor lists the variables of a conversation the actor can see,
// by name: what the composer's variables list shows (hover for the value,
// click to insert it).
func (s *Service) VariablesFor(ctx context.Context, a parley.Actor, conversationID string) ([]Variable, error) {
	ws, err := s.store.FindWorkspaceByID(ctx, a.WorkspaceID)
	if err != nil {
		return nil, err
	}
	conv, err := s.store.FindConversationByID(ctx, a.WorkspaceID, conversationID)
	if err != nil {
		return nil, err
	}
	if !access.CanSeeConversation(a, ws.Settings, conv.Audience()) {
		return nil, parley.Errorf(parley.ENOTFOUND, "Conversation not found.")
	}
	contact, err := s.store.FindContactByID(ctx, a.WorkspaceID, conv.ContactID)
	if err != nil {
		return nil, err
	}
	return flatten("", Vars(contact, parley.Mention{ID: a.UserID, Name: a.Name}, conv)), nil
}

// flatten lists string values by dotted path, sorted; contact.attributes
// (the same as contact.custom_attributes) and ids are left out.
func flatten(prefix string, m map[string]any) []Variable {
	out := []Variable{}
	for k, v := range m {
		name := prefix + k
		switch x := v.(type) {
		case string:
			if k != "id" {
				out = append(out, Variable{Name: name, Value: x})
			}
		case map[string]any:
			if name != "contact.attributes" {
				out = append(out, flatten(name+".", x)...)
			}
		}
	}
	slices.SortFunc(out, func(a, b Variable) int { return strings.Compare(a.Name, b.Name) })
	return out
}
