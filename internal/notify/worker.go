package notify

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Worker reads every workspace's events in order from a durable cursor
// (notification_cursors) and turns them into notifications (Decide). The
// notifications and the cursor's move commit together, so each event is
// considered exactly once, across restarts and nodes: two nodes reading
// the same events race on the cursor and the loser rolls back.
type Worker struct {
	svc   *Service
	log   *slog.Logger
	wake  chan struct{}
	batch int
	poll  time.Duration
}

// NewWorker returns a worker creating notifications through svc.
func NewWorker(svc *Service) *Worker {
	return &Worker{svc: svc, log: svc.Log.With("worker", "notify"), wake: make(chan struct{}, 1), batch: 200, poll: time.Second}
}

// Wake makes Run look for new events now (call it after a commit). It
// never blocks.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

var errRaced = errors.New("notify: another reader moved the cursor")

// RunOnce reads one batch of events of each workspace with unread events
// and returns how many events it read. Tests drive the worker with it.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	st := w.svc.Store
	pending, err := st.PendingNotificationWorkspaces(ctx, 100)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, p := range pending {
		after := p.Cursor
		oldest, err := st.OldestSeq(ctx, p.WorkspaceID)
		if err != nil {
			return total, err
		}
		if oldest > after+1 {
			// Pruned before they were read (the worker was stopped
			// longer than the event retention): nothing to notify from.
			w.log.WarnContext(ctx, "notification events pruned unread", "workspace_id", p.WorkspaceID, "from", after, "to", oldest-1)
			after = oldest - 1
		}
		evs, err := st.EventsAfter(ctx, p.WorkspaceID, after, w.batch)
		if err != nil {
			return total, err
		}
		last := p.Latest
		if len(evs) > 0 {
			last = evs[len(evs)-1].Seq
		}
		err = st.Write(ctx, func(tx *sqlstore.Tx) error {
			ok, err := tx.AdvanceNotificationCursor(ctx, p.WorkspaceID, p.Cursor, last)
			if err != nil {
				return err
			}
			if !ok {
				return errRaced
			}
			var r *recipients
			for _, ev := range evs {
				src, ok := FromEvent(ev)
				if !ok {
					continue
				}
				if r == nil {
					if r, err = loadRecipients(ctx, tx, p.WorkspaceID); err != nil {
						return err
					}
				}
				if src.Kind == parley.EventConversationUpdated && src.PrevAudience != nil {
					// Who assigned? The event does not say; the audit
					// row of the same transaction does (so self-assignment
					// notifies no one, and others see who did it).
					if err := w.assigner(ctx, tx, &src, ev.CreatedAt, r); err != nil {
						return err
					}
				}
				if src.Inbound {
					// Participants hear of customer messages too.
					ps, err := tx.ListParticipants(ctx, src.ConversationID)
					if err != nil {
						return err
					}
					for _, p := range ps {
						src.ParticipantIDs = append(src.ParticipantIDs, p.UserID)
					}
				}
				if err := emit(ctx, tx, src, r); err != nil {
					return err
				}
				if ev.Type == parley.EventConversationCreated {
					if err := scheduleWaiting(ctx, tx, r.settings, ev); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if errors.Is(err, errRaced) {
			continue
		}
		if err != nil {
			return total, err
		}
		total += len(evs)
	}
	return total, nil
}

// assigner names the member who changed a conversation's people, from
// the audit log row written in the event's transaction.
func (w *Worker) assigner(ctx context.Context, tx *sqlstore.Tx, src *Source, at time.Time, r *recipients) error {
	actorID, err := tx.AuditActorAt(ctx, src.WorkspaceID, src.ConversationID, at)
	if err != nil || actorID == "" {
		return err
	}
	src.Actor = parley.NotificationActor{Kind: parley.SenderAgent, ID: actorID}
	for _, m := range r.members {
		if m.Actor.UserID == actorID {
			src.Actor.Name = m.Actor.Name
		}
	}
	return nil
}

// Run reads events until ctx ends: at once when woken, else every poll
// interval (events committed by other nodes).
func (w *Worker) Run(ctx context.Context) error {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-w.wake:
		case <-t.C:
		}
		n, err := w.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			w.log.ErrorContext(ctx, "notify read events", "err", err)
		}
		wait := w.poll
		if n >= w.batch {
			wait = 0
		}
		if !t.Stop() {
			select {
			case <-t.C:
			default:
			}
		}
		t.Reset(wait)
	}
}
