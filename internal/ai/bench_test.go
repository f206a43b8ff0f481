package ai_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/ai"
	"github.com/parleyhq/parley/internal/ai/builtin"
	"github.com/parleyhq/parley/internal/knowledge"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

// BenchmarkBuiltinPath measures the AI path the built-in provider adds:
// from the customer's message committed to the AI reply queued in the
// outbox (claim the job, classify, retrieve from a 300-entry knowledge
// base, answer, commit the reply), and reports p50 and p99.
//
//	go test ./internal/ai -run X -bench BuiltinPath -benchtime 300x
func BenchmarkBuiltinPath(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			s := storetest.Open(b, e, storetest.Options{})
			ctx := context.Background()
			x := setup(b, s)
			x.svc.Providers = map[string]ai.Provider{parley.ProviderBuiltin: builtin.New()}
			ks := knowledge.New(s)
			for i := range 300 {
				if _, err := ks.Create(ctx, x.f.Admin, knowledge.Input{Kind: "qa", Question: fmt.Sprintf("How do I configure feature %d of product line %d?", i, i%7),
					Answer: fmt.Sprintf("Open settings, choose feature %d and follow the steps.", i)}); err != nil {
					b.Fatal(err)
				}
			}
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := range b.N {
				x.receive(b, fmt.Sprintf("b%d", i), fmt.Sprintf("How do I configure feature %d?", i%300))
				start := time.Now()
				n, err := x.sched.RunOnce(ctx)
				if err != nil || n != 1 {
					b.Fatalf("RunOnce = %d, %v", n, err)
				}
				lat = append(lat, time.Since(start))
			}
			b.StopTimer()
			slices.Sort(lat)
			p := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
			b.ReportMetric(p(0.5), "p50-ms")
			b.ReportMetric(p(0.99), "p99-ms")
		})
	}
}

// committedSignal is an Outbox that remembers an AI reply was queued, and
// the store's commit hook that then reports the reply's commit.
type committedSignal struct {
	queued atomic.Bool
	done   chan struct{}
}

func (c *committedSignal) Enqueue(ctx context.Context, tx *sqlstore.Tx, inbox *parley.Inbox, conv *parley.Conversation, m *parley.Message) (bool, error) {
	c.queued.Store(true)
	return true, nil
}

func (c *committedSignal) onCommit(string, int64) {
	if c.queued.Swap(false) {
		c.done <- struct{}{}
	}
}

// BenchmarkBuiltinPathCommitted measures the path as the app runs it:
// the reply job runs the moment the customer's message commits (RunJob,
// no claim for the local provider), and the clock stops when the
// transaction holding the AI reply, queued in the outbox, has committed.
//
//	go test ./internal/ai -run X -bench BuiltinPathCommitted -benchtime 300x
func BenchmarkBuiltinPathCommitted(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			sig := &committedSignal{done: make(chan struct{}, 1)}
			s := storetest.Open(b, e, storetest.Options{OnCommit: sig.onCommit})
			ctx := context.Background()
			x := setup(b, s)
			x.svc.Providers = map[string]ai.Provider{parley.ProviderBuiltin: builtin.New()}
			x.svc.Outbox = sig
			x.svc.Jobs = x.sched
			ks := knowledge.New(s)
			for i := range 300 {
				if _, err := ks.Create(ctx, x.f.Admin, knowledge.Input{Kind: "qa", Question: fmt.Sprintf("How do I configure feature %d of product line %d?", i, i%7),
					Answer: fmt.Sprintf("Open settings, choose feature %d and follow the steps.", i)}); err != nil {
					b.Fatal(err)
				}
			}
			if e == storetest.Postgres {
				checkpoint(b)
			}
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := range b.N {
				x.receive(b, fmt.Sprintf("b%d", i), fmt.Sprintf("How do I configure feature %d?", i%300))
				start := time.Now() // the customer's message is committed
				<-sig.done
				lat = append(lat, time.Since(start))
				x.svc.Wait()
			}
			b.StopTimer()
			slices.Sort(lat)
			p := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
			b.ReportMetric(p(0.5), "p50-ms")
			b.ReportMetric(p(0.99), "p99-ms")
		})
	}
}

// checkpoint asks PostgreSQL for a checkpoint before a timed run: the
// schemas earlier tests made and dropped would otherwise give a
// checkpoint falling inside the run thousands of files to sync, and
// commits stall behind it (an artefact of the test database, as in
// bench/).
func checkpoint(b *testing.B) {
	db, err := sql.Open("pgx", os.Getenv("PARLEY_TEST_POSTGRES_URL"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CHECKPOINT"); err != nil {
		b.Logf("checkpoint before the run: %v", err)
	}
}
