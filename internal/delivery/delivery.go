// Package delivery is the outbox worker: it sends the replies that
// conversation.Reply queued, never in the request that stored them.
//
// A worker claims due outbox rows with a lease longer than the provider
// call's timeout and a fencing token, commits "in flight" before the call,
// then records the outcome with the token: a write with a stale token
// changes nothing, so a slow call never lets a second worker record the
// same row. Within one conversation and inbox messages leave in order; a
// message that keeps failing holds the ones behind it for at most Hold.
// Transient failures back off exponentially with jitter; permanent ones,
// and the last allowed attempt, fail the message with the reason shown.
// Provider pacing is kept in the database so every node together keeps it.
//
// The guarantee: a crash before the in-flight commit or after the outcome
// commit sends exactly once; a crash (or timeout) during the call may send
// once more, and the message records that its first outcome was unknown
// (parley.Message.OutcomeUnknown).
package delivery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"sync"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// MessageSender is implemented by adapters that send the stored message
// itself rather than a channel.Outbound (the API channel posts the
// message's JSON). The worker prefers it to Send.
type MessageSender interface {
	SendMessage(ctx context.Context, inbox *parley.Inbox, m *parley.Message, to channel.Recipient) (channel.SendResult, error)
}

// Readier is implemented by adapters that cannot send for every inbox of
// their kind (an API inbox without a callback URL): Enqueue leaves such
// messages to the caller.
type Readier interface {
	CanSend(inbox *parley.Inbox) bool
}

// RetryPolicy is how transient failures are retried.
type RetryPolicy struct {
	// MaxAttempts is how many provider calls a message gets in all.
	MaxAttempts int
	// BaseDelay is the wait after the first failed attempt; each later wait
	// is Factor times the previous one, up to MaxDelay.
	BaseDelay time.Duration
	Factor    float64
	MaxDelay  time.Duration
	// Jitter spreads each wait by ±Jitter of itself (0.2: ±20%), so
	// messages that failed together do not retry together.
	Jitter float64
}

// DefaultRetryPolicy makes 8 attempts over about 24 hours: waits of about
// 16s, 1m, 4m, 17m, 68m, 4.5h and 18h.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 8, BaseDelay: 16 * time.Second, Factor: 4, MaxDelay: 24 * time.Hour, Jitter: 0.2}
}

// Delay returns the wait after failed attempt number attempt (from 1),
// with r in [0, 1) choosing the jitter.
func (p RetryPolicy) Delay(attempt int, r float64) time.Duration {
	d := float64(p.BaseDelay)
	for i := 1; i < attempt && d < float64(p.MaxDelay); i++ {
		d *= p.Factor
	}
	d = min(d, float64(p.MaxDelay))
	d *= 1 + p.Jitter*(2*r-1)
	return time.Duration(d)
}

// DefaultRates are the pacing limits, in messages per second per inbox, by
// channel kind, as each provider's channel.Spec declares them. Kinds
// without a rate are not paced.
func DefaultRates() map[string]float64 {
	rates := map[string]float64{}
	for _, s := range channel.Specs() {
		if s.Rate > 0 {
			rates[s.Kind] = s.Rate
		}
	}
	return rates
}

// Config configures a Worker. Zero fields take the defaults named.
type Config struct {
	Store *sqlstore.Store
	// Adapters send, one per channel kind.
	Adapters []channel.Adapter
	Clock    parley.Clock
	Logger   *slog.Logger
	// CallTimeout bounds one provider call (default 30s).
	CallTimeout time.Duration
	// Lease is how long a claim holds a row (default 2m); it must exceed
	// CallTimeout, so that a call has ended before another worker may take
	// the row.
	Lease time.Duration
	// Concurrency is how many messages one worker sends at once (default 8).
	Concurrency int
	// PollInterval is how often an idle worker looks for work it was not
	// woken for (default 1s): rows queued on other nodes, expired leases.
	PollInterval time.Duration
	// Hold is how long a failing message holds the messages behind it in
	// its conversation and inbox (default 5m).
	Hold  time.Duration
	Retry RetryPolicy
	// Rates are messages per second per inbox by channel kind (default
	// DefaultRates()); 0 means unpaced.
	Rates map[string]float64
	// Rand returns numbers in [0, 1) for jitter (default math/rand).
	Rand func() float64
	// Compose, when set, completes the channel.Outbound of a message for
	// adapters that take one (not MessageSenders): templates, tags,
	// attachments. out arrives with To, Content and DeliveryID filled in.
	// It runs in the transaction that starts the attempt; an EINVALID
	// error fails the message with its message, any other error leaves the
	// row to be retried after its lease.
	Compose func(ctx context.Context, tx *sqlstore.Tx, m *parley.Message, conv *parley.Conversation, inbox *parley.Inbox, out *channel.Outbound) error
	// OnFailed, when set, is called after a message has failed for good
	// and that is committed (to resend it through a fallback inbox, say).
	// It runs on the worker's goroutine; it handles its own errors.
	OnFailed func(ctx context.Context, m *parley.Message)
	// Conversations, when set, resends a message that failed for good
	// through its inbox's fallback inbox (conversation.Service.Fallback),
	// queued on this worker, after the failure is committed.
	Conversations *conversation.Service
	// Outbox is the queue the worker drains, and the adapters it sends
	// through: pass the one the use cases were built with. Nil: one made
	// of Adapters (which must then be the only source of adapters).
	Outbox *Outbox
	// Gate, when set, is asked before each send whether the message may
	// still go out (see Gate).
	Gate Gate
}

// Worker sends queued messages. It is safe for concurrent use; any number
// of workers, on any number of nodes, may run on one database.
type Worker struct {
	cfg      Config
	store    *sqlstore.Store
	log      *slog.Logger
	outbox   *Outbox
	adapters map[string]channel.Adapter
	wake     chan struct{}
}

// Gate is asked, inside each attempt's transaction, whether a queued
// message may still go out: a non-empty reason withdraws it (it fails
// with that reason, no provider call, no fallback resend). The AI agent
// uses it to drop a reply when a person took over between its commit and
// its send.
type Gate func(ctx context.Context, tx *sqlstore.Tx, m *parley.Message, conv *parley.Conversation) (string, error)

// Outbox queues outbound messages for the workers (it implements
// conversation.Outbox). It is the half of delivery the use cases hold: it
// needs only the adapters, so it is built before the use cases, and the
// Worker that drains it (which calls back into them) after them: the
// outbound path reads conversation → outbox → delivery → provider.
type Outbox struct {
	adapters map[string]channel.Adapter
	// queued wakes the Worker draining the outbox once a transaction that
	// queued a message has committed.
	queued chan struct{}
}

// NewOutbox returns an Outbox for messages sent through adapters, one per
// channel kind.
func NewOutbox(adapters ...channel.Adapter) *Outbox {
	o := &Outbox{adapters: map[string]channel.Adapter{}, queued: make(chan struct{}, 1)}
	for _, a := range adapters {
		o.adapters[a.Kind()] = a
	}
	return o
}

// New returns a Worker.
func New(cfg Config) (*Worker, error) {
	if cfg.Store == nil {
		return nil, errors.New("delivery: a store is required")
	}
	if cfg.Clock == nil {
		cfg.Clock = parley.SystemClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.CallTimeout <= 0 {
		cfg.CallTimeout = 30 * time.Second
	}
	if cfg.Lease <= 0 {
		cfg.Lease = max(2*time.Minute, 2*cfg.CallTimeout)
	}
	if cfg.Lease <= cfg.CallTimeout {
		return nil, fmt.Errorf("delivery: the lease (%v) must be longer than the call timeout (%v)", cfg.Lease, cfg.CallTimeout)
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 8
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = time.Second
	}
	if cfg.Hold <= 0 {
		cfg.Hold = 5 * time.Minute
	}
	if cfg.Retry.MaxAttempts <= 0 {
		cfg.Retry = DefaultRetryPolicy()
	}
	if cfg.Rates == nil {
		cfg.Rates = DefaultRates()
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Float64
	}
	out := cfg.Outbox
	switch {
	case out == nil:
		out = NewOutbox(cfg.Adapters...)
	case len(cfg.Adapters) > 0:
		// Two sources of adapters could disagree on what may be queued.
		return nil, errors.New("delivery: pass the adapters in the Outbox or in Adapters, not both")
	}
	return &Worker{cfg: cfg, store: cfg.Store, log: cfg.Logger, outbox: out, adapters: out.adapters, wake: make(chan struct{}, 1)}, nil
}

// Enqueue queues m for sending on the worker's Outbox (see
// Outbox.Enqueue).
func (w *Worker) Enqueue(ctx context.Context, tx *sqlstore.Tx, inbox *parley.Inbox, conv *parley.Conversation, m *parley.Message) (bool, error) {
	return w.outbox.Enqueue(ctx, tx, inbox, conv, m)
}

// Enqueue queues m for sending inside tx (conversation.Outbox). It
// reports false, queueing nothing, for notes and inbound messages, and
// when the inbox's adapter cannot send for it (an API inbox without a
// callback URL) or, on an API inbox, when no API adapter is configured:
// the caller then decides. A message of a channel without an adapter is
// queued and fails with that reason when its turn comes, so it is never
// silently stuck.
func (o *Outbox) Enqueue(ctx context.Context, tx *sqlstore.Tx, inbox *parley.Inbox, conv *parley.Conversation, m *parley.Message) (bool, error) {
	if m.Private || m.Direction != parley.DirectionOut || m.Sender.Kind == parley.SenderSystem {
		return false, nil // notes and system lines are never sent
	}
	a, ok := o.adapters[inbox.Channel]
	if !ok && inbox.Channel == parley.ChannelAPI {
		return false, nil
	}
	if r, isReadier := a.(Readier); ok && isReadier && !r.CanSend(inbox) {
		return false, nil
	}
	if err := tx.EnqueueOutbox(ctx, m, tx.Now()); err != nil {
		return false, err
	}
	tx.AfterCommit(o.wake)
	return true, nil
}

// wake tells the worker that a message is queued. It never blocks.
func (o *Outbox) wake() {
	select {
	case o.queued <- struct{}{}:
	default:
	}
}

// Wake makes a waiting Run look for work now (call it after a commit that
// queued messages). It never blocks.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// RunOnce claims what is due (up to Concurrency rows), sends it and
// returns how many rows it handled. Cancelling ctx mid-call is a crash: the
// rows in flight stay so, and whoever reclaims them after their lease
// records the first outcome as unknown. Tests drive the worker with it.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	items, err := w.store.ClaimOutbox(ctx, w.cfg.Clock.Now(), w.cfg.Concurrency, w.cfg.Lease, w.cfg.Hold)
	if err != nil {
		return 0, fmt.Errorf("delivery: %w", err)
	}
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Go(func() { w.process(ctx, it) })
	}
	wg.Wait()
	return len(items), nil
}

// Run sends messages until ctx ends. It then stops claiming and lets the
// calls under way finish (up to CallTimeout) before returning nil.
func (w *Worker) Run(ctx context.Context) error {
	procCtx, cancelProc := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelProc()
	done := make(chan struct{}, w.cfg.Concurrency)
	var wg sync.WaitGroup
	running := 0
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		if free := w.cfg.Concurrency - running; free > 0 && ctx.Err() == nil {
			items, err := w.store.ClaimOutbox(ctx, w.cfg.Clock.Now(), free, w.cfg.Lease, w.cfg.Hold)
			if err != nil && ctx.Err() == nil {
				w.log.ErrorContext(ctx, "delivery claim", "err", err)
			}
			for _, it := range items {
				running++
				wg.Go(func() {
					defer func() { done <- struct{}{} }()
					w.process(procCtx, it)
				})
			}
			if len(items) > 0 && len(items) == free {
				// There may be more: take it as soon as a slot frees.
				timer.Reset(0)
			} else {
				timer.Reset(w.idleWait(ctx))
			}
		}
		select {
		case <-ctx.Done():
			stop := time.AfterFunc(w.cfg.CallTimeout, cancelProc)
			wg.Wait()
			stop.Stop()
			return nil
		case <-done:
			running--
		case <-w.wake:
		case <-w.outbox.queued:
		case <-timer.C:
		}
	}
}

// idleWait is how long to sleep when there is nothing to claim: until the
// next row falls due, at most PollInterval.
func (w *Worker) idleWait(ctx context.Context) time.Duration {
	now := w.cfg.Clock.Now()
	next, err := w.store.NextOutboxDue(ctx, now)
	if err != nil || next == nil {
		return w.cfg.PollInterval
	}
	return min(max(next.Sub(now), time.Millisecond), w.cfg.PollInterval)
}

// errLost aborts a transaction whose fencing token turned out stale.
var errLost = errors.New("delivery: lease lost")

// attempt is what the in-flight transaction decided.
type attempt struct {
	send    bool // false: nothing to call (deferred, finished or lost)
	lost    bool
	number  int
	message *parley.Message
	inbox   *parley.Inbox
	adapter channel.Adapter
	out     channel.Outbound
	to      channel.Recipient // for MessageSenders
	failed  *parley.Message   // set when the message failed without a call
}

// process handles one claimed row: the in-flight commit, the call, the
// outcome commit.
func (w *Worker) process(ctx context.Context, it sqlstore.OutboxItem) {
	log := w.log.With("message_id", it.MessageID, "conversation_id", it.ConversationID, "inbox_id", it.InboxID)
	att, err := w.start(ctx, it)
	if err != nil {
		if ctx.Err() == nil {
			log.ErrorContext(ctx, "delivery start", "err", err)
		}
		return
	}
	if att.lost {
		log.WarnContext(ctx, "delivery lease lost before the call")
	}
	if att.failed != nil {
		log.InfoContext(ctx, "delivery failed before the call", "reason", att.failed.Error)
		w.failed(ctx, att.failed)
	}
	if !att.send {
		return
	}
	callCtx, cancel := context.WithTimeout(ctx, w.cfg.CallTimeout)
	res, sendErr := w.call(callCtx, att)
	cancel()
	if sendErr != nil && ctx.Err() != nil {
		// Stopped mid-call: the row stays in flight; its next holder
		// records the first outcome as unknown.
		log.WarnContext(ctx, "delivery interrupted mid-call", "attempt", att.number)
		return
	}
	// Record the outcome even if ctx ends now: a send that succeeded must
	// not be repeated because shutdown began.
	fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer fcancel()
	out, failed, err := w.finish(fctx, it, att, res, sendErr)
	switch {
	case errors.Is(err, errLost):
		log.WarnContext(ctx, "delivery lease lost during the call: outcome not recorded", "attempt", att.number, "send_err", errText(sendErr))
	case err != nil:
		log.ErrorContext(ctx, "delivery record outcome", "attempt", att.number, "err", err)
	default:
		log.InfoContext(ctx, "delivery attempt", "attempt", att.number, "outcome", out, "send_err", errText(sendErr))
		if failed != nil {
			w.failed(fctx, failed)
		}
	}
}

// failed runs the fallback resend and the OnFailed hook.
func (w *Worker) failed(ctx context.Context, m *parley.Message) {
	if w.cfg.Conversations != nil {
		r, err := w.cfg.Conversations.Fallback(ctx, m, w)
		switch {
		case err != nil:
			w.log.WarnContext(ctx, "fallback resend", "message_id", m.ID, "inbox_id", m.InboxID, "err", err)
		case r != nil:
			w.log.InfoContext(ctx, "fallback resend", "message_id", m.ID, "resend_id", r.Message.ID, "inbox_id", r.Message.InboxID)
			w.Wake()
		}
	}
	if w.cfg.OnFailed != nil {
		w.cfg.OnFailed(ctx, m)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// start runs the in-flight transaction: it checks what is to be sent,
// takes the pacing slot and commits the attempt as in flight (moving the
// message to "sending", and flagging an unknown first outcome when the
// previous holder's call never reported).
func (w *Worker) start(ctx context.Context, it sqlstore.OutboxItem) (attempt, error) {
	var att attempt
	now := w.cfg.Clock.Now()
	err := w.store.Write(ctx, func(tx *sqlstore.Tx) error {
		att = attempt{}
		m, err := tx.FindMessageByID(ctx, it.ConversationID, it.MessageID)
		if parley.IsNotFound(err) || (err == nil && m.Status != parley.DeliveryQueued && m.Status != parley.DeliverySending) {
			// Deleted, or settled by other means: nothing to send.
			return w.complete(ctx, tx, it)
		}
		if err != nil {
			return err
		}
		conv, err := tx.FindConversationByID(ctx, it.WorkspaceID, it.ConversationID)
		if parley.IsNotFound(err) {
			conv = nil
		} else if err != nil {
			return err
		}
		failNow := func(c *parley.Conversation, why string) error {
			att.failed = m
			return w.fail(ctx, tx, it, m, c, why, it.InFlight)
		}
		inbox, err := tx.FindInboxByID(ctx, it.WorkspaceID, it.InboxID)
		if parley.IsNotFound(err) {
			return failNow(conv, "The inbox was deleted before the message was sent.")
		} else if err != nil {
			return err
		}
		if conv == nil {
			return failNow(nil, "The conversation was deleted before the message was sent.")
		}
		if w.cfg.Gate != nil {
			why, err := w.cfg.Gate(ctx, tx, m, conv)
			if err != nil {
				return err
			}
			if why != "" {
				return w.fail(ctx, tx, it, m, conv, why, it.InFlight)
			}
		}
		adapter, ok := w.adapters[inbox.Channel]
		if !ok {
			return failNow(conv, fmt.Sprintf("No sender is configured for the %s channel.", inbox.Channel))
		}
		out := channel.Outbound{Content: m.Content, DeliveryID: m.ID}
		var to channel.Recipient
		if _, ok := adapter.(MessageSender); ok {
			if to, err = messageRecipient(ctx, tx, conv, inbox); err != nil {
				return err
			}
		} else {
			if out.To, err = recipient(ctx, tx, conv, inbox); err != nil {
				return err
			}
			if w.cfg.Compose != nil {
				err := w.cfg.Compose(ctx, tx, m, conv, inbox, &out)
				if parley.ErrorCode(err) == parley.EINVALID {
					return failNow(conv, parley.ErrorMessage(err))
				} else if err != nil {
					return err
				}
			}
		}
		if rate := w.cfg.Rates[inbox.Channel]; rate > 0 {
			interval := time.Duration(float64(time.Second) / rate)
			ok, next, err := tx.TakePace(ctx, "inbox:"+inbox.ID, now, interval)
			if err != nil {
				return err
			}
			if !ok {
				deferred, err := tx.DeferOutbox(ctx, it.MessageID, it.Token, next)
				if err == nil && !deferred {
					return errLost
				}
				return err
			}
		}
		n, ok, err := tx.StartOutboxAttempt(ctx, it.MessageID, it.Token, now.Add(w.cfg.Lease))
		if err != nil {
			return err
		}
		if !ok {
			return errLost
		}
		changed := false
		if m.Status == parley.DeliveryQueued {
			changed = m.ApplyStatus(parley.DeliverySending, "", tx.Now())
		}
		if it.InFlight && !m.OutcomeUnknown {
			m.OutcomeUnknown, changed = true, true
		}
		if changed {
			if err := messageChanged(ctx, tx, m, conv); err != nil {
				return err
			}
		}
		att = attempt{send: true, number: n, message: m, inbox: inbox, adapter: adapter, out: out, to: to}
		return nil
	})
	if errors.Is(err, errLost) {
		return attempt{lost: true}, nil
	}
	if err != nil {
		return attempt{}, fmt.Errorf("delivery: start %s: %w", it.MessageID, err)
	}
	return att, nil
}

// recipient is the contact's source id on the inbox.
func recipient(ctx context.Context, tx *sqlstore.Tx, conv *parley.Conversation, inbox *parley.Inbox) (string, error) {
	c, err := tx.FindContactByID(ctx, conv.WorkspaceID, conv.ContactID)
	if err != nil {
		return "", err
	}
	for _, id := range c.Identities {
		if id.InboxID == inbox.ID {
			return id.SourceID, nil
		}
	}
	return "", nil
}

// messageRecipient is the conversation's number and its contact, with the
// contact's source id on the inbox.
func messageRecipient(ctx context.Context, tx *sqlstore.Tx, conv *parley.Conversation, inbox *parley.Inbox) (channel.Recipient, error) {
	c, err := tx.FindContactByID(ctx, conv.WorkspaceID, conv.ContactID)
	if err != nil {
		return channel.Recipient{}, err
	}
	to := channel.Recipient{ConversationNumber: conv.Number, ContactID: c.ID, Name: c.Name}
	for _, id := range c.Identities {
		if id.InboxID == inbox.ID {
			to.SourceID = id.SourceID
			break
		}
	}
	return to, nil
}

// call makes the provider call.
func (w *Worker) call(ctx context.Context, att attempt) (channel.SendResult, error) {
	if ms, ok := att.adapter.(MessageSender); ok {
		return ms.SendMessage(ctx, att.inbox, att.message, att.to)
	}
	return att.adapter.Send(ctx, att.inbox, att.out)
}

// finish records the outcome of a call under the row's fencing token. It
// returns the message when it failed for good.
func (w *Worker) finish(ctx context.Context, it sqlstore.OutboxItem, att attempt, res channel.SendResult, sendErr error) (string, *parley.Message, error) {
	now := w.cfg.Clock.Now()
	var outcome string
	var failed *parley.Message
	copied := false
	err := w.store.Write(ctx, func(tx *sqlstore.Tx) error {
		failed, copied = nil, false
		m, err := tx.FindMessageByID(ctx, it.ConversationID, it.MessageID)
		if parley.IsNotFound(err) {
			outcome = "message deleted"
			return nil
		}
		if err != nil {
			return err
		}
		conv, err := tx.FindConversationByID(ctx, it.WorkspaceID, it.ConversationID)
		if parley.IsNotFound(err) {
			conv = nil
		} else if err != nil {
			return err
		}
		unknown := outcomeUnknown(sendErr)
		se, _ := errors.AsType[*channel.SendError](sendErr)
		switch {
		case sendErr == nil:
			outcome = "sent"
			if err := w.complete(ctx, tx, it); err != nil {
				return err
			}
			m.ApplyStatus(parley.DeliverySent, "", tx.Now())
			t := tx.Now()
			m.SentAt = &t
			if res.ProviderMessageID != "" {
				m.ProviderMessageID = res.ProviderMessageID
			}
			if err := messageChanged(ctx, tx, m, conv); err != nil {
				return err
			}
			return w.copyOffline(ctx, tx, m, conv, att.inbox, &copied)
		case se != nil && se.Permanent:
			outcome, failed = "failed", m
			return w.fail(ctx, tx, it, m, conv, reason(sendErr), unknown)
		case att.number >= w.cfg.Retry.MaxAttempts:
			outcome, failed = "failed", m
			return w.fail(ctx, tx, it, m, conv, fmt.Sprintf("Gave up after %d attempts. Last error: %s", att.number, reason(sendErr)), unknown)
		}
		outcome = "retry"
		delay := w.cfg.Retry.Delay(att.number, w.cfg.Rand())
		if se != nil && se.RetryAfter > delay {
			delay = se.RetryAfter
		}
		ok, err := tx.RetryOutboxLater(ctx, it.MessageID, it.Token, now.Add(delay), reason(sendErr))
		if err != nil {
			return err
		}
		if !ok {
			return errLost
		}
		if unknown && !m.OutcomeUnknown {
			m.OutcomeUnknown = true
			return messageChanged(ctx, tx, m, conv)
		}
		return nil
	})
	if err != nil {
		return outcome, nil, err
	}
	if copied {
		w.Wake()
	}
	return outcome, failed, nil
}

// copyOffline queues, in the transaction that records a web-chat reply as
// sent, its email copy to a visitor who left
// (conversation.Service.OfflineEmailCopy): decided once, with the outcome,
// so that neither a crash nor a retry loses or doubles it.
func (w *Worker) copyOffline(ctx context.Context, tx *sqlstore.Tx, m *parley.Message, conv *parley.Conversation, inbox *parley.Inbox, copied *bool) error {
	if w.cfg.Conversations == nil || inbox == nil || inbox.Channel != parley.ChannelWebchat {
		return nil
	}
	c, err := w.cfg.Conversations.OfflineEmailCopy(ctx, tx, m, conv, inbox, w)
	if err != nil {
		return fmt.Errorf("offline email copy: %w", err)
	}
	if c != nil {
		*copied = true
		w.log.InfoContext(ctx, "offline email copy queued", "message_id", m.ID, "copy_id", c.ID, "inbox_id", c.InboxID)
	}
	return nil
}

// complete removes the row under its token, or aborts the transaction.
func (w *Worker) complete(ctx context.Context, tx *sqlstore.Tx, it sqlstore.OutboxItem) error {
	ok, err := tx.CompleteOutbox(ctx, it.MessageID, it.Token)
	if err != nil {
		return err
	}
	if !ok {
		return errLost
	}
	return nil
}

// fail removes the row and fails the message with a reason people read.
func (w *Worker) fail(ctx context.Context, tx *sqlstore.Tx, it sqlstore.OutboxItem, m *parley.Message, conv *parley.Conversation, why string, unknown bool) error {
	if err := w.complete(ctx, tx, it); err != nil {
		return err
	}
	m.ApplyStatus(parley.DeliveryFailed, why, tx.Now())
	if unknown {
		m.OutcomeUnknown = true
	}
	return messageChanged(ctx, tx, m, conv)
}

// messageChanged writes the message's delivery fields and appends
// message.updated for those who may see the conversation (none when it is
// gone).
func messageChanged(ctx context.Context, tx *sqlstore.Tx, m *parley.Message, conv *parley.Conversation) error {
	if err := tx.UpdateMessageDelivery(ctx, m); err != nil {
		return err
	}
	if conv == nil {
		return nil
	}
	aud := conv.Audience()
	return tx.AppendEvent(parley.EventMessageUpdated, m.WorkspaceID, m.ConversationID, m, &aud, nil)
}

// outcomeUnknown reports whether a failed call may still have reached the
// provider: it timed out, or the connection broke after the request left.
func outcomeUnknown(err error) bool {
	if err == nil {
		return false
	}
	if _, ok := errors.AsType[*channel.SendError](err); ok {
		return false // the provider answered
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
		return true
	}
	if op, ok := errors.AsType[*net.OpError](err); ok && op.Op == "dial" {
		return false // never connected
	}
	return true
}

// reason is the failure as people read it.
func reason(err error) string {
	if se, ok := errors.AsType[*channel.SendError](err); ok && se.Message != "" {
		return se.Message
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "The provider did not answer in time."
	}
	return "The provider could not be reached: " + err.Error()
}
