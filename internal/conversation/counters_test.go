package conversation_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

// TestCounters_EqualRecomputation drives a mix of customer messages,
// replies and notes and checks every kept counter against a recount of
// the messages.
func TestCounters_EqualRecomputation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, s)
		r, svc := inbound.New(s), conversation.New(s)
		script := []string{"in", "in", "note", "in", "reply", "in", "note", "in", "in", "reply", "reply", "in"}
		var cid string
		for i, step := range script {
			switch step {
			case "in":
				res, err := r.Receive(ctx, f.Inbox, channel.Inbound{ProviderMessageID: fmt.Sprint(i), Contact: channel.ContactInfo{SourceID: "c"}, Content: "q"})
				if err != nil {
					t.Fatal(err)
				}
				cid = res.ConversationID
			default:
				if _, err := svc.Reply(ctx, f.Agent, cid, "a", step == "note", nil); err != nil {
					t.Fatal(err)
				}
			}
			checkCounters(t, s, f, cid, f.Agent.UserID)
		}
		if err := svc.MarkRead(ctx, f.Agent, cid); err != nil {
			t.Fatal(err)
		}
		checkCounters(t, s, f, cid, f.Agent.UserID)
	})
}

func checkCounters(t *testing.T, s *sqlstore.Store, f *storetest.Fixture, cid, userID string) {
	t.Helper()
	ctx := context.Background()
	msgs, err := s.ListMessages(ctx, cid, nil, 1000)
	if err != nil {
		t.Fatal(err)
	}
	inboundN, unreplied := 0, 0
	for _, m := range msgs {
		switch {
		case m.Direction == parley.DirectionIn:
			inboundN++
			unreplied++
		case !m.Private:
			unreplied = 0
		}
	}
	it, err := s.FindConversationItem(ctx, f.Workspace.ID, cid, userID)
	if err != nil {
		t.Fatal(err)
	}
	if it.UnrepliedCount != unreplied || it.InboundCount != int64(inboundN) {
		t.Errorf("counters unreplied %d inbound %d, recount %d and %d", it.UnrepliedCount, it.InboundCount, unreplied, inboundN)
	}
	if (unreplied > 0) != (it.WaitingSince != nil) {
		t.Errorf("waiting_since %v with %d unreplied", it.WaitingSince, unreplied)
	}
	last := msgs[len(msgs)-1]
	if !last.Private && (it.LastMessage == nil || it.LastMessage.Content != last.Content || it.LastMessage.Direction != last.Direction) {
		t.Errorf("last_message %+v, want the newest message %q", it.LastMessage, last.Content)
	}
}
