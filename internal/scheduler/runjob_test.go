package scheduler_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/clocktest"
	"github.com/parleyhq/parley/internal/scheduler"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

// TestRunJob: a job run the moment it is queued completes once, with or
// without a claim, and never when someone claimed or replaced it while it
// ran.
func TestRunJob(t *testing.T) {
	const kind = "test.now"
	cases := []struct {
		name string
		// during runs inside the job's Run (unclaimed attempt only).
		during func(t *testing.T, s *sqlstore.Store, sch *scheduler.Scheduler)
		// needsClaim makes the unclaimed Run ask for a claim.
		needsClaim bool
		// leasedBefore claims the job before RunJob.
		leasedBefore bool
		wantCommits  []string // payload notes committed, in order
		wantJobLeft  bool
		wantAttempts int // of the committed run's job
	}{
		{name: "quick job completes without a claim", wantCommits: []string{"v1"}},
		{name: "long job runs again under a claim", needsClaim: true, wantCommits: []string{"v1"}, wantAttempts: 1},
		{name: "a job a claim holds is left alone", leasedBefore: true, wantJobLeft: true},
		{
			name: "a job replaced while it ran is not completed",
			during: func(t *testing.T, s *sqlstore.Store, _ *scheduler.Scheduler) {
				write(t, s, func(ctx context.Context, tx *sqlstore.Tx) error {
					return scheduler.Schedule(ctx, tx, kind, "k", "", tx.Now().Add(time.Hour), map[string]string{"note": "v2"})
				})
			},
			wantJobLeft: true,
		},
		{
			name: "a job claimed while it ran is left to the claim",
			during: func(t *testing.T, _ *sqlstore.Store, sch *scheduler.Scheduler) {
				if n, err := sch.RunOnce(context.Background()); err != nil || n != 1 {
					t.Fatalf("RunOnce() = %d, %v, want the job claimed and run", n, err)
				}
			},
			wantCommits: []string{"v1"}, wantAttempts: 1,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			eachStore(t, func(t *testing.T, s *sqlstore.Store, clock *clocktest.Clock) {
				var commits []string
				var attempts []int
				var sch *scheduler.Scheduler
				nested := false
				h := scheduler.Handler{
					Run: func(ctx context.Context, j *sqlstore.Job) error {
						if !j.Unclaimed {
							return nil
						}
						if tc.needsClaim {
							return scheduler.ErrNeedsClaim
						}
						if tc.during != nil && !nested {
							nested = true // the claimed run inside during is a plain one
							tc.during(t, s, sch)
						}
						return nil
					},
					Commit: func(ctx context.Context, tx *sqlstore.Tx, j *sqlstore.Job) error {
						var p struct{ Note string }
						if err := json.Unmarshal(j.Payload, &p); err != nil {
							return err
						}
						commits = append(commits, p.Note)
						attempts = append(attempts, j.Attempts)
						return nil
					},
				}
				var err error
				sch, err = scheduler.New(scheduler.Config{Store: s, Clock: clock, Lease: time.Minute, Handlers: map[string]scheduler.Handler{kind: h}})
				if err != nil {
					t.Fatal(err)
				}
				due := clock.Now()
				if tc.during == nil {
					due = due.Add(time.Hour) // RunJob does not wait for the due time
				}
				var queued *sqlstore.Job
				write(t, s, func(ctx context.Context, tx *sqlstore.Tx) error {
					var err error
					queued, err = scheduler.Queue(ctx, tx, kind, "k", "", due, map[string]string{"note": "v1"})
					return err
				})
				if tc.leasedBefore {
					clock.Add(2 * time.Hour)
					if c, err := s.ClaimJob(context.Background(), queued.ID, clock.Now(), time.Minute); err != nil || c == nil {
						t.Fatalf("ClaimJob() = %v, %v", c, err)
					}
				}
				if err := sch.RunJob(context.Background(), *queued); err != nil {
					t.Fatalf("RunJob() = %v", err)
				}
				if !slices.Equal(commits, tc.wantCommits) {
					t.Errorf("commits = %v, want %v", commits, tc.wantCommits)
				}
				if len(tc.wantCommits) > 0 && attempts[0] != tc.wantAttempts {
					t.Errorf("attempts of the committed run = %d, want %d", attempts[0], tc.wantAttempts)
				}
				_, err = s.FindJob(context.Background(), kind, "k")
				if left := err == nil; left != tc.wantJobLeft || err != nil && !parley.IsNotFound(err) {
					t.Errorf("job left = %v (%v), want %v", left, err, tc.wantJobLeft)
				}
			})
		})
	}
}

// TestRunJob_unknownKind answers an error, not a silent nothing.
func TestRunJob_unknownKind(t *testing.T) {
	s := storetest.Open(t, storetest.SQLite, storetest.Options{})
	sch, err := scheduler.New(scheduler.Config{Store: s})
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.RunJob(context.Background(), sqlstore.Job{Kind: "nope", Key: "k"}); err == nil {
		t.Error("RunJob(unregistered kind) = nil, want an error")
	}
}
