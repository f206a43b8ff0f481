package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/task"
)

// taskBody is a task as written by a client.
type taskBody struct {
	ContactID      string              `json:"contact_id,omitempty" maxLength:"100" doc:"the contact (defaults to the conversation's)"`
	ConversationID Nullable[string]    `json:"conversation_id,omitempty"`
	Title          *string             `json:"title,omitempty" maxLength:"2000"`
	Notes          *string             `json:"notes,omitempty" maxLength:"40000"`
	DueAt          Nullable[time.Time] `json:"due_at,omitempty"`
	AssigneeID     Nullable[string]    `json:"assignee_id,omitempty"`
	Done           *bool               `json:"done,omitempty"`
}

func (b taskBody) input() task.Input {
	return task.Input{ContactID: b.ContactID, ConversationID: optional(b.ConversationID), Title: b.Title, Notes: b.Notes,
		DueAt: optional(b.DueAt), AssigneeID: optional(b.AssigneeID), Done: b.Done}
}

// TaskPath names a task.
type TaskPath struct {
	WorkspacePath
	TaskID string `path:"task_id" format:"uuid"`
}

func (s *Server) taskRoutes() {
	svc := task.New(s.Store)
	type listInput struct {
		WorkspacePath
		Mine           bool   `query:"mine" doc:"true: My tasks (assigned to you)"`
		AssigneeID     string `query:"assignee_id" maxLength:"100"`
		ContactID      string `query:"contact_id" maxLength:"100"`
		ConversationID string `query:"conversation_id" maxLength:"100"`
		Open           bool   `query:"open" doc:"true: only tasks not done"`
	}
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/tasks", "listTasks", "Tasks you may see: open first, soonest due first (at most 500); overdue ones are marked", 200),
		func(ctx context.Context, in *listInput) (*Body[Items[parley.Task]], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			list, err := svc.List(ctx, a, task.ListParams{Mine: in.Mine, AssigneeID: in.AssigneeID, ContactID: in.ContactID, ConversationID: in.ConversationID, Open: in.Open})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return items(list, ""), nil
		})
	type createInput struct {
		WorkspacePath
		Body taskBody
	}
	huma.Register(s.api, op(http.MethodPost, "/workspaces/{workspace_id}/tasks", "createTask", "Add a task about a contact or a conversation", 201),
		func(ctx context.Context, in *createInput) (*Body[*parley.Task], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			t, err := svc.Create(ctx, a, in.Body.input())
			return result(s, ctx, t, err)
		})
	huma.Register(s.api, op(http.MethodGet, "/workspaces/{workspace_id}/tasks/{task_id}", "getTask", "One task", 200),
		func(ctx context.Context, in *TaskPath) (*Body[*parley.Task], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			t, err := svc.Get(ctx, a, in.TaskID)
			return result(s, ctx, t, err)
		})
	type updateInput struct {
		TaskPath
		Body taskBody
	}
	huma.Register(s.api, op(http.MethodPatch, "/workspaces/{workspace_id}/tasks/{task_id}", "updateTask", "Change a task (mark it done with done: true)", 200),
		func(ctx context.Context, in *updateInput) (*Body[*parley.Task], error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			t, err := svc.Update(ctx, a, in.TaskID, in.Body.input())
			return result(s, ctx, t, err)
		})
	huma.Register(s.api, op(http.MethodDelete, "/workspaces/{workspace_id}/tasks/{task_id}", "deleteTask", "Delete a task", 204),
		func(ctx context.Context, in *TaskPath) (*empty, error) {
			a, err := s.actor(ctx, in.WorkspaceID)
			if err != nil {
				return nil, err
			}
			return done(s, ctx, svc.Delete(ctx, a, in.TaskID))
		})
}
