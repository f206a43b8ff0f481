package sqlstore_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/clocktest"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

func eachClocked(t *testing.T, fn func(t *testing.T, s *sqlstore.Store, clk *clocktest.Clock)) {
	t.Helper()
	for _, e := range storetest.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			clk := clocktest.New(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
			fn(t, storetest.Open(t, e, storetest.Options{Clock: clk}), clk)
		})
	}
}

func record(t *testing.T, s *sqlstore.Store, key string, rule sqlstore.LoginRule) sqlstore.LoginAttempt {
	t.Helper()
	var a sqlstore.LoginAttempt
	err := s.Write(context.Background(), func(tx *sqlstore.Tx) error {
		var err error
		a, err = tx.RecordLoginAttempt(context.Background(), key, rule)
		return err
	})
	if err != nil {
		t.Fatalf("RecordLoginAttempt(%q): %v", key, err)
	}
	return a
}

func TestTx_RecordLoginAttempt(t *testing.T) {
	eachClocked(t, func(t *testing.T, s *sqlstore.Store, clk *clocktest.Clock) {
		t.Run("a limit grants Limit attempts, then none until Forget has passed since the last", func(t *testing.T) {
			rule := sqlstore.LoginRule{Limit: 3, Forget: 15 * time.Minute}
			for i, want := range []bool{true, true, true, false, false} {
				if got := record(t, s, "account:a", rule); got.Granted != want {
					t.Errorf("attempt %d: Granted = %v, want %v", i+1, got.Granted, want)
				}
				clk.Add(time.Minute)
			}
			clk.Add(12 * time.Minute) // 14 minutes after the last granted one
			if got := record(t, s, "account:a", rule); got.Granted {
				t.Errorf("14 minutes after the last granted attempt: Granted = true, want false")
			}
			clk.Add(time.Minute + time.Second)
			if got := record(t, s, "account:a", rule); !got.Granted || got.Failures != 1 {
				t.Errorf("15 minutes after the last granted attempt: %+v, want granted with a count of 1", got)
			}
		})
		t.Run("a delay doubles after the free attempts and refusals change nothing", func(t *testing.T) {
			rule := sqlstore.LoginRule{Free: 2, BaseDelay: time.Second, MaxDelay: 4 * time.Second, Forget: time.Hour}
			wantDelays := []time.Duration{0, 0, 1 * time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second}
			for i, want := range wantDelays {
				now := clk.Now()
				got := record(t, s, "pair:b", rule)
				if !got.Granted || got.NextAt.Sub(now) != want {
					t.Errorf("attempt %d: Granted = %v, next after %v; want granted, next after %v", i+1, got.Granted, got.NextAt.Sub(now), want)
				}
				if want > 0 {
					if early := record(t, s, "pair:b", rule); early.Granted || !early.NextAt.Equal(got.NextAt) {
						t.Errorf("attempt %d+: early attempt = %+v, want refused with next at %v", i+1, early, got.NextAt)
					}
				}
				clk.Add(want)
			}
		})
		t.Run("a release gives back one attempt and a forget clears the key", func(t *testing.T) {
			rule := sqlstore.LoginRule{Limit: 1, Forget: time.Hour}
			record(t, s, "account:c", rule)
			err := s.Write(context.Background(), func(tx *sqlstore.Tx) error {
				return tx.ReleaseLoginAttempt(context.Background(), "account:c")
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := record(t, s, "account:c", rule); !got.Granted {
				t.Errorf("after a release: Granted = false, want true")
			}
			err = s.Write(context.Background(), func(tx *sqlstore.Tx) error {
				return tx.ForgetLoginAttempts(context.Background(), "account:c")
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := record(t, s, "account:c", rule); !got.Granted || got.Failures != 1 {
				t.Errorf("after a forget: %+v, want granted with a count of 1", got)
			}
		})
		t.Run("parallel attempts are granted no more than the limit", func(t *testing.T) {
			rule := sqlstore.LoginRule{Limit: 10, Forget: 15 * time.Minute}
			var granted atomic.Int64
			var wg sync.WaitGroup
			for range 60 {
				wg.Go(func() {
					err := s.Write(context.Background(), func(tx *sqlstore.Tx) error {
						a, err := tx.RecordLoginAttempt(context.Background(), "account:parallel", rule)
						if err == nil && a.Granted {
							granted.Add(1)
						}
						return err
					})
					if err != nil {
						t.Errorf("RecordLoginAttempt: %v", err)
					}
				})
			}
			wg.Wait()
			if got := granted.Load(); got != 10 {
				t.Errorf("60 parallel attempts: %d granted, want 10", got)
			}
		})
	})
}
