package ai_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/ai"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/delivery"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

// sendRecorder is the API channel's sender, recording what went out.
type sendRecorder struct {
	mu   sync.Mutex
	sent []string
}

func (r *sendRecorder) Kind() string { return parley.ChannelAPI }

func (r *sendRecorder) ParseWebhook(*http.Request, []byte, string, *parley.Inbox) (*channel.WebhookResult, error) {
	return nil, channel.ErrMalformed
}

func (r *sendRecorder) Send(_ context.Context, _ *parley.Inbox, out channel.Outbound) (channel.SendResult, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, out.Content)
	return channel.SendResult{ProviderMessageID: "p-" + out.DeliveryID}, nil
}

func (r *sendRecorder) contents() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.sent...)
}

// TestService_OutboxChecksTheModeAgain pauses the outbox between the AI
// reply's commit and its send (the worker runs only when the test says)
// and acts in between: a take-over or a person's reply drops the queued
// AI reply (failed with the reason, nothing sent, a dropped line in the
// thread); a customer's newer message does not; the handoff reply, whose
// own commit paused the AI, still goes out.
func TestService_OutboxChecksTheModeAgain(t *testing.T) {
	const answer = "Here is the answer."
	tests := []struct {
		name    string
		first   string
		between func(t *testing.T, x *fixture, cid string, out conversation.Outbox)
		sent    bool
		reply   string
	}{
		{"nothing in between", "What are the delivery times for Berlin?", nil, true, answer},
		{"an agent takes over", "What are the delivery times for Berlin?", func(t *testing.T, x *fixture, cid string, _ conversation.Outbox) {
			if _, err := x.conv.Update(context.Background(), x.f.Admin, cid, conversation.Change{AIMode: conversation.Optional[parley.AIMode]{Set: true, Value: parley.AIPaused}}); err != nil {
				t.Fatal(err)
			}
		}, false, answer},
		{"an agent replies, the AI left active", "What are the delivery times for Berlin?", func(t *testing.T, x *fixture, cid string, out conversation.Outbox) {
			// A conversation service that leaves the AI active.
			if _, err := conversation.New(x.store).Reply(context.Background(), x.f.Admin, cid, "Two days, Ada here.", false, out); err != nil {
				t.Fatal(err)
			}
		}, false, answer},
		{"the customer writes again", "What are the delivery times for Berlin?", func(t *testing.T, x *fixture, cid string, _ conversation.Outbox) {
			x.receive(t, "m2", "And for Hamburg?")
		}, true, answer},
		{"the handoff reply, nobody took over", "I want to talk to a real person", nil, true, ai.HandoffReply},
		{"the handoff reply, an agent set manual", "I want to talk to a real person", func(t *testing.T, x *fixture, cid string, _ conversation.Outbox) {
			if _, err := x.conv.Update(context.Background(), x.f.Admin, cid, conversation.Change{AIMode: conversation.Optional[parley.AIMode]{Set: true, Value: parley.AIManual}}); err != nil {
				t.Fatal(err)
			}
		}, false, ai.HandoffReply},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
				ctx := context.Background()
				x := setup(t, s)
				close(x.model.release)
				rec := &sendRecorder{}
				w, err := delivery.New(delivery.Config{Store: s, Adapters: []channel.Adapter{rec}, Gate: x.svc.OutboxGate})
				if err != nil {
					t.Fatal(err)
				}
				x.svc.Outbox = w
				cid := x.receive(t, "m1", tt.first)
				if n, err := x.sched.RunOnce(ctx); err != nil || n != 1 {
					t.Fatalf("AI job: %d, %v", n, err)
				}
				if tt.between != nil {
					tt.between(t, x, cid, w)
				}
				if _, err := w.RunOnce(ctx); err != nil {
					t.Fatal(err)
				}
				msgs, err := s.ListMessages(ctx, cid, nil, 100)
				if err != nil {
					t.Fatal(err)
				}
				var reply *parley.Message
				dropped := 0
				for i, m := range msgs {
					if m.Sender.Kind == parley.SenderAI && m.Content == tt.reply {
						reply = &msgs[i]
					}
					if m.System != nil && m.System.Action == ai.ActionDropped {
						dropped++
					}
				}
				if reply == nil {
					t.Fatalf("no AI reply %q in the thread", tt.reply)
				}
				gotSent := false
				for _, c := range rec.contents() {
					gotSent = gotSent || c == tt.reply
				}
				if tt.sent {
					if !gotSent || reply.Status != parley.DeliverySent || dropped != 0 {
						t.Errorf("status %s, sent %v, dropped lines %d; want sent, no drop", reply.Status, gotSent, dropped)
					}
					return
				}
				if gotSent || reply.Status != parley.DeliveryFailed || reply.Error != ai.DroppedBeforeSend || dropped != 1 || x.drops.Load() != 1 {
					t.Errorf("status %s (%q), sent %v, dropped lines %d, OnDrop %d; want failed as dropped, not sent, one line",
						reply.Status, reply.Error, gotSent, dropped, x.drops.Load())
				}
			})
		})
	}
}

// TestService_AnswersAQuickFollowUpStampedToTheSecond: providers stamp
// messages to the second, so a follow-up can sort before the AI's answer
// to the previous message; the job still answers it.
func TestService_AnswersAQuickFollowUpStampedToTheSecond(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		x := setup(t, s)
		close(x.model.release)
		inbox, err := s.FindInboxByID(ctx, x.f.Workspace.ID, x.f.Inbox.ID)
		if err != nil {
			t.Fatal(err)
		}
		second := time.Now().UTC().Truncate(time.Second)
		var cid string
		for i, text := range []string{"What are the delivery times?", "And for Berlin?"} {
			res, err := x.recv.Receive(ctx, inbox, channel.Inbound{Contact: channel.ContactInfo{SourceID: "cust", Name: "Cust"},
				ProviderMessageID: fmt.Sprintf("w%d", i), Content: text, Timestamp: second})
			if err != nil {
				t.Fatal(err)
			}
			cid = res.ConversationID
			if n, err := x.sched.RunOnce(ctx); err != nil || n != 1 {
				t.Fatalf("job %d: %d, %v", i, n, err)
			}
		}
		if got := x.kinds(t, cid); got["ai"] != 2 {
			t.Errorf("thread = %v, want two AI answers", got)
		}
	})
}
