// Package health keeps each inbox's channel health (last inbound, last
// successful send, the current run of failed sends, refused webhooks) and
// alerts a workspace's admins once when an inbox keeps failing to send.
package health

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Alert thresholds: a run of failed sends this long, or lasting this long,
// tells the workspace's admins (once per run).
const (
	AlertFailures = 5
	AlertDuration = 10 * time.Minute
)

// successNoteInterval is how often, at most, one node records an inbox's
// last successful send while it is healthy.
const successNoteInterval = time.Second

// Recorder records the outcome of sends. It is safe for concurrent use.
type Recorder struct {
	store *sqlstore.Store
	clock parley.Clock
	log   *slog.Logger

	mu       sync.Mutex
	lastSent map[string]time.Time
	failing  map[string]bool
}

// New returns a Recorder.
func New(store *sqlstore.Store, clock parley.Clock, log *slog.Logger) *Recorder {
	if clock == nil {
		clock = parley.SystemClock{}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Recorder{store: store, clock: clock, log: log, lastSent: map[string]time.Time{}, failing: map[string]bool{}}
}

// Wrap returns a for the delivery worker: every send's outcome is recorded.
func (r *Recorder) Wrap(a channel.Adapter) channel.Adapter { return &sender{Adapter: a, r: r} }

type sender struct {
	channel.Adapter
	r *Recorder
}

// Send sends and records the outcome.
func (s *sender) Send(ctx context.Context, inbox *parley.Inbox, out channel.Outbound) (channel.SendResult, error) {
	res, err := s.Adapter.Send(ctx, inbox, out)
	s.r.AfterSend(ctx, inbox, err)
	return res, err
}

// AfterSend records the outcome of a send; a run of failures may alert
// the admins.
func (r *Recorder) AfterSend(ctx context.Context, inbox *parley.Inbox, sendErr error) {
	if sendErr != nil && ctx.Err() != nil {
		return // interrupted: the worker retries, nothing is known
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if sendErr == nil {
		r.noteSent(wctx, inbox)
		return
	}
	r.mu.Lock()
	r.failing[inbox.ID] = true
	r.mu.Unlock()
	why := "The provider could not be reached."
	if se, ok := errors.AsType[*channel.SendError](sendErr); ok {
		why = se.Message
		if se.Code != "" {
			why = fmt.Sprintf("%s (code %s)", se.Message, se.Code)
		}
	}
	err := r.store.Write(wctx, func(tx *sqlstore.Tx) error {
		h, err := tx.RecordChannelFailure(wctx, inbox.WorkspaceID, inbox.ID, why)
		if err != nil {
			return err
		}
		if !ShouldAlert(h, tx.Now()) {
			return nil
		}
		return alertAdmins(wctx, tx, inbox, h)
	})
	if err != nil {
		r.log.WarnContext(ctx, "record channel failure", "inbox_id", inbox.ID, "err", err)
	}
}

// ShouldAlert is the alert rule: a failure run not alerted yet that is
// AlertFailures long or has lasted AlertDuration.
func ShouldAlert(h *parley.ChannelHealth, now time.Time) bool {
	if h.AlertedAt != nil {
		return false
	}
	return h.ConsecutiveFailures >= AlertFailures || (h.FailingSince != nil && now.Sub(*h.FailingSince) >= AlertDuration)
}

// noteSent records a successful send, at most once per interval per inbox
// while no failure was seen.
func (r *Recorder) noteSent(ctx context.Context, inbox *parley.Inbox) {
	now := r.clock.Now()
	r.mu.Lock()
	last, seen := r.lastSent[inbox.ID]
	if seen && !r.failing[inbox.ID] && now.Sub(last) < successNoteInterval {
		r.mu.Unlock()
		return
	}
	r.lastSent[inbox.ID] = now
	delete(r.failing, inbox.ID)
	r.mu.Unlock()
	err := r.store.Write(ctx, func(tx *sqlstore.Tx) error {
		return tx.RecordChannelSent(ctx, inbox.WorkspaceID, inbox.ID)
	})
	if err != nil {
		r.log.WarnContext(ctx, "record channel sent", "inbox_id", inbox.ID, "err", err)
	}
}

// alertAdmins tells the workspace's admins (a channel_failing
// notification each, through notify's decision table) and marks the
// failure run as alerted.
func alertAdmins(ctx context.Context, tx *sqlstore.Tx, inbox *parley.Inbox, h *parley.ChannelHealth) error {
	err := new(notify.Service).Emit(ctx, tx, notify.Source{ // Emit needs only tx
		Kind: notify.SourceChannelFailing, WorkspaceID: inbox.WorkspaceID, InboxID: inbox.ID,
		Actor: parley.NotificationActor{Kind: parley.SenderSystem, Name: inbox.Name},
		Text:  fmt.Sprintf("%s is failing to send: %d failures in a row. Last error: %s", inbox.Name, h.ConsecutiveFailures, h.LastError),
	})
	if err != nil {
		return err
	}
	return tx.MarkChannelAlerted(ctx, inbox.ID)
}

// Get returns an inbox's channel health for a member of its workspace;
// zero values when nothing has happened on it yet.
func Get(ctx context.Context, store *sqlstore.Store, a parley.Actor, inboxID string) (*parley.ChannelHealth, error) {
	if _, err := store.FindInboxByID(ctx, a.WorkspaceID, inboxID); err != nil {
		return nil, err
	}
	h, err := store.FindChannelHealth(ctx, inboxID)
	if parley.IsNotFound(err) {
		return &parley.ChannelHealth{InboxID: inboxID}, nil
	}
	return h, err
}
