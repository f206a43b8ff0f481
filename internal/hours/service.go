package hours

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// reader is the store or a transaction.
type reader interface {
	BusinessHoursOf(ctx context.Context, workspaceID, inboxID string) (map[string]sqlstore.BusinessHoursRow, error)
}

// Service reads and writes business hours and sends away messages. It
// uses the concrete store (DESIGN §2).
type Service struct {
	Store *sqlstore.Store
	// Outbox sends away messages (conversation.Outbox).
	Outbox conversation.Outbox
	Log    *slog.Logger
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

// defaultWorkspaceHours is what a workspace that never set its hours has:
// not applied (always open), Monday to Friday 9–17 UTC offered to edit.
func defaultWorkspaceHours() WorkspaceHours {
	nine := []Interval{{Start: "09:00", End: "17:00"}}
	return WorkspaceHours{Schedule: Schedule{TimeZone: "UTC", Week: Week{Mon: nine, Tue: nine, Wed: nine, Thu: nine, Fri: nine,
		Sat: []Interval{}, Sun: []Interval{}}, Holidays: []Holiday{}}, AwayMessage: DefaultAwayMessage}
}

func loadWorkspace(ctx context.Context, q reader, workspaceID string) (WorkspaceHours, error) {
	rows, err := q.BusinessHoursOf(ctx, workspaceID, "")
	if err != nil {
		return defaultWorkspaceHours(), err
	}
	return parseWorkspace(workspaceID, rows)
}

// parseWorkspace reads the workspace's row ("" key) of rows.
func parseWorkspace(workspaceID string, rows map[string]sqlstore.BusinessHoursRow) (WorkspaceHours, error) {
	row, found := rows[""]
	if !found {
		return defaultWorkspaceHours(), nil
	}
	var h WorkspaceHours
	if err := json.Unmarshal([]byte(row.Settings), &h); err != nil {
		return defaultWorkspaceHours(), fmt.Errorf("business hours of %s: %w", workspaceID, err)
	}
	_ = h.Schedule.Normalize() // fills empty lists; stored settings were validated
	h.UpdatedAt = row.UpdatedAt
	return h, nil
}

func loadInbox(ctx context.Context, q reader, workspaceID, inboxID string) (InboxHours, error) {
	rows, err := q.BusinessHoursOf(ctx, workspaceID, inboxID)
	if err != nil {
		return InboxHours{InboxID: inboxID, Mode: ModeInherit}, err
	}
	return parseInbox(inboxID, rows)
}

// parseInbox reads the inbox's override of rows (inherit when none).
func parseInbox(inboxID string, rows map[string]sqlstore.BusinessHoursRow) (InboxHours, error) {
	h := InboxHours{InboxID: inboxID, Mode: ModeInherit}
	row, found := rows[inboxID]
	if !found || inboxID == "" {
		return h, nil
	}
	if err := json.Unmarshal([]byte(row.Settings), &h); err != nil {
		return InboxHours{InboxID: inboxID, Mode: ModeInherit}, fmt.Errorf("business hours of inbox %s: %w", inboxID, err)
	}
	if h.Schedule != nil {
		_ = h.Schedule.Normalize()
	}
	h.InboxID, h.UpdatedAt = inboxID, row.UpdatedAt
	return h, nil
}

// Workspace returns the workspace's hours (every member may read them).
func (s *Service) Workspace(ctx context.Context, a parley.Actor) (*WorkspaceHours, error) {
	h, err := loadWorkspace(ctx, s.Store, a.WorkspaceID)
	if err != nil {
		return nil, err
	}
	return &h, nil
}

// SetWorkspace replaces the workspace's hours (admins).
func (s *Service) SetWorkspace(ctx context.Context, a parley.Actor, h WorkspaceHours) (*WorkspaceHours, error) {
	if !a.IsAdmin() {
		return nil, parley.Errorf(parley.EFORBIDDEN, "Only admins change business hours.")
	}
	if err := h.Normalize(); err != nil {
		return nil, err
	}
	h.UpdatedAt = time.Time{}
	raw, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("business hours: %w", err)
	}
	err = s.Store.Write(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.SaveBusinessHours(ctx, a.WorkspaceID, "", string(raw)); err != nil {
			return err
		}
		h.UpdatedAt = tx.Now()
		return tx.Audit(ctx, a.WorkspaceID, a.UserID, "business_hours.update", "workspace", a.WorkspaceID, h)
	})
	if err != nil {
		return nil, err
	}
	return &h, nil
}

// Inbox returns an inbox's override (every member may read it).
func (s *Service) Inbox(ctx context.Context, a parley.Actor, inboxID string) (*InboxHours, error) {
	if _, err := s.Store.FindInboxByID(ctx, a.WorkspaceID, inboxID); err != nil {
		return nil, err
	}
	h, err := loadInbox(ctx, s.Store, a.WorkspaceID, inboxID)
	if err != nil {
		return nil, err
	}
	return &h, nil
}

// SetInbox replaces an inbox's override (admins).
func (s *Service) SetInbox(ctx context.Context, a parley.Actor, inboxID string, h InboxHours) (*InboxHours, error) {
	if !a.IsAdmin() {
		return nil, parley.Errorf(parley.EFORBIDDEN, "Only admins change business hours.")
	}
	if err := h.Normalize(); err != nil {
		return nil, err
	}
	h.InboxID, h.UpdatedAt = inboxID, time.Time{}
	raw, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("inbox hours: %w", err)
	}
	err = s.Store.Write(ctx, func(tx *sqlstore.Tx) error {
		if _, err := tx.FindInboxByID(ctx, a.WorkspaceID, inboxID); err != nil {
			return err
		}
		if err := tx.SaveBusinessHours(ctx, a.WorkspaceID, inboxID, string(raw)); err != nil {
			return err
		}
		h.UpdatedAt = tx.Now()
		return tx.Audit(ctx, a.WorkspaceID, a.UserID, "business_hours.inbox_update", "inbox", inboxID, h)
	})
	if err != nil {
		return nil, err
	}
	return &h, nil
}

// EffectiveFor returns what applies to an inbox, read through q (the store,
// or the transaction that stores a customer's message).
func EffectiveFor(ctx context.Context, q reader, workspaceID, inboxID string) (Effective, error) {
	rows, err := q.BusinessHoursOf(ctx, workspaceID, inboxID)
	if err != nil {
		return Effective{}, err
	}
	ws, err := parseWorkspace(workspaceID, rows)
	if err != nil {
		return Effective{}, err
	}
	in, err := parseInbox(inboxID, rows)
	if err != nil {
		return Effective{}, err
	}
	return Resolve(ws, in), nil
}

// OpenAt reports whether the inbox is within business hours at t (the
// widget's Hours).
func (s *Service) OpenAt(ctx context.Context, workspaceID, inboxID string, t time.Time) (bool, error) {
	e, err := EffectiveFor(ctx, s.Store, workspaceID, inboxID)
	if err != nil {
		return false, err
	}
	return e.Open(t), nil
}

// AwayMessage returns the inbox's away message when it is closed at t,
// "" when it is open or has none (the widget shows it).
func (s *Service) AwayMessage(ctx context.Context, workspaceID, inboxID string, t time.Time) (string, error) {
	e, err := EffectiveFor(ctx, s.Store, workspaceID, inboxID)
	if err != nil || e.Open(t) {
		return "", err
	}
	return e.AwayMessage, nil
}

// ClosedTx reports inside tx whether the conversation's inbox is outside
// business hours now (the AI's off-hours decision).
func (s *Service) ClosedTx(ctx context.Context, tx *sqlstore.Tx, conv *parley.Conversation) (bool, error) {
	e, err := EffectiveFor(ctx, tx, conv.WorkspaceID, conv.InboxID)
	if err != nil {
		return false, err
	}
	return !e.Open(tx.Now()), nil
}

// AwaySender is the sender of away messages.
var AwaySender = parley.Sender{Kind: parley.SenderBot, Name: "Away message"}

// SendAway sends the inbox's away message on conv inside tx, the
// transaction that stored the customer's message, when the inbox is
// closed now: once per conversation (ClaimAwayMessage), never when the
// conversation's bot messages are off, through the outbox as an automatic
// message (it leaves the conversation unreplied). The caller decides that
// no AI answers instead.
func (s *Service) SendAway(ctx context.Context, tx *sqlstore.Tx, conv *parley.Conversation) error {
	e, err := EffectiveFor(ctx, tx, conv.WorkspaceID, conv.InboxID)
	if err != nil {
		return err
	}
	if e.AwayMessage == "" || e.Open(tx.Now()) {
		return nil
	}
	claimed, err := tx.ClaimAwayMessage(ctx, conv.WorkspaceID, conv.ID)
	if err != nil || !claimed {
		return err
	}
	_, err = conversation.PostAutomatic(ctx, tx, conv, AwaySender, e.AwayMessage, nil, s.Outbox)
	if parley.ErrorCode(err) == parley.EINVALID {
		// The channel's reply window is closed (it cannot be: the
		// customer just wrote), or the channel refuses automatic text:
		// nothing is sent and a later message may try again.
		s.log().WarnContext(ctx, "away message not sent", "conversation_id", conv.ID, "reason", parley.ErrorMessage(err))
		return tx.ReleaseAwayMessage(ctx, conv.WorkspaceID, conv.ID)
	}
	if err != nil {
		return fmt.Errorf("away message: %w", err)
	}
	return nil
}
