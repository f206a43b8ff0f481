package ai_test

import (
	"context"
	"fmt"
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

// queuedSignal is an Outbox that reports each AI reply it is given: the
// moment the reply is queued.
type queuedSignal chan struct{}

func (q queuedSignal) Enqueue(context.Context, *sqlstore.Tx, *parley.Inbox, *parley.Conversation, *parley.Message) (bool, error) {
	q <- struct{}{}
	return true, nil
}

// BenchmarkBuiltinPathWoken measures the same path as the app runs it:
// the scheduler's loop woken by the store's commit hook (no polling), from
// the customer's message committed to the AI reply handed to the outbox.
//
//	go test ./internal/ai -run X -bench BuiltinPathWoken -benchtime 300x
func BenchmarkBuiltinPathWoken(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			var wake atomic.Pointer[func()]
			s := storetest.Open(b, e, storetest.Options{OnCommit: func(string, int64) {
				if f := wake.Load(); f != nil {
					(*f)()
				}
			}})
			ctx, cancel := context.WithCancel(context.Background())
			x := setup(b, s)
			queued := make(queuedSignal, 1)
			x.svc.Providers = map[string]ai.Provider{parley.ProviderBuiltin: builtin.New()}
			x.svc.Outbox = queued
			ks := knowledge.New(s)
			for i := range 300 {
				if _, err := ks.Create(ctx, x.f.Admin, knowledge.Input{Kind: "qa", Question: fmt.Sprintf("How do I configure feature %d of product line %d?", i, i%7),
					Answer: fmt.Sprintf("Open settings, choose feature %d and follow the steps.", i)}); err != nil {
					b.Fatal(err)
				}
			}
			w := x.sched.Wake
			wake.Store(&w)
			done := make(chan error, 1)
			go func() { done <- x.sched.Run(ctx) }()
			defer func() { cancel(); <-done }()
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := range b.N {
				x.receive(b, fmt.Sprintf("b%d", i), fmt.Sprintf("How do I configure feature %d?", i%300))
				start := time.Now() // the customer's message is committed
				<-queued
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
