package notify_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/inbound"
	"github.com/parleyhq/parley/internal/notify"
)

// TestWorker_RunOnce_EachEventOnceAcrossReaders: two workers (two nodes)
// reading the same events concurrently create each notification once,
// and a worker started later resumes from the durable cursor.
func TestWorker_RunOnce_EachEventOnceAcrossReaders(t *testing.T) {
	eachEnv(t, time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC), func(t *testing.T, e *env) {
		ctx := context.Background()
		created := func(number int64) {
			t.Helper()
			_, err := inbound.New(e.store).Receive(ctx, e.f.Inbox, channel.Inbound{
				Contact: channel.ContactInfo{SourceID: fmt.Sprint("c", number)}, ProviderMessageID: fmt.Sprint("m", number), Content: "hi",
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		for i := range 5 {
			created(int64(i + 1))
		}
		w1, w2 := notify.NewWorker(e.svc), notify.NewWorker(e.svc)
		var wg sync.WaitGroup
		for _, w := range []*notify.Worker{w1, w2} {
			wg.Go(func() {
				if _, err := w.RunOnce(ctx); err != nil {
					t.Errorf("RunOnce() = %v", err)
				}
			})
		}
		wg.Wait()
		for range 2 { // read the notification events too
			if _, err := w1.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
		}
		count := func(a parley.Actor) int {
			p, err := e.svc.List(ctx, a, "", 100)
			if err != nil {
				t.Fatal(err)
			}
			return len(p.Items)
		}
		if a, b := count(e.f.Admin), count(e.f.Agent); a != 5 || b != 5 {
			t.Fatalf("notifications = admin %d, agent %d; want 5 each", a, b)
		}
		created(6)
		w3 := notify.NewWorker(e.svc) // a restarted node
		if _, err := w3.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if a := count(e.f.Admin); a != 6 {
			t.Errorf("after a restart: admin has %d notifications, want 6", a)
		}
	})
}
