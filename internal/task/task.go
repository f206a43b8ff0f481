// Package task holds tasks about contacts (seed 001 "Important", seed 000
// "Task Overdue"): title, notes, due time, assignee, done; attached to a
// contact and optionally one of its conversations; overdue when not done
// past their due time.
package task

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/access"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/id"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Limits.
const (
	MaxTitleLen = 500
	MaxNotesLen = 10000
	MaxList     = 500
)

// Service runs the task use cases on the concrete store.
type Service struct {
	store *sqlstore.Store
	Clock parley.Clock
}

// New returns a Service on store with the system clock.
func New(store *sqlstore.Store) *Service { return &Service{store: store, Clock: parley.SystemClock{}} }

// Input is a task as a client writes it; unset fields of an update stay.
type Input struct {
	ContactID      string
	ConversationID conversation.Optional[string]
	Title          *string
	Notes          *string
	DueAt          conversation.Optional[time.Time]
	AssigneeID     conversation.Optional[string]
	Done           *bool
}

// ListParams select tasks.
type ListParams struct {
	Mine           bool
	AssigneeID     string
	ContactID      string
	ConversationID string
	Open           bool
}

type reader interface {
	FindWorkspaceByID(context.Context, string) (*parley.Workspace, error)
	FindConversationByID(context.Context, string, string) (*parley.Conversation, error)
}

// visibleTask reports whether the actor may see a task: tasks on a
// conversation follow the conversation's access; others are the
// workspace's.
func visibleTask(ctx context.Context, q reader, a parley.Actor, ws *parley.Workspace, t *parley.Task) (bool, error) {
	if t.ConversationID == "" {
		return true, nil
	}
	c, err := q.FindConversationByID(ctx, ws.ID, t.ConversationID)
	if parley.IsNotFound(err) {
		return a.IsAdmin(), nil
	}
	if err != nil {
		return false, err
	}
	return access.CanSeeConversation(a, ws.Settings, c.Audience()), nil
}

func (s *Service) mark(t *parley.Task) {
	t.Overdue = !t.Done && t.DueAt != nil && t.DueAt.Before(s.Clock.Now())
}

// List returns the tasks the actor may see: open first, soonest due first.
func (s *Service) List(ctx context.Context, a parley.Actor, p ListParams) ([]parley.Task, error) {
	ws, err := s.store.FindWorkspaceByID(ctx, a.WorkspaceID)
	if err != nil {
		return nil, err
	}
	f := sqlstore.TaskFilter{WorkspaceID: a.WorkspaceID, AssigneeID: p.AssigneeID, ContactID: p.ContactID, ConversationID: p.ConversationID, Open: p.Open, Limit: MaxList}
	if p.Mine {
		f.AssigneeID = a.UserID
	}
	for field, v := range map[string]string{"assignee_id": f.AssigneeID, "contact_id": f.ContactID, "conversation_id": f.ConversationID} {
		if v != "" && !id.Valid(v) {
			return nil, parley.FieldErrorf(field, "%s is not an id.", clip(v))
		}
	}
	all, err := s.store.ListTasks(ctx, f)
	if err != nil {
		return nil, err
	}
	out := []parley.Task{}
	for _, t := range all {
		ok, err := visibleTask(ctx, s.store, a, ws, &t)
		if err != nil {
			return nil, err
		}
		if ok {
			s.mark(&t)
			out = append(out, t)
		}
	}
	return out, nil
}

// Get returns a task the actor may see.
func (s *Service) Get(ctx context.Context, a parley.Actor, taskID string) (*parley.Task, error) {
	ws, err := s.store.FindWorkspaceByID(ctx, a.WorkspaceID)
	if err != nil {
		return nil, err
	}
	t, err := s.store.FindTask(ctx, a.WorkspaceID, taskID)
	if err != nil {
		return nil, err
	}
	if ok, err := visibleTask(ctx, s.store, a, ws, t); err != nil || !ok {
		if err == nil {
			err = parley.Errorf(parley.ENOTFOUND, "Task not found.")
		}
		return nil, err
	}
	s.mark(t)
	return t, nil
}

// Create adds a task about a contact, or about a conversation (and its contact).
func (s *Service) Create(ctx context.Context, a parley.Actor, in Input) (*parley.Task, error) {
	if in.Title == nil {
		return nil, parley.FieldErrorf("title", "A task needs a title.")
	}
	t := &parley.Task{WorkspaceID: a.WorkspaceID, ContactID: in.ContactID, CreatedBy: a.UserID}
	if err := s.save(ctx, a, t, in, true); err != nil {
		return nil, err
	}
	return t, nil
}

// Update changes a task the actor may see.
func (s *Service) Update(ctx context.Context, a parley.Actor, taskID string, in Input) (*parley.Task, error) {
	t, err := s.Get(ctx, a, taskID)
	if err != nil {
		return nil, err
	}
	if in.ContactID != "" && in.ContactID != t.ContactID {
		return nil, parley.FieldErrorf("contact_id", "A task stays with its contact: create a new one for another contact.")
	}
	if err := s.save(ctx, a, t, in, false); err != nil {
		return nil, err
	}
	return t, nil
}

// Delete removes a task the actor may see.
func (s *Service) Delete(ctx context.Context, a parley.Actor, taskID string) error {
	t, err := s.Get(ctx, a, taskID)
	if err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.DeleteTask(ctx, a.WorkspaceID, t.ID); err != nil {
			return err
		}
		aud, convID, err := audience(ctx, tx, t)
		if err != nil {
			return err
		}
		return tx.AppendEvent(parley.EventTaskDeleted, a.WorkspaceID, convID, map[string]string{"id": t.ID, "contact_id": t.ContactID}, aud, nil)
	})
}

func audience(ctx context.Context, tx *sqlstore.Tx, t *parley.Task) (*parley.Audience, string, error) {
	if t.ConversationID == "" {
		return nil, "", nil
	}
	c, err := tx.FindConversationByID(ctx, t.WorkspaceID, t.ConversationID)
	if parley.IsNotFound(err) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	aud := c.Audience()
	return &aud, c.ID, nil
}

func (s *Service) save(ctx context.Context, a parley.Actor, t *parley.Task, in Input, create bool) error {
	if in.Title != nil {
		t.Title = strings.TrimSpace(*in.Title)
	}
	if in.Notes != nil {
		t.Notes = strings.TrimRight(*in.Notes, " \t\r\n")
	}
	if in.DueAt.Set {
		t.DueAt = nil
		if !in.DueAt.Null {
			d := in.DueAt.Value.UTC()
			t.DueAt = &d
		}
	}
	if in.ConversationID.Set {
		t.ConversationID = ""
		if !in.ConversationID.Null {
			t.ConversationID = in.ConversationID.Value
		}
	}
	if in.AssigneeID.Set {
		t.AssigneeID = ""
		if !in.AssigneeID.Null {
			t.AssigneeID = in.AssigneeID.Value
		}
	}
	switch {
	case t.Title == "" || !utf8.ValidString(t.Title) || utf8.RuneCountInString(t.Title) > MaxTitleLen:
		return parley.FieldErrorf("title", "A title is 1 to %d characters.", MaxTitleLen)
	case !utf8.ValidString(t.Notes) || utf8.RuneCountInString(t.Notes) > MaxNotesLen:
		return parley.FieldErrorf("notes", "Notes are at most %d characters.", MaxNotesLen)
	case create && t.ContactID == "" && t.ConversationID == "":
		return parley.FieldErrorf("contact_id", "A task is about a contact: give contact_id or conversation_id.")
	}
	isNew := t.ID == ""
	return s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		if isNew {
			t.ID = "" // a retried transaction inserts again
		}
		ws, err := tx.FindWorkspaceByID(ctx, a.WorkspaceID)
		if err != nil {
			return err
		}
		var conv *parley.Conversation
		if t.ConversationID != "" {
			if !id.Valid(t.ConversationID) {
				return parley.FieldErrorf("conversation_id", "Conversation %s not found.", clip(t.ConversationID))
			}
			conv, err = tx.FindConversationByID(ctx, ws.ID, t.ConversationID)
			if parley.IsNotFound(err) || (err == nil && !access.CanSeeConversation(a, ws.Settings, conv.Audience())) {
				return parley.FieldErrorf("conversation_id", "Conversation %s not found.", clip(t.ConversationID))
			}
			if err != nil {
				return err
			}
			if t.ContactID == "" {
				t.ContactID = conv.ContactID
			}
			if conv.ContactID != t.ContactID {
				return parley.FieldErrorf("conversation_id", "That conversation is not with the task's contact.")
			}
		}
		if create {
			if !id.Valid(t.ContactID) {
				return parley.FieldErrorf("contact_id", "Contact %s not found.", clip(t.ContactID))
			}
			if _, err := tx.FindContactByID(ctx, ws.ID, t.ContactID); err != nil {
				if parley.IsNotFound(err) {
					return parley.FieldErrorf("contact_id", "Contact %s not found.", clip(t.ContactID))
				}
				return err
			}
		}
		if t.AssigneeID != "" {
			if !id.Valid(t.AssigneeID) {
				return parley.FieldErrorf("assignee_id", "User %s is not a member of this workspace.", clip(t.AssigneeID))
			}
			m, err := tx.FindMember(ctx, ws.ID, t.AssigneeID)
			if parley.IsNotFound(err) {
				return parley.FieldErrorf("assignee_id", "User %s is not a member of this workspace.", clip(t.AssigneeID))
			}
			if err != nil {
				return err
			}
			who := parley.Actor{UserID: m.ID, WorkspaceID: ws.ID, Role: m.Role, TeamIDs: m.TeamIDs}
			if conv != nil && !access.CanSeeConversation(who, ws.Settings, conv.Audience()) {
				return parley.FieldErrorf("assignee_id", "%s cannot see the task's conversation.", m.Name)
			}
		}
		if in.Done != nil && *in.Done != t.Done {
			t.Done = *in.Done
			t.DoneAt = nil
			if t.Done {
				now := tx.Now()
				t.DoneAt = &now
			}
		}
		if err := tx.SaveTask(ctx, t); err != nil {
			return err
		}
		s.mark(t)
		aud, convID, err := audience(ctx, tx, t)
		if err != nil {
			return err
		}
		return tx.AppendEvent(parley.EventTaskUpdated, ws.ID, convID, t, aud, nil)
	})
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
