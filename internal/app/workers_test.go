package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/app"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/netguard"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

func TestWorkers_RunDeliversAndStops(t *testing.T) {
	got := make(chan string, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("X-Parley-Delivery")
	}))
	defer srv.Close()

	var workers *app.Workers
	s := storetest.Open(t, storetest.SQLite, storetest.Options{OnCommit: func(string, int64) {
		if workers != nil {
			workers.Wake()
		}
	}})
	f := storetest.Seed(t, s)
	f.Inbox.Config = map[string]string{"callback_url": srv.URL}
	if err := s.Write(context.Background(), func(tx *sqlstore.Tx) error { return tx.UpdateInbox(context.Background(), f.Inbox) }); err != nil {
		t.Fatalf("UpdateInbox() = %v", err)
	}
	guard, _ := netguard.New([]string{"127.0.0.1"})
	w, err := app.NewWorkers(app.WorkerOptions{Store: s, Outbox: app.NewOutbox(guard, nil, nil)})
	if err != nil {
		t.Fatalf("NewWorkers() = %v", err)
	}
	workers = w
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()

	res, err := inbound.New(s).Receive(context.Background(), f.Inbox, channel.Inbound{
		Contact: channel.ContactInfo{SourceID: "ann"}, ProviderMessageID: "p1", Content: "hi",
	})
	if err != nil {
		t.Fatalf("Receive() = %v", err)
	}
	m, err := conversation.New(s).Reply(context.Background(), f.Admin, res.ConversationID, "hello", false, w.Delivery)
	if err != nil {
		t.Fatalf("Reply() = %v", err)
	}
	select {
	case id := <-got:
		if id != m.ID {
			t.Errorf("callback for %s, want %s", id, m.ID)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the reply was not delivered")
	}
	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run() = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run() did not return")
	}
	if m, _ := s.FindMessageByID(context.Background(), m.ConversationID, m.ID); m.Status != parley.DeliverySent {
		t.Errorf("status = %s, want sent", m.Status)
	}
}
