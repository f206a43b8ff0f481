package ai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/knowledge"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/scheduler"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// KindReply is the scheduler job that answers one conversation, keyed by
// the conversation: a newer customer message replaces a waiting or
// running job, so one AI job at a time runs per conversation and a job
// overtaken by a newer message loses its lease and commits nothing.
const KindReply = "ai.reply"

// Service is the AI agent. It uses the concrete store (DESIGN §2).
type Service struct {
	Store     *sqlstore.Store
	Knowledge *knowledge.Service
	// Providers answer by assistant provider name (builtin, openai).
	Providers map[string]Provider
	// Notify tells people about handoffs; nil notifies nobody.
	Notify *notify.Service
	// Outbox sends replies (conversation.Outbox).
	Outbox Outbox
	Clock  parley.Clock
	Log    *slog.Logger
	// Closed says, inside the transaction that stores a customer's
	// message, whether the conversation's inbox is outside business hours
	// now; nil: always open.
	Closed func(ctx context.Context, tx *sqlstore.Tx, conv *parley.Conversation) (bool, error)
	// Away sends the away message inside that transaction when the inbox
	// is closed and no assistant answers (hours.Service.SendAway); nil:
	// none.
	Away func(ctx context.Context, tx *sqlstore.Tx, conv *parley.Conversation) error
	// OnDrop is called when a reply is dropped because a person took
	// over meanwhile (tests wait on it); nil: nothing.
	OnDrop func(conversationID string)
	// Jobs runs a reply job the moment its customer message commits
	// (the scheduler's RunJob); nil leaves every job to the scheduler's
	// loop, due at once.
	Jobs JobRunner

	answering sync.WaitGroup // replies under way on the RunJob path
}

// JobRunner runs one scheduled job now (scheduler.Scheduler).
type JobRunner interface {
	RunJob(ctx context.Context, job sqlstore.Job) error
}

// answerGrace is how far in the future a reply job is due when it also
// runs the moment its message commits (Service.Jobs): the scheduler's
// loop takes it only if that run did not finish it (the node stopped, the
// store failed), after this delay.
const answerGrace = 5 * time.Second

// Wait returns once the replies started on the RunJob path are done (call
// it before closing the store).
func (s *Service) Wait() { s.answering.Wait() }

// answerNow runs a reply job on this node, now.
func (s *Service) answerNow(j sqlstore.Job) {
	defer s.answering.Done()
	ctx, cancel := context.WithTimeout(context.Background(), DefaultTimeout+10*time.Second)
	defer cancel()
	if err := s.Jobs.RunJob(ctx, j); err != nil {
		s.log().WarnContext(ctx, "ai reply: left to the scheduler", "conversation_id", j.Key, "err", err)
	}
}

// Outbox is conversation.Outbox (declared here so tests can pass nil).
type Outbox interface {
	Enqueue(ctx context.Context, tx *sqlstore.Tx, inbox *parley.Inbox, conv *parley.Conversation, m *parley.Message) (bool, error)
}

func (s *Service) clock() parley.Clock {
	if s.Clock == nil {
		return parley.SystemClock{}
	}
	return s.Clock
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

// job is KindReply's payload: the customer message that caused it; Run
// adds what it decided and the conversation's version it decided on.
type job struct {
	MessageID string    `json:"message_id"`
	Skip      string    `json:"skip,omitempty"`
	Version   int64     `json:"version,omitempty"`
	Assistant string    `json:"assistant,omitempty"`
	Name      string    `json:"name,omitempty"`
	Decision  *Decision `json:"decision,omitempty"`
}

// InitialMode is the AI mode of a new conversation in an inbox: active
// when the inbox has an assistant, manual otherwise.
func InitialMode(ctx context.Context, tx *sqlstore.Tx, inboxID string) (parley.AIMode, error) {
	asst, err := tx.InboxAssistantID(ctx, inboxID)
	if err != nil {
		return "", err
	}
	if asst != "" {
		return parley.AIActive, nil
	}
	return parley.AIManual, nil
}

// Enqueue queues the AI's answer to a customer message inside the
// transaction that stored it (the inbound path's follow-up): nothing when
// the conversation's AI is not active.
//
// Outside business hours the assistant answers only when its off-hours
// setting is "answer"; otherwise (or with no AI) the away message goes,
// decided in the same transaction so that exactly one of the two does.
func (s *Service) Enqueue(ctx context.Context, tx *sqlstore.Tx, conv *parley.Conversation, msg *parley.Message) error {
	if msg.Sender.Kind != parley.SenderContact {
		return nil
	}
	closed := false
	if s.Closed != nil {
		c, err := s.Closed(ctx, tx, conv)
		if err != nil {
			return fmt.Errorf("ai: business hours: %w", err)
		}
		closed = c
	}
	if conv.AIMode == parley.AIActive {
		answers := true
		if closed {
			a, state, err := s.assistantFor(ctx, tx, conv)
			if err != nil {
				return err
			}
			answers = a != nil && !state.BotMessagesOff && a.OffHours != OffHoursAway
		}
		if answers {
			return s.schedule(ctx, tx, conv, msg)
		}
	}
	if closed && s.Away != nil {
		return s.Away(ctx, tx, conv)
	}
	return nil
}

// schedule queues the reply job. With Jobs set it runs the moment the
// transaction commits, on this node and without a claim when the
// assistant's provider is local (a commit less on the customer's wait),
// and the scheduler's loop is the fallback.
func (s *Service) schedule(ctx context.Context, tx *sqlstore.Tx, conv *parley.Conversation, msg *parley.Message) error {
	due := tx.Now()
	if s.Jobs != nil {
		due = due.Add(answerGrace)
	}
	j, err := scheduler.Queue(ctx, tx, KindReply, conv.ID, conv.WorkspaceID, due, job{MessageID: msg.ID})
	if err != nil || s.Jobs == nil {
		return err
	}
	tx.AfterCommit(func() {
		s.answering.Add(1)
		go s.answerNow(*j)
	})
	return nil
}

// OffHoursAway is the assistant setting that keeps it silent outside
// business hours (the away message goes instead).
const OffHoursAway = "away"

// aiReader is the store or a transaction.
type aiReader interface {
	FindConversationAIWithInbox(ctx context.Context, conversationID string) (parley.ConversationAI, string, error)
	FindAssistant(ctx context.Context, workspaceID, assistantID string) (*parley.Assistant, error)
}

// Handler is KindReply's scheduler handler: Run decides with no
// transaction open (the model may take seconds); Commit checks the mode
// and the conversation's version again and applies the decision.
func (s *Service) Handler() scheduler.Handler {
	return scheduler.Handler{Run: s.run, Commit: s.commit, MaxAttempts: 3, Timeout: DefaultTimeout + 10*time.Second}
}

func (s *Service) run(ctx context.Context, j *sqlstore.Job) error {
	var p job
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return scheduler.Permanent(fmt.Errorf("ai: payload: %w", err))
	}
	p.Decision, p.Skip = nil, ""
	conv, err := s.Store.FindConversationByID(ctx, j.WorkspaceID, j.Key)
	if parley.IsNotFound(err) {
		return nil // deleted meanwhile: nothing to answer
	}
	if err != nil {
		return err
	}
	p.Version = conv.LastActivityAt.UnixMicro()
	a, state, err := s.assistantFor(ctx, s.Store, conv)
	switch {
	case err != nil:
		return err
	case conv.AIMode != parley.AIActive:
		p.Skip = "mode " + string(conv.AIMode)
	case a == nil:
		p.Skip = "no assistant"
	case state.BotMessagesOff:
		p.Skip = "bot messages off"
	case j.Unclaimed && !isLocal(s.Providers[a.Provider]):
		// A remote model may take seconds: no other node may run
		// the job meanwhile.
		return scheduler.ErrNeedsClaim
	default:
		turns, err := s.transcript(ctx, conv.ID, state, p.MessageID)
		if err != nil {
			return err
		}
		d := s.Decide(ctx, a, turns)
		p.Decision, p.Assistant, p.Name = &d, a.ID, a.Name
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return err
	}
	j.Payload = raw
	return nil
}

// assistantFor returns the conversation's assistant (its own choice, else
// its inbox's), or nil.
func (s *Service) assistantFor(ctx context.Context, q aiReader, conv *parley.Conversation) (*parley.Assistant, parley.ConversationAI, error) {
	state, inboxAssistant, err := q.FindConversationAIWithInbox(ctx, conv.ID)
	if err != nil {
		return nil, state, err
	}
	id := state.AssistantID
	if id == "" {
		id = inboxAssistant
	}
	if id == "" {
		return nil, state, nil
	}
	a, err := q.FindAssistant(ctx, conv.WorkspaceID, id)
	if parley.IsNotFound(err) {
		return nil, state, nil
	}
	return a, state, err
}

// transcriptLen is how many recent messages the assistant reads.
const transcriptLen = 30

// transcript is the conversation as the assistant remembers it: the
// messages to and from the customer since the reset point, oldest first,
// ending with the customer's message the job answers. That message goes
// last whatever its time: providers stamp messages to the second
// (WhatsApp), so a quick follow-up can sort before the AI's previous
// answer, written a few milliseconds after the second began.
func (s *Service) transcript(ctx context.Context, conversationID string, state parley.ConversationAI, answering string) ([]Turn, error) {
	msgs, err := s.Store.ListMessages(ctx, conversationID, nil, transcriptLen)
	if err != nil {
		return nil, err
	}
	var out []Turn
	var last *Turn
	for _, m := range msgs {
		// A reply that never went out (dropped, failed) is not part of
		// what the customer saw.
		unsent := m.Direction == parley.DirectionOut && m.Status.Failed()
		if m.Private || unsent || strings.TrimSpace(m.Content) == "" || (!state.MemoryFrom.IsZero() && m.CreatedAt.Before(state.MemoryFrom)) {
			continue
		}
		switch m.Sender.Kind {
		case parley.SenderContact:
			if m.ID == answering {
				last = &Turn{Role: RoleCustomer, Content: m.Content}
				continue
			}
			out = append(out, Turn{Role: RoleCustomer, Content: m.Content})
		case parley.SenderAgent:
			out = append(out, Turn{Role: RoleAgent, Content: m.Content})
		case parley.SenderAI:
			out = append(out, Turn{Role: RoleAI, Content: m.Content})
		}
	}
	if last != nil {
		out = append(out, *last)
	}
	return out, nil
}

// errDropped marks a decision overtaken by a person.
var errDropped = errors.New("ai: reply dropped")

func (s *Service) commit(ctx context.Context, tx *sqlstore.Tx, j *sqlstore.Job) error {
	var p job
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return scheduler.Permanent(fmt.Errorf("ai: payload: %w", err))
	}
	if p.Decision == nil {
		return nil // skipped (mode, no assistant, bot messages off)
	}
	conv, err := tx.FindConversationByID(ctx, j.WorkspaceID, j.Key)
	if parley.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if conv.AIMode != parley.AIActive || conv.LastActivityAt.UnixMicro() != p.Version {
		// A person took over (or wrote) while the model was thinking:
		// they win. The decision is kept in the log, not sent.
		s.log().InfoContext(ctx, "ai reply dropped", "conversation_id", conv.ID, "ai_mode", conv.AIMode, "message_id", p.MessageID)
		if s.OnDrop != nil {
			s.OnDrop(conv.ID)
		}
		return s.recordDrop(ctx, tx, conv, p)
	}
	return s.apply(ctx, tx, conv, &parley.Sender{Kind: parley.SenderAI, ID: p.Assistant, Name: p.Name}, *p.Decision)
}
