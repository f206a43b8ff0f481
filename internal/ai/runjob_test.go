package ai_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/ai"
	"github.com/parleyhq/parley/internal/ai/builtin"
	"github.com/parleyhq/parley/internal/clocktest"
	"github.com/parleyhq/parley/internal/knowledge"
	"github.com/parleyhq/parley/internal/scheduler"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

// noRunner stands for a node that stopped between the customer message's
// commit and its reply: RunJob never happens.
type noRunner struct{}

func (noRunner) RunJob(context.Context, sqlstore.Job) error { return nil }

// TestService_AnswersWhenTheMessageCommits: with Jobs set, a local
// provider's answer is written the moment the customer's message commits,
// without the scheduler's loop or a claim; a remote model's is claimed
// first; and a reply the node did not get to is sent by any scheduler
// once the job falls due.
func TestService_AnswersWhenTheMessageCommits(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			clock := clocktest.New(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
			s := storetest.Open(t, e, storetest.Options{Clock: clock})
			x := setup(t, s)
			sched, err := scheduler.New(scheduler.Config{Store: s, Clock: clock, Handlers: map[string]scheduler.Handler{ai.KindReply: x.svc.Handler()}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := knowledge.New(s).Create(ctx, x.f.Admin, knowledge.Input{Kind: "qa", Question: "What are the delivery times for Berlin?",
				Answer: "Deliveries to Berlin take two working days."}); err != nil {
				t.Fatal(err)
			}
			jobLeft := func(cid string) bool {
				_, err := s.FindJob(ctx, ai.KindReply, cid)
				if err != nil && !parley.IsNotFound(err) {
					t.Fatal(err)
				}
				return err == nil
			}

			// Local provider: answered before anything else runs.
			x.svc.Providers = map[string]ai.Provider{parley.ProviderBuiltin: builtin.New()}
			x.svc.Jobs = sched
			cid := x.receive(t, "m1", "What are the delivery times for Berlin?")
			x.svc.Wait()
			if got := x.kinds(t, cid); got["ai"] != 1 || jobLeft(cid) {
				t.Fatalf("local provider: thread %v, job left %v; want the AI reply written and the job done", got, jobLeft(cid))
			}

			// Remote model: claimed, then answered.
			x.svc.Providers = map[string]ai.Provider{parley.ProviderBuiltin: x.model}
			close(x.model.release)
			x.receive(t, "m2", "And to Munich?")
			<-x.model.called
			x.svc.Wait()
			if got := x.kinds(t, cid); got["ai"] != 2 || jobLeft(cid) || x.model.calls.Load() != 1 {
				t.Fatalf("remote model: thread %v, job left %v, model calls %d; want a second AI reply from one call", got, jobLeft(cid), x.model.calls.Load())
			}

			// The node stops after the commit: the job waits for its due
			// time, then any scheduler answers.
			x.svc.Jobs = noRunner{}
			x.receive(t, "m3", "And to Hamburg?")
			if n, err := sched.RunOnce(ctx); err != nil || n != 0 {
				t.Fatalf("RunOnce before the due time = %d, %v; want nothing due", n, err)
			}
			clock.Add(6 * time.Second)
			if n, err := sched.RunOnce(ctx); err != nil || n != 1 {
				t.Fatalf("RunOnce after the due time = %d, %v; want the reply job", n, err)
			}
			<-x.model.called
			if got := x.kinds(t, cid); got["ai"] != 3 || jobLeft(cid) {
				t.Errorf("fallback: thread %v, job left %v; want a third AI reply", got, jobLeft(cid))
			}
		})
	}
}
