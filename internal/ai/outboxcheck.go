package ai

import (
	"context"
	"encoding/json"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// DroppedBeforeSend is the delivery error of an AI reply withdrawn by the
// outbox's second check.
const DroppedBeforeSend = "Not sent: a person took over the conversation before this AI reply went out."

// OutboxGate is the second mode check (delivery.Gate), just before an AI
// reply is handed to the channel: the first ran when the reply committed.
// A person who took over in between wins: the conversation's AI mode is
// no longer the one the reply committed with (active; paused for the
// handoff reply, whose own commit paused the AI), or a person wrote to
// the customer after it (the conversation's version moved by an agent's
// reply). The reply is then withdrawn, and the thread records the drop.
// A customer's newer message does not withdraw it: it still answers what
// was asked, and the newer message gets its own job.
func (s *Service) OutboxGate(ctx context.Context, tx *sqlstore.Tx, m *parley.Message, conv *parley.Conversation) (string, error) {
	if m.Sender.Kind != parley.SenderAI || conv == nil {
		return "", nil
	}
	var r struct {
		Trigger string `json:"trigger"`
	}
	_ = json.Unmarshal(m.AIReasoning, &r)
	want := parley.AIActive
	if r.Trigger != "" {
		want = parley.AIPaused
	}
	taken := conv.AIMode != want
	if !taken && conv.LastActivityAt.After(m.CreatedAt) {
		var err error
		if taken, err = agentWroteSince(ctx, tx, m); err != nil {
			return "", err
		}
	}
	if !taken {
		return "", nil
	}
	s.log().InfoContext(ctx, "ai reply dropped before sending", "conversation_id", conv.ID, "message_id", m.ID, "ai_mode", conv.AIMode)
	ev := parley.SystemEvent{Action: ActionDropped, Reason: "a person took over before it was sent"}
	if err := s.systemLine(ctx, tx, conv, ev, "An AI reply was not sent: a person took over before it went out", m.AIReasoning); err != nil {
		return "", err
	}
	if s.OnDrop != nil {
		s.OnDrop(conv.ID)
	}
	return DroppedBeforeSend, nil
}

// agentWroteSince reports whether a person replied to the customer after
// m (the newest messages of the thread; m's version is its creation).
func agentWroteSince(ctx context.Context, tx *sqlstore.Tx, m *parley.Message) (bool, error) {
	msgs, err := tx.ListMessages(ctx, m.ConversationID, nil, transcriptLen)
	if err != nil {
		return false, err
	}
	for _, x := range msgs {
		if x.Sender.Kind == parley.SenderAgent && !x.Private && x.CreatedAt.After(m.CreatedAt) {
			return true, nil
		}
	}
	return false, nil
}
