package health

import (
	"testing"
	"time"

	"github.com/parleyhq/parley"
)

func TestShouldAlert(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) *time.Time { t := now.Add(-d); return &t }
	tests := []struct {
		name string
		h    parley.ChannelHealth
		want bool
	}{
		{"one failure, just now", parley.ChannelHealth{ConsecutiveFailures: 1, FailingSince: ago(0)}, false},
		{"four failures in a minute", parley.ChannelHealth{ConsecutiveFailures: AlertFailures - 1, FailingSince: ago(time.Minute)}, false},
		{"five failures", parley.ChannelHealth{ConsecutiveFailures: AlertFailures, FailingSince: ago(time.Minute)}, true},
		{"two failures over ten minutes", parley.ChannelHealth{ConsecutiveFailures: 2, FailingSince: ago(AlertDuration)}, true},
		{"a run already alerted", parley.ChannelHealth{ConsecutiveFailures: 9, FailingSince: ago(time.Hour), AlertedAt: ago(time.Minute)}, false},
	}
	for _, tt := range tests {
		if got := ShouldAlert(&tt.h, now); got != tt.want {
			t.Errorf("ShouldAlert(%s) = %v, want %v", tt.name, got, tt.want)
		}
	}
}
