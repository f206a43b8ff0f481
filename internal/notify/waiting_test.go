package notify_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// sinkOutbox takes replies without sending them anywhere.
type sinkOutbox struct{}

func (sinkOutbox) Enqueue(context.Context, *sqlstore.Tx, *parley.Inbox, *parley.Conversation, *parley.Message) (bool, error) {
	return true, nil
}

// TestWaiting_OncePerConversationPastTheTarget: with a first-response
// target of 30 s, a conversation nobody answered notifies the queue once
// when the target passes (not before, never again); one answered in time,
// and one from a workspace without a target, notify nobody.
func TestWaiting_OncePerConversationPastTheTarget(t *testing.T) {
	eachEnv(t, time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC), func(t *testing.T, e *env) {
		ctx := context.Background()
		if err := e.svc.RegisterWaiting(e.sch); err != nil {
			t.Fatal(err)
		}
		setTarget := func(seconds int) {
			t.Helper()
			e.f.Workspace.Settings.Lifecycle = &parley.LifecycleSettings{PurgeDays: 7, FirstResponseSeconds: seconds}
			if err := e.store.Write(ctx, func(tx *sqlstore.Tx) error { return tx.UpdateWorkspace(ctx, e.f.Workspace) }); err != nil {
				t.Fatal(err)
			}
		}
		w := notify.NewWorker(e.svc)
		receive := func(source string) string {
			t.Helper()
			res, err := inbound.New(e.store).Receive(ctx, e.f.Inbox, channel.Inbound{
				Contact: channel.ContactInfo{SourceID: source, Name: "Carla " + source}, ProviderMessageID: "m-" + source, Content: "hello?"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			return res.ConversationID
		}
		waiting := func(a parley.Actor) []parley.Notification {
			t.Helper()
			p, err := e.svc.List(ctx, a, "", 100)
			if err != nil {
				t.Fatal(err)
			}
			var out []parley.Notification
			for _, n := range p.Items {
				if n.Type == parley.NotifyWaiting {
					out = append(out, n)
				}
			}
			return out
		}
		tick := func(d time.Duration) {
			t.Helper()
			e.clock.Add(d)
			for range 20 {
				if e.run(t) == 0 {
					return
				}
			}
		}

		receive("off") // no target yet: no clock starts
		setTarget(30)
		unanswered := receive("late")
		answered := receive("quick")
		if _, err := conversation.New(e.store).Reply(ctx, e.f.Admin, answered, "On it!", false, sinkOutbox{}); err != nil {
			t.Fatal(err)
		}
		tick(29 * time.Second)
		if got := waiting(e.f.Agent); len(got) != 0 {
			t.Fatalf("before the target: %+v, want none", got)
		}
		tick(time.Second)
		got := waiting(e.f.Agent)
		if len(got) != 1 || got[0].ConversationID != unanswered {
			t.Fatalf("at the target: %+v, want one about the unanswered conversation", got)
		}
		if want := "Conversation #2 with Carla late is waiting for a reply"; got[0].Text != want {
			t.Errorf("text = %q, want %q", got[0].Text, want)
		}
		if a := waiting(e.f.Admin); len(a) != 1 {
			t.Errorf("admin (same queue) has %d waiting notifications, want 1", len(a))
		}
		tick(time.Hour)
		if got := waiting(e.f.Agent); len(got) != 1 {
			t.Errorf("an hour later: %d waiting notifications, want still 1 (once per conversation)", len(got))
		}
	})
}

// TestWorker_ParticipantsHearOfCustomerMessages: a colleague added to an
// unassigned conversation is told of the customer's next message (through
// the worker, as assignees are), and the mention of being added is kept in
// their list.
func TestWorker_ParticipantsHearOfCustomerMessages(t *testing.T) {
	eachEnv(t, time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC), func(t *testing.T, e *env) {
		ctx := context.Background()
		w := notify.NewWorker(e.svc)
		in := func(id, text string) string {
			t.Helper()
			res, err := inbound.New(e.store).Receive(ctx, e.f.Inbox, channel.Inbound{
				Contact: channel.ContactInfo{SourceID: "dana", Name: "Dana"}, ProviderMessageID: id, Content: text})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			return res.ConversationID
		}
		cid := in("m1", "hello")
		if _, err := conversation.New(e.store).AddParticipants(ctx, e.f.Admin, cid, []string{e.f.Agent.UserID}, "Can you take a look?"); err != nil {
			t.Fatal(err)
		}
		in("m2", "are you there?")
		p, err := e.svc.List(ctx, e.f.Agent, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, n := range p.Items {
			got = append(got, string(n.Type)+": "+n.Text)
		}
		want := []string{"new_message: Dana: are you there?", "mention: " + e.f.Admin.Name + " added you to #1: Can you take a look?"}
		if len(got) < 2 || got[0] != want[0] || got[1] != want[1] {
			t.Errorf("agent's notifications (newest first) = %q, want to start with %q", got, want)
		}
	})
}
