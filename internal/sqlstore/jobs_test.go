package sqlstore_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/clocktest"
	"github.com/parleyhq/parley/internal/sqlstore"
)

func schedule(t *testing.T, s *sqlstore.Store, j *sqlstore.Job) {
	t.Helper()
	write(t, s, func(ctx context.Context, tx *sqlstore.Tx) error { return tx.ScheduleJob(ctx, j) })
}

func claimJobs(t *testing.T, s *sqlstore.Store, now time.Time, kinds ...string) []sqlstore.Job {
	t.Helper()
	jobs, err := s.ClaimJobs(context.Background(), now, kinds, 10, time.Minute)
	if err != nil {
		t.Fatalf("ClaimJobs(%v) = %v", now, err)
	}
	return jobs
}

func TestStore_ScheduleJob(t *testing.T) {
	eachStore(t, func(t *testing.T, s *sqlstore.Store, clock *clocktest.Clock) {
		now := clock.Now()
		j := &sqlstore.Job{Kind: "test.kind", Key: "k1", Payload: json.RawMessage(`{"n":1}`), DueAt: now.Add(time.Hour)}
		schedule(t, s, j)
		firstID := j.ID
		again := &sqlstore.Job{Kind: "test.kind", Key: "k1", Payload: json.RawMessage(`{"n":2}`), DueAt: now.Add(2 * time.Hour)}
		schedule(t, s, again)
		if again.ID != firstID {
			t.Errorf("ScheduleJob(same key) id = %s, want %s", again.ID, firstID)
		}
		got, err := s.FindJob(context.Background(), "test.kind", "k1")
		if err != nil {
			t.Fatalf("FindJob() = %v", err)
		}
		if !got.DueAt.Equal(now.Add(2*time.Hour)) || string(got.Payload) != `{"n":2}` {
			t.Errorf("FindJob() = due %v payload %s, want the rescheduled job", got.DueAt, got.Payload)
		}
		if next, err := s.NextJobDue(context.Background(), now); err != nil || next == nil || !next.Equal(now.Add(2*time.Hour)) {
			t.Errorf("NextJobDue(%v) = %v, %v, want %v", now, next, err, now.Add(2*time.Hour))
		}
		write(t, s, func(ctx context.Context, tx *sqlstore.Tx) error { return tx.CancelJob(ctx, "test.kind", "k1") })
		if _, err := s.FindJob(context.Background(), "test.kind", "k1"); !parley.IsNotFound(err) {
			t.Errorf("FindJob(cancelled) = %v, want ENOTFOUND", err)
		}
	})
}

func TestStore_ClaimJobs(t *testing.T) {
	eachStore(t, func(t *testing.T, s *sqlstore.Store, clock *clocktest.Clock) {
		now := clock.Now()
		due := &sqlstore.Job{Kind: "a", DueAt: now}
		later := &sqlstore.Job{Kind: "a", DueAt: now.Add(time.Hour)}
		otherKind := &sqlstore.Job{Kind: "b", DueAt: now}
		for _, j := range []*sqlstore.Job{due, later, otherKind} {
			schedule(t, s, j)
		}
		jobs := claimJobs(t, s, now, "a")
		if len(jobs) != 1 || jobs[0].ID != due.ID || jobs[0].Attempts != 1 {
			t.Fatalf("ClaimJobs(a) = %+v, want only %s with 1 attempt", jobs, due.ID)
		}
		if got := claimJobs(t, s, now.Add(30*time.Second), "a"); len(got) != 0 {
			t.Errorf("ClaimJobs(within lease) = %d jobs, want 0", len(got))
		}
		again := claimJobs(t, s, now.Add(61*time.Second), "a")
		if len(again) != 1 || again[0].Attempts != 2 || again[0].Token == jobs[0].Token {
			t.Fatalf("ClaimJobs(after lease) = %+v, want the job again with a new token", again)
		}
		write(t, s, func(ctx context.Context, tx *sqlstore.Tx) error {
			if ok, err := tx.CompleteJob(ctx, due.ID, jobs[0].Token); err != nil || ok {
				t.Errorf("CompleteJob(stale token) = %v, %v, want false, nil", ok, err)
			}
			if ok, err := tx.RetryJob(ctx, due.ID, again[0].Token, now.Add(2*time.Minute), "boom"); err != nil || !ok {
				t.Errorf("RetryJob() = %v, %v, want true, nil", ok, err)
			}
			return nil
		})
		retried := claimJobs(t, s, now.Add(2*time.Minute), "a")
		if len(retried) != 1 || retried[0].LastError != "boom" {
			t.Fatalf("ClaimJobs(after retry) = %+v, want the job with its last error", retried)
		}
		write(t, s, func(ctx context.Context, tx *sqlstore.Tx) error {
			if ok, err := tx.FailJob(ctx, due.ID, retried[0].Token, "gave up"); err != nil || !ok {
				t.Errorf("FailJob() = %v, %v, want true, nil", ok, err)
			}
			return nil
		})
		if got := claimJobs(t, s, now.Add(time.Hour), "a"); len(got) != 1 || got[0].ID != later.ID {
			t.Errorf("ClaimJobs(+1h) = %+v, want only %s (the failed job is never claimed)", got, later.ID)
		}
	})
}

func TestStore_ClaimJobsConcurrent(t *testing.T) {
	eachStore(t, func(t *testing.T, s *sqlstore.Store, clock *clocktest.Clock) {
		const n = 30
		now := clock.Now()
		for range n {
			schedule(t, s, &sqlstore.Job{Kind: "tick", DueAt: now})
		}
		var mu sync.Mutex
		seen := map[string]int{}
		var wg sync.WaitGroup
		for range 6 {
			wg.Go(func() {
				for {
					jobs, err := s.ClaimJobs(context.Background(), now, []string{"tick"}, 2, time.Minute)
					if err != nil {
						t.Errorf("ClaimJobs() = %v", err)
						return
					}
					if len(jobs) == 0 {
						return
					}
					mu.Lock()
					for _, j := range jobs {
						seen[j.ID]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(seen) != n {
			t.Errorf("claimed %d distinct jobs, want %d", len(seen), n)
		}
		for id, c := range seen {
			if c != 1 {
				t.Errorf("job %s claimed %d times, want 1", id, c)
			}
		}
	})
}
