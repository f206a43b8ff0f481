package conversation_test

import (
	"context"
	"testing"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

// recordingOutbox is an Outbox that remembers what it was given.
type recordingOutbox struct{ got []*parley.Message }

func (o *recordingOutbox) Enqueue(_ context.Context, _ *sqlstore.Tx, _ *parley.Inbox, _ *parley.Conversation, m *parley.Message) (bool, error) {
	o.got = append(o.got, m)
	return true, nil
}

// newConversation receives a customer message and returns its conversation.
func newConversation(t *testing.T, s *sqlstore.Store, f *storetest.Fixture, source string) string {
	t.Helper()
	res, err := inbound.New(s).Receive(context.Background(), f.Inbox, channel.Inbound{
		ProviderMessageID: source + "-1", Contact: channel.ContactInfo{SourceID: source, Name: "Bob"}, Content: "hello"})
	if err != nil {
		t.Fatal(err)
	}
	return res.ConversationID
}

// systemLines returns the system lines of a conversation's thread.
func systemLines(t *testing.T, s *sqlstore.Store, workspaceID, conversationID string) []parley.Message {
	t.Helper()
	msgs, err := s.ListMessages(context.Background(), conversationID, nil, 200)
	if err != nil {
		t.Fatal(err)
	}
	var out []parley.Message
	for _, m := range msgs {
		if m.Sender.Kind == parley.SenderSystem {
			out = append(out, m)
		}
	}
	return out
}

func TestService_Update_RecordsSystemLines(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, s)
		svc := conversation.New(s)
		cid := newConversation(t, s, f, "bob")
		if _, err := svc.Update(ctx, f.Admin, cid, conversation.Change{
			AssigneeIDs: conversation.Optional[[]string]{Set: true, Value: []string{f.Agent.UserID}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Update(ctx, f.Admin, cid, conversation.Change{
			Status:         conversation.Optional[parley.ConversationStatus]{Set: true, Value: parley.StatusResolved},
			ResolutionNote: conversation.Optional[string]{Set: true, Value: "Refund sent"},
			CloseReason:    conversation.Optional[string]{Set: true, Value: "Resolved"}}); err != nil {
			t.Fatal(err)
		}
		out := &recordingOutbox{}
		if _, err := svc.Reply(ctx, f.Admin, cid, "a note", true, out); err != nil {
			t.Fatal(err)
		}
		lines := systemLines(t, s, f.Workspace.ID, cid)
		if len(lines) != 2 {
			t.Fatalf("got %d system lines, want 2 (assigned, resolved): %+v", len(lines), lines)
		}
		want := []struct {
			action, subject, note, reason string
		}{
			{parley.ActionAssigned, f.Agent.UserID, "", ""},
			{parley.ActionResolved, "", "Refund sent", "Resolved"},
		}
		for i, w := range want {
			m := lines[i]
			if !m.Private || m.System == nil || m.System.Action != w.action {
				t.Fatalf("line %d = %+v (system %+v), want a private %s line", i, m, m.System, w.action)
			}
			if m.System.Actor == nil || m.System.Actor.ID != f.Admin.UserID {
				t.Errorf("line %d actor = %+v, want the admin", i, m.System.Actor)
			}
			if w.subject != "" && (m.System.Subject == nil || m.System.Subject.ID != w.subject) {
				t.Errorf("line %d subject = %+v, want %s", i, m.System.Subject, w.subject)
			}
			if m.System.Note != w.note || m.System.Reason != w.reason {
				t.Errorf("line %d note, reason = %q, %q; want %q, %q", i, m.System.Note, m.System.Reason, w.note, w.reason)
			}
			if m.Content == "" {
				t.Errorf("line %d has no plain-text rendering", i)
			}
		}
		if len(out.got) != 0 {
			t.Errorf("the outbox got %d messages; notes and system lines must never be sent", len(out.got))
		}
	})
}
