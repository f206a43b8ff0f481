package ai_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/ai"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/knowledge"
	"github.com/parleyhq/parley/internal/scheduler"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

// blockedModel answers only when released, so a test can act while the
// model is "thinking".
type blockedModel struct {
	called  chan struct{}
	release chan struct{}
	calls   atomic.Int32
}

func (m *blockedModel) Answer(ctx context.Context, _ ai.Request) (ai.Answer, error) {
	m.calls.Add(1)
	m.called <- struct{}{}
	select {
	case <-m.release:
	case <-ctx.Done():
		return ai.Answer{}, ctx.Err()
	}
	return ai.Answer{Reply: "Here is the answer.", Confidence: 0.9, Intent: "question", Model: "blocked"}, nil
}

type fixture struct {
	store *sqlstore.Store
	f     *storetest.Fixture
	svc   *ai.Service
	sched *scheduler.Scheduler
	recv  *inbound.Receiver
	conv  *conversation.Service
	model *blockedModel
	drops atomic.Int32
}

func setup(t testing.TB, s *sqlstore.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	x := &fixture{store: s, f: storetest.Seed(t, s), model: &blockedModel{called: make(chan struct{}, 4), release: make(chan struct{})}}
	x.svc = &ai.Service{Store: s, Knowledge: knowledge.New(s), Providers: map[string]ai.Provider{parley.ProviderBuiltin: x.model},
		OnDrop: func(string) { x.drops.Add(1) }}
	asst, err := x.svc.EnsureDefault(ctx, x.f.Workspace.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.svc.SetInboxAssistant(ctx, x.f.Admin, x.f.Inbox.ID, asst.ID); err != nil {
		t.Fatal(err)
	}
	x.recv = inbound.New(s, inbound.Options{FollowUp: x.svc.Enqueue})
	x.conv = conversation.New(s, conversation.Options{AfterAgentReply: x.svc.AfterAgentReply})
	x.sched, err = scheduler.New(scheduler.Config{Store: s, Handlers: map[string]scheduler.Handler{ai.KindReply: x.svc.Handler()}})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func (x *fixture) receive(t testing.TB, id, text string) string {
	t.Helper()
	inbox, err := x.store.FindInboxByID(context.Background(), x.f.Workspace.ID, x.f.Inbox.ID)
	if err != nil {
		t.Fatal(err)
	}
	res, err := x.recv.Receive(context.Background(), inbox, channel.Inbound{
		Contact: channel.ContactInfo{SourceID: "cust", Name: "Cust"}, ProviderMessageID: id, Content: text})
	if err != nil {
		t.Fatalf("Receive: %v", err)
	}
	return res.ConversationID
}

func (x *fixture) kinds(t *testing.T, cid string) map[string]int {
	t.Helper()
	msgs, err := x.store.ListMessages(context.Background(), cid, nil, 100)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, m := range msgs {
		k := m.Sender.Kind
		if m.System != nil {
			k += ":" + m.System.Action
		}
		out[k]++
	}
	return out
}

// TestService_TakeOverWhileTheModelThinks: an agent who takes over while
// the model is thinking wins: that reply is dropped and recorded as such.
func TestService_TakeOverWhileTheModelThinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		x := setup(t, s)
		cid := x.receive(t, "m1", "What are the delivery times for Berlin?")
		done := make(chan error, 1)
		go func() { _, err := x.sched.RunOnce(ctx); done <- err }()
		<-x.model.called // the model is thinking
		if _, err := x.conv.Update(ctx, x.f.Admin, cid, conversation.Change{AIMode: conversation.Optional[parley.AIMode]{Set: true, Value: parley.AIPaused}}); err != nil {
			t.Fatalf("take over: %v", err)
		}
		close(x.model.release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		got := x.kinds(t, cid)
		if got["ai"] != 0 || got["system:"+ai.ActionDropped] != 1 || x.drops.Load() != 1 {
			t.Errorf("thread after take-over = %v, drops %d; want no AI reply and one dropped line", got, x.drops.Load())
		}
	})
}

// TestService_AgentReplyWhileTheModelThinks: a person's reply moves the
// conversation's version; the AI reply computed on the old one is dropped
// even if the AI were left active.
func TestService_AgentReplyWhileTheModelThinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		x := setup(t, s)
		x.conv = conversation.New(s) // the AI stays active: the version check alone must drop it
		cid := x.receive(t, "m1", "What are the delivery times for Berlin?")
		done := make(chan error, 1)
		go func() { _, err := x.sched.RunOnce(ctx); done <- err }()
		<-x.model.called
		if _, err := x.conv.Reply(ctx, x.f.Admin, cid, "Two days.", false, nil); err != nil {
			t.Fatalf("agent reply: %v", err)
		}
		close(x.model.release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if got := x.kinds(t, cid); got["ai"] != 0 || got["system:"+ai.ActionDropped] != 1 {
			t.Errorf("thread = %v, want the AI reply dropped", got)
		}
	})
}

// TestService_ModeTransitions: active answers; paused and manual queue
// nothing; an inbox without an assistant starts manual; a newer customer
// message supersedes a queued job (one job per conversation).
func TestService_ModeTransitions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		x := setup(t, s)
		close(x.model.release)
		cid := x.receive(t, "m1", "What are the delivery times?")
		x.receive(t, "m2", "For Berlin please")
		n, err := x.sched.RunOnce(ctx)
		if err != nil || n != 1 {
			t.Fatalf("RunOnce = %d jobs, %v; want 1 (the second message replaced the first's job)", n, err)
		}
		if got := x.kinds(t, cid); got["ai"] != 1 {
			t.Errorf("active: AI replies = %d, want 1", got["ai"])
		}
		for _, mode := range []parley.AIMode{parley.AIPaused, parley.AIManual} {
			if _, err := x.conv.Update(ctx, x.f.Admin, cid, conversation.Change{AIMode: conversation.Optional[parley.AIMode]{Set: true, Value: mode}}); err != nil {
				t.Fatal(err)
			}
			x.receive(t, "m-"+string(mode), "Another question about delivery")
			if n, _ := x.sched.RunOnce(ctx); n != 0 {
				t.Errorf("%s: %d jobs queued, want 0", mode, n)
			}
		}
		if err := x.svc.SetInboxAssistant(ctx, x.f.Admin, x.f.Inbox.ID, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := x.conv.Update(ctx, x.f.Admin, cid, conversation.Change{Status: conversation.Optional[parley.ConversationStatus]{Set: true, Value: parley.StatusResolved}}); err != nil {
			t.Fatal(err)
		}
		cid2 := x.receive(t, "m9", "New question")
		c, err := s.FindConversationByID(ctx, x.f.Workspace.ID, cid2)
		if err != nil || cid2 == cid || c.AIMode != parley.AIManual {
			t.Errorf("new conversation in an inbox without assistant: %v mode %v, want a new one, manual", err, c.AIMode)
		}
	})
}
